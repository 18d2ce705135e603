"""flyteplug: a Python host for flyteplug plugin modules.

A thin ctypes binding over the loader's C API (``flyteplug/loader.h``),
standard library only. It loads ``libflyteplug_loader.so``, which loads the
plugin modules (the shipped ``spark`` and ``databricks`` modules and any
third-party module), and routes calls to the module serving a task type::

    import flyteplug

    with flyteplug.Loader(paths=["/opt/my-modules"],
                          config="/etc/flyte/plugins.yaml") as loader:
        for module in loader.modules():
            print(module.id, module.version, module.task_types)
        manifest = loader.build_resource(task_context_dict)   # dict
        phase = loader.get_task_phase(task_context_dict, observed_object)

Finding the loader library, first match wins: the ``library`` argument,
the ``FLYTEPLUG_LIBRARY`` environment variable (a file path), the loader
installed with this package (``<prefix>/lib/python3/dist-packages/flyteplug``
finds ``<prefix>/lib/libflyteplug_loader.so.1``), then the dynamic linker's
search for ``libflyteplug_loader.so`` (``LD_LIBRARY_PATH``, ld.so.cache).

Inputs:
  * The configuration (propeller layout: ``tasks.task-plugins.*``,
    ``plugins.<section>.*``) is a ``dict``; a ``str`` holding a JSON
    document (first non-space character ``{``) or a YAML document; a ``str``
    or :class:`os.PathLike` path ending ``.json`` (read as JSON), ``.yaml``
    or ``.yml`` (read as YAML); or ``bytes`` (JSON or YAML, told apart as for
    ``str``). YAML is converted by the loader (``flyteplug_config_to_json``,
    YAML 1.2 core schema: quoted values stay strings); misspelled keys of
    the host-owned layout are warnings naming the closest known key: logged
    once through the host's log by :class:`Loader` (errors with
    ``strict_config=True``), :class:`ConfigWarning` warnings from
    :func:`config_to_json`.
  * A task context is a ``dict`` or JSON ``str`` in flyteplug's TaskContext
    proto3 JSON form (a bare TaskTemplate is wrapped in the default context),
    or ``bytes`` holding a serialized ``flyteplug.v1.TaskContext``.
  * An observed Kubernetes object is a ``dict``, a JSON ``str`` or ``bytes``.

Errors: every failing call raises a :class:`FlyteplugError` subclass chosen
by the status code (:class:`InvalidArgumentError`, :class:`NotFoundError`...)
carrying ``code`` (the stable number from ``plugin.h``), ``code_name`` and
``message`` (the loader's message, which names the file and field).

Ownership: every buffer the loader returns is copied into Python and
released before the call returns, also on error. Status messages are freed
the same way.

Threading: the loader is thread-safe, so one :class:`Loader` may be used from
many Python threads (ctypes releases the GIL during each call).
:meth:`Loader.close` must run alone and last; the context manager does it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import json
import os
import threading
import time
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

__all__ = [
    "Loader", "ModuleInfo", "Host", "FlyteplugError", "CancelledError",
    "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
    "NotFoundError", "AlreadyExistsError", "PermissionDeniedError",
    "ResourceExhaustedError", "FailedPreconditionError", "AbortedError",
    "OutOfRangeError", "UnimplementedError", "InternalError",
    "UnavailableError", "DataLossError", "UnauthenticatedError",
    "AbiError", "LibraryNotFoundError", "StatusCode", "LogLevel",
    "TERMINAL_PHASES", "ConfigWarning", "config_to_json",
    "CONFIG_FORMAT_AUTO", "CONFIG_FORMAT_JSON", "CONFIG_FORMAT_YAML",
]

# ---------------------------------------------------------------------------
# Status codes (plugin.h) and errors.
# ---------------------------------------------------------------------------


class StatusCode:
    """Stable status numbers of the ABI (``flyteplug_status_code``)."""
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16
    ABI_VERSION_MISMATCH = 1000
    ABI_STRUCT_TOO_NEW = 1001
    ABI_CONTRACT_VIOLATION = 1002

    @classmethod
    def name(cls, code: int) -> str:
        for key, value in vars(cls).items():
            if key.isupper() and value == code:
                return key
        return "CODE_%d" % code


class FlyteplugError(Exception):
    """A failed flyteplug call: ``code`` (int), ``code_name``, ``message``."""

    def __init__(self, code: int, message: str):
        self.code = code
        self.code_name = StatusCode.name(code)
        self.message = message
        super().__init__("%s: %s" % (self.code_name, message))


class CancelledError(FlyteplugError): pass
class UnknownError(FlyteplugError): pass
class InvalidArgumentError(FlyteplugError): pass
class DeadlineExceededError(FlyteplugError): pass
class NotFoundError(FlyteplugError): pass
class AlreadyExistsError(FlyteplugError): pass
class PermissionDeniedError(FlyteplugError): pass
class ResourceExhaustedError(FlyteplugError): pass
class FailedPreconditionError(FlyteplugError): pass
class AbortedError(FlyteplugError): pass
class OutOfRangeError(FlyteplugError): pass
class UnimplementedError(FlyteplugError): pass
class InternalError(FlyteplugError): pass
class UnavailableError(FlyteplugError): pass
class DataLossError(FlyteplugError): pass
class UnauthenticatedError(FlyteplugError): pass
class AbiError(FlyteplugError):
    """ABI version mismatch, too-new struct, or contract violation."""


class LibraryNotFoundError(FlyteplugError):
    """``libflyteplug_loader.so`` could not be found or loaded."""

    def __init__(self, message: str):
        super().__init__(StatusCode.NOT_FOUND, message)


_ERROR_CLASSES = {
    StatusCode.CANCELLED: CancelledError,
    StatusCode.UNKNOWN: UnknownError,
    StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    StatusCode.NOT_FOUND: NotFoundError,
    StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    StatusCode.ABORTED: AbortedError,
    StatusCode.OUT_OF_RANGE: OutOfRangeError,
    StatusCode.UNIMPLEMENTED: UnimplementedError,
    StatusCode.INTERNAL: InternalError,
    StatusCode.UNAVAILABLE: UnavailableError,
    StatusCode.DATA_LOSS: DataLossError,
    StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    StatusCode.ABI_VERSION_MISMATCH: AbiError,
    StatusCode.ABI_STRUCT_TOO_NEW: AbiError,
    StatusCode.ABI_CONTRACT_VIOLATION: AbiError,
}


def _error(code: int, message: str) -> FlyteplugError:
    return _ERROR_CLASSES.get(code, FlyteplugError)(code, message)


class ConfigWarning(UserWarning):
    """A configuration key that looks misspelled (names the closest key)."""


class LogLevel:
    DEBUG = 0
    INFO = 1
    WARNING = 2
    ERROR = 3


FAMILY_K8S_RESOURCE = 1
FAMILY_WEB_API = 2
_FAMILY_NAMES = {FAMILY_K8S_RESOURCE: "k8s-resource",
                 FAMILY_WEB_API: "web-api"}

#: Phases after which a task does not change any more.
TERMINAL_PHASES = frozenset(
    {"SUCCESS", "RETRYABLE_FAILURE", "PERMANENT_FAILURE", "ABORTED"})

# ---------------------------------------------------------------------------
# C structs, mirrored field for field from plugin.h and loader.h (LP64).
# test_flyteplug.py checks ctypes.sizeof() against the C sizes.
# ---------------------------------------------------------------------------

_u8p = ctypes.POINTER(ctypes.c_uint8)


class _Bytes(ctypes.Structure):  # flyteplug_bytes
    _fields_ = [("data", _u8p), ("size", ctypes.c_size_t)]


class _Buffer(ctypes.Structure):  # flyteplug_buffer
    pass


_BufferRelease = ctypes.CFUNCTYPE(None, ctypes.POINTER(_Buffer))
_Buffer._fields_ = [("data", _u8p), ("size", ctypes.c_size_t),
                    ("release", _BufferRelease),
                    ("private_data", ctypes.c_void_p)]


class _Error(ctypes.Structure):  # flyteplug_error
    pass


_ErrorSet = ctypes.CFUNCTYPE(None, ctypes.POINTER(_Error), ctypes.c_int32,
                             ctypes.c_char_p, ctypes.c_size_t)
_Error._fields_ = [("struct_size", ctypes.c_uint32),
                   ("caller_data", ctypes.c_void_p), ("set", _ErrorSet)]

_LogEnabledFn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p,
                                 ctypes.c_int32)
_LogFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32,
                          ctypes.POINTER(ctypes.c_char), ctypes.c_size_t)
_GetSecretFn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p,
                                ctypes.POINTER(ctypes.c_char), ctypes.c_size_t,
                                ctypes.POINTER(_Buffer),
                                ctypes.POINTER(_Error))
_NowFn = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p)
_CallCancelledFn = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p)


class _HostApi(ctypes.Structure):  # flyteplug_host_api
    _fields_ = [("struct_size", ctypes.c_uint32),
                ("host_data", ctypes.c_void_p),
                ("log_enabled", _LogEnabledFn), ("log", _LogFn),
                ("get_secret", _GetSecretFn),
                ("now_unix_nanos", _NowFn),
                # ABI 1.1 call control; left NULL, the loader fills them in.
                ("call_deadline_unix_nanos", _NowFn),
                ("call_cancelled", _CallCancelledFn)]


class _Status(ctypes.Structure):  # flyteplug_status
    _fields_ = [("struct_size", ctypes.c_uint32), ("code", ctypes.c_int32),
                ("message", ctypes.c_void_p)]


class _LoaderOptions(ctypes.Structure):  # flyteplug_loader_options
    _fields_ = [("struct_size", ctypes.c_uint32),
                ("flags", ctypes.c_uint32),
                ("module_paths", ctypes.POINTER(ctypes.c_char_p)),
                ("module_path_count", ctypes.c_uint32),
                ("reserved0", ctypes.c_uint32),
                ("config_json", _Bytes),
                ("host", ctypes.POINTER(_HostApi)),
                # Since loader 1.1.
                ("config_document", _Bytes),
                ("config_format", ctypes.c_int32),
                ("reserved1", ctypes.c_uint32),
                ("config_source_name", ctypes.c_char_p)]


class _ModuleInfo(ctypes.Structure):  # flyteplug_module_info
    _fields_ = [("struct_size", ctypes.c_uint32),
                ("abi_major", ctypes.c_uint32),
                ("abi_minor", ctypes.c_uint32),
                ("family", ctypes.c_int32),
                ("id", ctypes.c_char_p), ("version", ctypes.c_char_p),
                ("description", ctypes.c_char_p), ("path", ctypes.c_char_p),
                ("task_types", ctypes.c_char_p),
                ("claimed_task_types", ctypes.c_char_p)]


#: The C sizes these mirrors must have (plugin.h's _Static_asserts, LP64).
C_STRUCT_SIZES = {
    "flyteplug_bytes": 16, "flyteplug_buffer": 32, "flyteplug_error": 24,
    "flyteplug_host_api": 64, "flyteplug_status": 16,
    "flyteplug_loader_options": 80, "flyteplug_module_info": 64,
}
_MIRRORS = {
    "flyteplug_bytes": _Bytes, "flyteplug_buffer": _Buffer,
    "flyteplug_error": _Error, "flyteplug_host_api": _HostApi,
    "flyteplug_status": _Status, "flyteplug_loader_options": _LoaderOptions,
    "flyteplug_module_info": _ModuleInfo,
}


def struct_sizes() -> Dict[str, int]:
    """ctypes.sizeof() of each mirrored struct, keyed by its C name, plus
    the offsets of a few fields ("struct.field")."""
    sizes = {name: ctypes.sizeof(cls) for name, cls in _MIRRORS.items()}
    sizes["flyteplug_loader_options.config_json"] = \
        _LoaderOptions.config_json.offset
    sizes["flyteplug_loader_options.host"] = _LoaderOptions.host.offset
    sizes["flyteplug_module_info.id"] = _ModuleInfo.id.offset
    sizes["flyteplug_module_info.claimed_task_types"] = \
        _ModuleInfo.claimed_task_types.offset
    return sizes


FLAG_SKIP_DEFAULT_PATHS = 1
FLAG_STRICT_CONFIG = 2  # every configuration warning is an error

# Values of flyteplug_config_to_json's format (loader.h).
CONFIG_FORMAT_AUTO = 0  # JSON if the first non-space byte is '{', else YAML
CONFIG_FORMAT_JSON = 1
CONFIG_FORMAT_YAML = 2

# ---------------------------------------------------------------------------
# Loading libflyteplug_loader.so.
# ---------------------------------------------------------------------------

_LIB_LOCK = threading.Lock()
_LIBS: Dict[str, ctypes.CDLL] = {}


def _declare(lib: ctypes.CDLL) -> None:
    st = ctypes.POINTER(_Status)
    buf = ctypes.POINTER(_Buffer)
    i32 = ctypes.c_int32
    vp = ctypes.c_void_p
    sigs = {
        "flyteplug_status_clear": (None, [st]),
        "flyteplug_buffer_release": (None, [buf]),
        "flyteplug_loader_open": (i32, [ctypes.POINTER(_LoaderOptions),
                                        ctypes.POINTER(vp), st]),
        "flyteplug_loader_close": (None, [vp]),
        "flyteplug_loader_module_count": (ctypes.c_uint32, [vp]),
        "flyteplug_loader_module_info": (i32, [vp, ctypes.c_uint32,
                                               ctypes.POINTER(_ModuleInfo),
                                               st]),
        "flyteplug_loader_resolve": (i32, [vp, ctypes.c_char_p,
                                           ctypes.POINTER(ctypes.c_uint32),
                                           st]),
        "flyteplug_task_context_from_json": (i32, [_Bytes, buf, st]),
        "flyteplug_phase_info_to_json": (i32, [_Bytes, buf, st]),
        "flyteplug_config_to_json": (i32, [_Bytes, i32, buf, st]),
        "flyteplug_build_resource": (i32, [vp, _Bytes, buf, st]),
        "flyteplug_build_identity_resource": (i32, [vp, _Bytes, buf, st]),
        "flyteplug_get_task_phase": (i32, [vp, _Bytes, _Bytes, buf, st]),
        "flyteplug_webapi_create": (i32, [vp, _Bytes, buf, st]),
        "flyteplug_webapi_get": (i32, [vp, ctypes.c_char_p, _Bytes, buf, st]),
        "flyteplug_webapi_delete": (i32, [vp, ctypes.c_char_p, _Bytes, st]),
        "flyteplug_webapi_status": (i32, [vp, _Bytes, _Bytes, buf, st]),
        "flyteplug_webapi_render_request": (i32, [vp, _Bytes, buf, st]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _installed_loader() -> Optional[str]:
    """The loader installed beside this package (``cmake --install`` writes
    ``_install.py`` with its path relative to the package directory), or
    None when running from the source tree."""
    try:
        from . import _install  # type: ignore[attr-defined]
    except ImportError:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(
        os.path.abspath(__file__)), _install.LOADER_FROM_PACKAGE))


def load_library(library: Optional[str] = None) -> ctypes.CDLL:
    """Loads (once per path) and returns the loader library.

    Raises LibraryNotFoundError naming every place that was tried.
    """
    candidates: List[str] = []
    if library:
        candidates.append(library)
    elif os.environ.get("FLYTEPLUG_LIBRARY"):
        candidates.append(os.environ["FLYTEPLUG_LIBRARY"])
    else:
        installed = _installed_loader()
        if installed:
            candidates.append(installed)
        candidates += ["libflyteplug_loader.so", "libflyteplug_loader.so.1"]
        found = ctypes.util.find_library("flyteplug_loader")
        if found:
            candidates.append(found)
    errors = []
    with _LIB_LOCK:
        for candidate in candidates:
            if candidate in _LIBS:
                return _LIBS[candidate]
            try:
                lib = ctypes.CDLL(candidate)
                _declare(lib)
            except (OSError, AttributeError) as e:
                errors.append("%s: %s" % (candidate, e))
                continue
            _LIBS[candidate] = lib
            return lib
    raise LibraryNotFoundError(
        "cannot load the flyteplug loader library (pass library=, or set "
        "FLYTEPLUG_LIBRARY or LD_LIBRARY_PATH); tried " + "; ".join(errors))


# ---------------------------------------------------------------------------
# Host API: optional Python callbacks for logging and secrets.
# ---------------------------------------------------------------------------


class Host:
    """A host API implemented in Python, passed to ``Loader(host=...)``.

    Override any of :meth:`log_enabled`, :meth:`log`, :meth:`get_secret`,
    :meth:`now_unix_nanos`. They are called from the modules, possibly from
    several threads at once, and must not raise (an exception is swallowed:
    a failing ``get_secret`` reports INTERNAL, the others do nothing).
    Secrets must never be logged.
    """

    def log_enabled(self, level: int) -> bool:
        return level >= LogLevel.WARNING

    def log(self, level: int, message: str) -> None:
        pass

    def get_secret(self, key: str) -> Optional[bytes]:
        """Returns the secret's bytes, or None when there is no such secret."""
        return None

    def now_unix_nanos(self) -> int:
        return time.time_ns()


class _HostBridge:
    """Owns the C host table and keeps every CFUNCTYPE object alive for the
    loader's lifetime (the ABI says the table outlives the loader)."""

    def __init__(self, host: Host):
        self._host = host
        self._secrets_lock = threading.Lock()
        self._secrets: Dict[int, ctypes.Array] = {}
        self._next_secret = 1
        self._release_cb = _BufferRelease(self._release)
        self._callbacks = [
            _LogEnabledFn(self._log_enabled), _LogFn(self._log),
            _GetSecretFn(self._get_secret), _NowFn(self._now)]
        self.table = _HostApi(ctypes.sizeof(_HostApi), None, *self._callbacks)

    def _log_enabled(self, _data, level):
        try:
            return 1 if self._host.log_enabled(level) else 0
        except Exception:  # never unwind into C
            return 0

    def _log(self, _data, level, message, size):
        try:
            self._host.log(level, ctypes.string_at(message, size).decode(
                "utf-8", "replace"))
        except Exception:
            pass

    def _get_secret(self, _data, key, key_size, out, error):
        def fail(code, text):
            raw = text.encode()
            if error and error.contents.set:
                error.contents.set(error, code, raw, len(raw))
            return code
        try:
            name = ctypes.string_at(key, key_size).decode("utf-8")
            value = self._host.get_secret(name)
        except Exception as e:  # the message must not echo the secret
            return fail(StatusCode.INTERNAL,
                        "host get_secret raised %s" % type(e).__name__)
        if value is None:
            return fail(StatusCode.NOT_FOUND, "no secret named %r" % name)
        if isinstance(value, str):
            value = value.encode("utf-8")
        storage = ctypes.create_string_buffer(value, len(value))
        with self._secrets_lock:
            handle = self._next_secret
            self._next_secret += 1
            self._secrets[handle] = storage
        out.contents.data = ctypes.cast(storage, _u8p)
        out.contents.size = len(value)
        out.contents.private_data = handle
        out.contents.release = self._release_cb
        return StatusCode.OK

    def _release(self, buf):
        handle = buf.contents.private_data
        with self._secrets_lock:
            storage = self._secrets.pop(handle, None)
        if storage is not None:
            ctypes.memset(storage, 0, len(storage))  # scrub the secret
        buf.contents.release = _BufferRelease()
        buf.contents.data = None
        buf.contents.size = 0

    def _now(self, _data):
        try:
            return int(self._host.now_unix_nanos())
        except Exception:
            return time.time_ns()


# ---------------------------------------------------------------------------
# The loader.
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ModuleInfo:
    """One loaded module (``flyteplug_module_info``)."""
    index: int
    id: str
    version: str
    description: str
    path: str
    family: str  # "k8s-resource" or "web-api"
    abi_major: int
    abi_minor: int
    task_types: List[str]  # served in the registry
    claimed_task_types: List[str]  # opt-in claims end with "?"


def _split(text: Optional[bytes]) -> List[str]:
    if not text:
        return []
    return [t for t in text.decode("utf-8").split(",") if t]


JsonInput = Union[dict, list, str, bytes]


def _task_type_bytes(task_type: str) -> bytes:
    """``task_type`` as the C string the loader takes; a NUL would cut it
    there and name another type, so it is refused."""
    if "\0" in task_type:
        raise InvalidArgumentError(
            StatusCode.INVALID_ARGUMENT,
            "task type %r contains a NUL byte" % task_type)
    return task_type.encode("utf-8")


def _json_bytes(value: JsonInput, what: str) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (dict, list)):
        return json.dumps(value).encode("utf-8")
    raise TypeError("%s: expected dict, str or bytes, got %s" %
                    (what, type(value).__name__))


def _parse_json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError as e:
        raise InternalError(StatusCode.INTERNAL,
                            "%s: the module returned invalid JSON: %s" %
                            (what, e)) from None


_CONFIG_SUFFIXES = {".json": CONFIG_FORMAT_JSON, ".yaml": CONFIG_FORMAT_YAML,
                    ".yml": CONFIG_FORMAT_YAML}


def _convert_config(lib: ctypes.CDLL, raw: bytes, fmt: int,
                    name: str) -> bytes:
    """flyteplug_config_to_json: JSON or YAML -> checked JSON. Raises with
    the loader's message, its leading "config" replaced by `name`; emits
    one ConfigWarning per misspelled key."""
    status = _Status()
    status.struct_size = ctypes.sizeof(_Status)
    out = _Buffer()
    keep = ctypes.create_string_buffer(raw, len(raw))
    try:
        code = lib.flyteplug_config_to_json(
            _Bytes(ctypes.cast(keep, _u8p), len(raw)), fmt, ctypes.byref(out),
            ctypes.byref(status))
        message = (ctypes.string_at(status.message).decode("utf-8", "replace")
                   if status.message else "")
        if code != StatusCode.OK:
            if message.startswith("config"):
                message = name + message[len("config"):]
            raise _error(code, message)
        for line in message.splitlines():
            if line:
                warnings.warn("%s: %s" % (name, line), ConfigWarning,
                              stacklevel=4)
        return ctypes.string_at(out.data, out.size) if out.size else b""
    finally:
        lib.flyteplug_buffer_release(ctypes.byref(out))
        lib.flyteplug_status_clear(ctypes.byref(status))


def _config_document(config) -> "tuple[bytes, int, str]":
    """The raw document, its format and the name errors use."""
    if isinstance(config, dict):
        return json.dumps(config).encode("utf-8"), CONFIG_FORMAT_JSON, "config"
    if isinstance(config, (bytes, bytearray)):
        return bytes(config), CONFIG_FORMAT_AUTO, "config"
    if isinstance(config, os.PathLike):
        config = os.fspath(config)
    if isinstance(config, str):
        suffix = os.path.splitext(config)[1].lower()
        if suffix in _CONFIG_SUFFIXES and "\n" not in config:
            try:
                with open(config, "rb") as f:
                    return f.read(), _CONFIG_SUFFIXES[suffix], config
            except OSError as e:
                raise InvalidArgumentError(
                    StatusCode.INVALID_ARGUMENT,
                    "config file %s: %s" % (config, e.strerror)) from None
        if "\n" not in config and ":" not in config and \
                not config.lstrip().startswith("{") and config.strip():
            raise InvalidArgumentError(
                StatusCode.INVALID_ARGUMENT,
                "config: %r is neither a JSON/YAML document nor a path "
                "ending .json, .yaml or .yml" %
                (config if len(config) <= 80 else config[:77] + "..."))
        return config.encode("utf-8"), CONFIG_FORMAT_AUTO, "config"
    raise TypeError("config: expected None, dict, JSON/YAML str, file path or "
                    "bytes, got %s" % type(config).__name__)


def config_to_json(config: Union[dict, str, bytes, os.PathLike],
                   library: Optional[str] = None) -> str:
    """The configuration as the JSON text the loader takes.

    ``config`` is any form :class:`Loader` accepts (see the module
    docstring). Raises :class:`InvalidArgumentError` for a document that is
    not valid JSON/YAML or not a mapping; the message names the file (or
    ``config``) and, for YAML, the ``line:column``. Misspelled host-owned
    keys are reported as :class:`ConfigWarning` warnings.
    """
    raw, fmt, name = _config_document(config)
    return _convert_config(load_library(library), raw, fmt,
                           name).decode("utf-8")


class Loader:
    """An open flyteplug loader: the loaded modules and their registry.

    Args:
      paths: module files (``*.so``) or directories to load, after the
        default paths (the shipped modules beside the loader library, then
        ``$FLYTEPLUG_PLUGIN_PATH``).
      config: the configuration document: a dict, a JSON or YAML string,
        bytes, or the path of a ``.json``, ``.yaml`` or ``.yml`` file (see
        the module docstring). None: every module with its defaults.
      skip_default_paths: load only ``paths``.
      library: explicit path of ``libflyteplug_loader.so``.
      host: a :class:`Host` for logging and secrets; None uses the loader's
        default host (``FLYTE_SECRET_<KEY>`` / ``$FLYTE_SECRETS_DIR``, logs
        to stderr).
      strict_config: make every configuration warning (a misspelled key) an
        error instead of a log line.

    The configuration document goes to the loader as written: errors and
    warnings name the file (or ``config``) and the line; each warning is
    logged once through the host's log (use :func:`config_to_json` to get
    them as :class:`ConfigWarning` warnings instead).

    Raises a FlyteplugError subclass when opening fails (bad configuration,
    missing path, registry conflict, bad module).
    """

    def __init__(self, paths: Optional[Sequence[str]] = None,
                 config: Union[None, dict, str, bytes, os.PathLike] = None,
                 skip_default_paths: bool = False,
                 library: Optional[str] = None,
                 host: Optional[Host] = None,
                 strict_config: bool = False):
        self._lib = load_library(library)
        self._handle = ctypes.c_void_p()
        self._bridge = _HostBridge(host) if host is not None else None

        # The document goes to the loader as written (loader 1.1), which
        # converts it, names the file and line in errors and warnings, and
        # reports each warning once through the host's log.
        raw, fmt, name = (_config_document(config) if config is not None
                          else (b"", CONFIG_FORMAT_AUTO, "config"))
        encoded = [os.fsencode(p) for p in (paths or [])]
        path_array = (ctypes.c_char_p * max(1, len(encoded)))(*encoded)
        config_buf = ctypes.create_string_buffer(raw, len(raw))
        source_name = ctypes.create_string_buffer(name.encode("utf-8"))

        options = _LoaderOptions()
        options.struct_size = ctypes.sizeof(_LoaderOptions)
        options.flags = ((FLAG_SKIP_DEFAULT_PATHS if skip_default_paths else 0)
                         | (FLAG_STRICT_CONFIG if strict_config else 0))
        options.module_paths = ctypes.cast(path_array,
                                           ctypes.POINTER(ctypes.c_char_p))
        options.module_path_count = len(encoded)
        if config is not None:
            options.config_document = _Bytes(ctypes.cast(config_buf, _u8p),
                                             len(raw))
            options.config_format = fmt
            options.config_source_name = ctypes.cast(source_name,
                                                     ctypes.c_char_p)
        if self._bridge is not None:
            options.host = ctypes.pointer(self._bridge.table)
        self._call(self._lib.flyteplug_loader_open, ctypes.byref(options),
                   ctypes.byref(self._handle))

    # -- plumbing ----------------------------------------------------------

    def _call(self, fn: Callable, *args) -> int:
        """Calls fn(*args, &status); raises on failure, always clears."""
        status = _Status()
        status.struct_size = ctypes.sizeof(_Status)
        try:
            code = fn(*args, ctypes.byref(status))
            if code != StatusCode.OK:
                message = (ctypes.string_at(status.message).decode(
                    "utf-8", "replace") if status.message else "")
                raise _error(code, message)
            return code
        finally:
            self._lib.flyteplug_status_clear(ctypes.byref(status))

    def _call_buffer(self, fn: Callable, *args) -> bytes:
        """Like _call for functions with one flyteplug_buffer out-param
        (just before the status); returns a copy, always releases."""
        out = _Buffer()
        try:
            self._call(fn, *args, ctypes.byref(out))
            return ctypes.string_at(out.data, out.size) if out.size else b""
        finally:
            self._lib.flyteplug_buffer_release(ctypes.byref(out))

    def _open_handle(self) -> ctypes.c_void_p:
        if not self._handle:
            raise FailedPreconditionError(StatusCode.FAILED_PRECONDITION,
                                          "the loader is closed")
        return self._handle

    @staticmethod
    def _bytes(raw: bytes) -> _Bytes:
        # ctypes keeps `raw` alive for the call through the argument tuple
        # of the caller; from_buffer_copy would copy twice.
        return _Bytes(ctypes.cast(ctypes.c_char_p(raw), _u8p), len(raw))

    def _context(self, task_context: JsonInput) -> bytes:
        if isinstance(task_context, (bytes, bytearray)):
            return bytes(task_context)
        return self.task_context(task_context)

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        """Deinitialises every module instance and frees the loader.
        Must run alone: no other call on this loader may be in flight."""
        if self._handle:
            self._lib.flyteplug_loader_close(self._handle)
            self._handle = ctypes.c_void_p()

    def __enter__(self) -> "Loader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- registry ------------------------------------------------------------

    def modules(self) -> List[ModuleInfo]:
        """Every loaded module, in load order."""
        handle = self._open_handle()
        result = []
        for index in range(self._lib.flyteplug_loader_module_count(handle)):
            info = _ModuleInfo()
            info.struct_size = ctypes.sizeof(_ModuleInfo)
            self._call(self._lib.flyteplug_loader_module_info, handle, index,
                       ctypes.byref(info))
            text = lambda b: b.decode("utf-8") if b else ""
            result.append(ModuleInfo(
                index=index, id=text(info.id), version=text(info.version),
                description=text(info.description), path=text(info.path),
                family=_FAMILY_NAMES.get(info.family, str(info.family)),
                abi_major=info.abi_major, abi_minor=info.abi_minor,
                task_types=_split(info.task_types),
                claimed_task_types=_split(info.claimed_task_types)))
        return result

    def resolve(self, task_type: str) -> ModuleInfo:
        """The module serving ``task_type``; NotFoundError otherwise."""
        index = ctypes.c_uint32()
        self._call(self._lib.flyteplug_loader_resolve, self._open_handle(),
                   _task_type_bytes(task_type), ctypes.byref(index))
        return self.modules()[index.value]

    # -- message helpers -------------------------------------------------------

    def task_context(self, task_context: Union[dict, str]) -> bytes:
        """TaskContext (or bare TaskTemplate) JSON -> serialized protobuf."""
        raw = _json_bytes(task_context, "task_context")
        return self._call_buffer(self._lib.flyteplug_task_context_from_json,
                                 self._bytes(raw))

    def phase_info_to_dict(self, phase_info: bytes) -> dict:
        """Serialized flyteplug.v1.PhaseInfo -> its proto3 JSON as a dict."""
        raw = self._call_buffer(self._lib.flyteplug_phase_info_to_json,
                                self._bytes(bytes(phase_info)))
        return _parse_json(raw, "phase_info")

    # -- Kubernetes-resource family --------------------------------------------

    def build_resource(self, task_context: JsonInput) -> dict:
        """The Kubernetes object to create for the task, as a dict."""
        raw = self._call_buffer(self._lib.flyteplug_build_resource,
                                self._open_handle(),
                                self._bytes(self._context(task_context)))
        return _parse_json(raw, "build_resource")

    def build_identity_resource(self, task_context: JsonInput) -> dict:
        """An empty object of the watched kind (apiVersion and kind)."""
        raw = self._call_buffer(self._lib.flyteplug_build_identity_resource,
                                self._open_handle(),
                                self._bytes(self._context(task_context)))
        return _parse_json(raw, "build_identity_resource")

    def get_task_phase(self, task_context: JsonInput,
                       resource: JsonInput) -> dict:
        """Maps an observed object to a PhaseInfo dict (``phase``,
        ``reason``, ``logs``, ``customInfo``, ``error``...)."""
        raw = self._call_buffer(
            self._lib.flyteplug_get_task_phase, self._open_handle(),
            self._bytes(self._context(task_context)),
            self._bytes(_json_bytes(resource, "resource")))
        return self.phase_info_to_dict(raw)

    # -- web-API family ----------------------------------------------------------

    def create(self, task_context: JsonInput) -> bytes:
        """Starts the remote job; returns the resource meta to persist."""
        return self._call_buffer(self._lib.flyteplug_webapi_create,
                                 self._open_handle(),
                                 self._bytes(self._context(task_context)))

    def get(self, task_type: str, resource_meta: bytes) -> bytes:
        """Fetches the remote state for ``resource_meta``."""
        return self._call_buffer(self._lib.flyteplug_webapi_get,
                                 self._open_handle(),
                                 _task_type_bytes(task_type),
                                 self._bytes(bytes(resource_meta)))

    def delete(self, task_type: str, resource_meta: bytes) -> None:
        """Cancels the remote job (a finished job is not an error)."""
        self._call(self._lib.flyteplug_webapi_delete, self._open_handle(),
                   _task_type_bytes(task_type), self._bytes(bytes(resource_meta)))

    def status(self, task_context: JsonInput, resource: bytes) -> dict:
        """Maps a fetched state to a PhaseInfo dict. No I/O."""
        raw = self._call_buffer(self._lib.flyteplug_webapi_status,
                                self._open_handle(),
                                self._bytes(self._context(task_context)),
                                self._bytes(bytes(resource)))
        return self.phase_info_to_dict(raw)

    def render_request(self, task_context: JsonInput) -> dict:
        """The create request, without sending it: {"method", "url",
        "headers", "body"} with secrets redacted."""
        raw = self._call_buffer(self._lib.flyteplug_webapi_render_request,
                                self._open_handle(),
                                self._bytes(self._context(task_context)))
        return _parse_json(raw, "render_request")

    def run(self, task_context: JsonInput, poll_interval: float = 5.0,
            timeout: Optional[float] = None,
            on_phase: Optional[Callable[[dict], None]] = None) -> dict:
        """Runs a web-API task to a terminal phase: create, then get+status
        every ``poll_interval`` seconds. Calls ``on_phase(phase_info)`` on each
        phase change. On timeout or KeyboardInterrupt the remote job is
        cancelled (delete) and DeadlineExceededError / the interrupt raised.
        Returns the final PhaseInfo dict."""
        context = self._context(task_context)
        task_type = None
        if not isinstance(task_context, (bytes, bytearray)):
            template = (task_context if isinstance(task_context, dict)
                        else json.loads(task_context))
            template = template.get("taskTemplate", template)
            task_type = template.get("type")
        if not task_type:
            raise InvalidArgumentError(
                StatusCode.INVALID_ARGUMENT,
                "run: taskTemplate.type is needed (pass the context as JSON)")
        meta = self.create(context)
        deadline = None if timeout is None else time.monotonic() + timeout
        last = None
        try:
            while True:
                info = self.status(context, self.get(task_type, meta))
                key = (info.get("phase"), info.get("version"),
                       info.get("reason"))
                if key != last and on_phase is not None:
                    on_phase(info)
                last = key
                if info.get("phase") in TERMINAL_PHASES:
                    return info
                if deadline is not None and time.monotonic() >= deadline:
                    raise DeadlineExceededError(
                        StatusCode.DEADLINE_EXCEEDED,
                        "run: no terminal phase after %ss" % timeout)
                time.sleep(poll_interval)
        except BaseException:
            try:
                self.delete(task_type, meta)
            except FlyteplugError:
                pass
            raise
