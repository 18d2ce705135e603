/*
 * flyteplug/loader.h: the host-facing C API of the flyteplug loader.
 *
 * A host (C, C++, Go through cgo, Rust, Python through ctypes) opens one
 * loader with a configuration and a list of module files or directories.
 * The loader dlopens each module (RTLD_NOW | RTLD_LOCAL, deduplicated by real
 * path), negotiates the ABI version, initialises it with its configuration
 * sections and builds one registry keyed by task type, following Flyte's
 * rules (tasks.task-plugins.enabled-plugins, default-for-task-types). Calls
 * are then routed to the module that serves a task type.
 *
 * Conventions:
 *  - Every fallible function returns a flyteplug_status_code (plugin.h) and
 *    fills the caller's flyteplug_status with the code and a message that
 *    names the file, the field and both values where there are two.
 *    Release the message with flyteplug_status_clear.
 *  - Inputs are borrowed for the call. Outputs of type flyteplug_buffer are
 *    owned by the caller, who releases them with flyteplug_buffer_release.
 *  - THREADING: a flyteplug_loader is thread-safe once opened: every call
 *    below may run concurrently from any thread, except
 *    flyteplug_loader_close, which must run alone and last.
 *  - Modules are never unloaded unless they declare
 * FLYTEPLUG_MODULE_UNLOADABLE.
 */
#ifndef FLYTEPLUG_LOADER_H_
#define FLYTEPLUG_LOADER_H_

#include <stddef.h>
#include <stdint.h>

#include "flyteplug/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define FLYTEPLUG_LOADER_API __declspec(dllexport)
#else
#define FLYTEPLUG_LOADER_API __attribute__((visibility("default")))
#endif

/* The loader's own version (not the module ABI version).
 *  1.0: the first version.
 *  1.1: flyteplug_call_options and the *_with_options web-API calls (a
 *       deadline and a cancel signal per call); modules see them through
 *       the ABI 1.1 host API (plugin.h call_deadline_unix_nanos,
 *       call_cancelled). */
#define FLYTEPLUG_LOADER_VERSION_MAJOR 1
#define FLYTEPLUG_LOADER_VERSION_MINOR 1

/* A call's outcome. Zero-initialise before the first use; reusable after
 * flyteplug_status_clear. `message` is NUL-terminated UTF-8 owned by the
 * loader, or NULL on success. */
typedef struct flyteplug_status {
  uint32_t struct_size;
  flyteplug_status_code code;
  char* message;
} flyteplug_status;

/* Frees `status->message` and resets the status to OK. NULL is a no-op. */
FLYTEPLUG_LOADER_API void flyteplug_status_clear(flyteplug_status* status);

/* Releases an owned buffer (calls its release callback once) and zeroes it.
 * NULL or an empty buffer is a no-op. */
FLYTEPLUG_LOADER_API void flyteplug_buffer_release(flyteplug_buffer* buffer);

/* Options of flyteplug_loader_open. Zero-initialise and set struct_size. */
/* Bits of flyteplug_loader_options.flags. */
enum {
  /* Load only `module_paths`: skip the shipped module directory and
   * $FLYTEPLUG_PLUGIN_PATH. */
  FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS = 1u << 0
};

typedef struct flyteplug_loader_options {
  uint32_t struct_size;
  uint32_t flags;
  /* Module files (*.so) or directories scanned (non-recursively, in name
   * order) for *.so, loaded after the default paths: the shipped module
   * directory `flyteplug/modules` beside the loader library, then each entry
   * of the colon-separated $FLYTEPLUG_PLUGIN_PATH. A module reached twice
   * (same real path or inode) loads once. Borrowed for the call. */
  const char* const* module_paths;
  uint32_t module_path_count;
  uint32_t reserved0; /* must be zero */
  /* The configuration document as JSON (UTF-8), laid out as Flyte
   * propeller's (tasks.task-plugins.*, plugins.<section>.*). May be empty:
   * every loaded module is enabled with its defaults. Borrowed. */
  flyteplug_bytes config_json;
  /* The host API handed to modules. NULL selects the default host: secrets
   * from $FLYTE_SECRET_<KEY>, else <$FLYTE_SECRETS_DIR or /etc/secrets>/<KEY>;
   * logs to stderr at WARNING and above (FLYTEPLUG_LOG_LEVEL changes that);
   * the system clock. If set, it must outlive the loader. A table without
   * the ABI 1.1 call-control slots (struct_size 48, or NULL slots) gets the
   * loader's, which answer from flyteplug_call_options (below). */
  const flyteplug_host_api* host;
} flyteplug_loader_options;

typedef struct flyteplug_loader flyteplug_loader;

/* Opens a loader: loads every module, negotiates, initialises and builds the
 * registry. All or nothing: on any error nothing stays initialised.
 * Returns FLYTEPLUG_OK; FLYTEPLUG_INVALID_ARGUMENT for bad options or
 * configuration (the message names the key); FLYTEPLUG_NOT_FOUND for a
 * missing path; FLYTEPLUG_FAILED_PRECONDITION for a registry conflict (names
 * both modules and the task type); FLYTEPLUG_ABI_VERSION_MISMATCH or
 * FLYTEPLUG_ABI_CONTRACT_VIOLATION for a bad module (names the file).
 * OWNERSHIP: `*loader` is the caller's; close it with flyteplug_loader_close.
 * THREADING: thread-safe (opens independent loaders). */
FLYTEPLUG_LOADER_API flyteplug_status_code
flyteplug_loader_open(const flyteplug_loader_options* options,
                      flyteplug_loader** loader, flyteplug_status* status);

/* Deinitialises every instance and frees the loader. NULL is a no-op.
 * THREADING: no other call on this loader may be in flight or follow. */
FLYTEPLUG_LOADER_API void flyteplug_loader_close(flyteplug_loader* loader);

/* One loaded module, as reported by flyteplug_loader_module_info.
 * Every string is NUL-terminated and owned by the loader; LIFETIME: until
 * flyteplug_loader_close. */
typedef struct flyteplug_module_info {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor; /* the negotiated minor */
  flyteplug_family family;
  const char* id;
  const char* version;
  const char* description;
  const char* path; /* the real path it was loaded from */
  /* Task types this module serves in the registry, comma-separated
   * (e.g. "databricks,spark"); empty if it serves none. */
  const char* task_types;
  /* Every task type the module claims, comma-separated; opt-in claims carry
   * a trailing '?' (e.g. "databricks,spark?"). */
  const char* claimed_task_types;
} flyteplug_module_info;

/* Number of loaded modules. Never fails. */
FLYTEPLUG_LOADER_API uint32_t
flyteplug_loader_module_count(const flyteplug_loader* loader);

/* Fills `*info` for module `index` (< module_count). Returns FLYTEPLUG_OK or
 * FLYTEPLUG_OUT_OF_RANGE. `info->struct_size` must be set by the caller. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_loader_module_info(
    const flyteplug_loader* loader, uint32_t index, flyteplug_module_info* info,
    flyteplug_status* status);

/* Index of the module serving `task_type` (NUL-terminated). Returns
 * FLYTEPLUG_OK or FLYTEPLUG_NOT_FOUND (the message lists the served types). */
FLYTEPLUG_LOADER_API flyteplug_status_code
flyteplug_loader_resolve(const flyteplug_loader* loader, const char* task_type,
                         uint32_t* index, flyteplug_status* status);

/* --- Message helpers (no protobuf library needed by the host) ------------ */

/* Converts a TaskContext from proto3 JSON to binary protobuf. Accepts a full
 * TaskContext or a bare TaskTemplate (which is wrapped in the documented
 * default context, see docs/cli.md). Unknown JSON keys are ignored.
 * Returns FLYTEPLUG_OK or FLYTEPLUG_INVALID_ARGUMENT naming the field. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_task_context_from_json(
    flyteplug_bytes json, flyteplug_buffer* task_context,
    flyteplug_status* status);

/* Converts a serialized flyteplug.v1.PhaseInfo to its proto3 JSON form.
 * Returns FLYTEPLUG_OK or FLYTEPLUG_INVALID_ARGUMENT. */
FLYTEPLUG_LOADER_API flyteplug_status_code
flyteplug_phase_info_to_json(flyteplug_bytes phase_info, flyteplug_buffer* json,
                             flyteplug_status* status);

/* --- Routed calls ---------------------------------------------------------
 * `task_context` is a serialized flyteplug.v1.TaskContext; the call goes to
 * the module serving its taskTemplate.type. Calls whose input carries no task
 * context take the task type explicitly. A call of the wrong family returns
 * FLYTEPLUG_FAILED_PRECONDITION. Other codes are the module's (plugin.h). */

/* Kubernetes-resource family: manifest JSON of the object to create. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_build_resource(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_buffer* manifest_json, flyteplug_status* status);

/* Kubernetes-resource family: an empty object of the watched kind. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_build_identity_resource(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_buffer* manifest_json, flyteplug_status* status);

/* Kubernetes-resource family: observed object JSON -> serialized PhaseInfo. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_get_task_phase(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_bytes resource_json, flyteplug_buffer* phase_info,
    flyteplug_status* status);

/* Web-API family: starts the remote job; `*resource_meta` is what the host
 * persists (no secrets). */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_webapi_create(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_buffer* resource_meta, flyteplug_status* status);

/* Web-API family: fetches the remote state. */
FLYTEPLUG_LOADER_API flyteplug_status_code
flyteplug_webapi_get(flyteplug_loader* loader, const char* task_type,
                     flyteplug_bytes resource_meta, flyteplug_buffer* resource,
                     flyteplug_status* status);

/* Web-API family: cancels the remote job. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_webapi_delete(
    flyteplug_loader* loader, const char* task_type,
    flyteplug_bytes resource_meta, flyteplug_status* status);

/* Web-API family: fetched state -> serialized PhaseInfo. No I/O. */
FLYTEPLUG_LOADER_API flyteplug_status_code
flyteplug_webapi_status(flyteplug_loader* loader, flyteplug_bytes task_context,
                        flyteplug_bytes resource, flyteplug_buffer* phase_info,
                        flyteplug_status* status);

/* Web-API family: the create request as JSON, secrets redacted. No I/O. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_webapi_render_request(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_buffer* request_json, flyteplug_status* status);

/* --- Calls with a deadline and a cancel signal (loader 1.1) -------------- */

/* Per-call control: the caller's deadline and a way to tell that the caller
 * has gone. Zero-initialise and set struct_size. OWNERSHIP: the caller's;
 * LIFETIME: the call. While the call runs, the module reads them through
 * the host API (plugin.h, ABI 1.1); a module built for ABI 1.0 does not, and
 * then only the loader's own checks below apply. */
typedef struct flyteplug_call_options {
  uint32_t struct_size;
  uint32_t reserved0; /* must be zero */
  /* Nanoseconds since the Unix epoch (system clock); 0 = none. */
  int64_t deadline_unix_nanos;
  /* Returns non-zero once the caller has gone; NULL = never. Called from the
   * thread running the call (possibly often: keep it cheap, never block). */
  int32_t (*cancelled)(void* cancelled_data);
  void* cancelled_data;
} flyteplug_call_options;

/* flyteplug_webapi_create / _get / _delete under `options` (NULL = none):
 * before calling the module they return FLYTEPLUG_DEADLINE_EXCEEDED when the
 * deadline has passed and FLYTEPLUG_CANCELLED when `cancelled` says so;
 * during the call an ABI 1.1 module caps its remote I/O at the deadline and
 * stops when cancelled. A create that stops early may still have started
 * the remote job: retrying it is safe (create is idempotent, plugin.h).
 * Otherwise exactly like the calls without options. */
FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_webapi_create_with_options(
    flyteplug_loader* loader, const flyteplug_call_options* options,
    flyteplug_bytes task_context, flyteplug_buffer* resource_meta,
    flyteplug_status* status);

FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_webapi_get_with_options(
    flyteplug_loader* loader, const flyteplug_call_options* options,
    const char* task_type, flyteplug_bytes resource_meta,
    flyteplug_buffer* resource, flyteplug_status* status);

FLYTEPLUG_LOADER_API flyteplug_status_code flyteplug_webapi_delete_with_options(
    flyteplug_loader* loader, const flyteplug_call_options* options,
    const char* task_type, flyteplug_bytes resource_meta,
    flyteplug_status* status);

/* --- Configuration as operators write it --------------------------------- */

/* Values of flyteplug_config_to_json's `format`. */
enum {
  /* JSON if the first byte that is not a space, tab, CR or LF is '{', else
   * YAML (an empty document is YAML and yields "{}"). */
  FLYTEPLUG_CONFIG_FORMAT_AUTO = 0,
  FLYTEPLUG_CONFIG_FORMAT_JSON = 1,
  FLYTEPLUG_CONFIG_FORMAT_YAML = 2
};

/* Converts a configuration document (propeller layout, UTF-8) to the JSON
 * that flyteplug_loader_options.config_json takes. JSON input is checked and
 * copied byte for byte. YAML input (one document) is typed by the YAML 1.2
 * core schema as Flyte's Go configuration loader does: quoted and block
 * scalars are strings; plain null/~/empty, true/false (any of the three
 * casings), decimal/0o/0x integers and decimal floats are typed; anything
 * else (e.g. `yes`, `1Gi`) is a string; !!str/!!int/!!float/!!bool/!!null
 * tags are honoured; anchors and aliases are resolved.
 * Returns FLYTEPLUG_OK, or FLYTEPLUG_INVALID_ARGUMENT for an unknown
 * `format`, NULL `json`, NULL data with a non-zero size, a document that is
 * not valid JSON/YAML, has several YAML documents, a duplicate key, a value
 * with no JSON form (.inf, .nan, an integer out of 64-bit range), or is not
 * an object/mapping. Error messages start with "config" (the document), then
 * ":<line>:<column>" (1-based) where a position is known, e.g.
 * "config:3:5: plugins.spark: duplicate key", or
 * "config: invalid JSON at offset 7: ..."; a host reading a file may replace
 * the leading "config" with the file name.
 * WARNINGS: unlike every other call, an OK status may carry a message: when
 * keys of the host-owned layout (top level, tasks.*, tasks.task-plugins.*,
 * the section names under plugins) look misspelled, `status->message` holds
 * one line per key, separated by '\n':
 * "<key path>: unknown key, did you mean '<closest>'?". Nothing is logged.
 * OWNERSHIP: `config` is borrowed; `*json` (the JSON text, not
 * NUL-terminated) is the caller's, released with flyteplug_buffer_release;
 * the status message is released with flyteplug_status_clear.
 * THREADING: pure function, thread-safe; needs no loader. */
FLYTEPLUG_LOADER_API flyteplug_status_code
flyteplug_config_to_json(flyteplug_bytes config, int32_t format,
                         flyteplug_buffer* json, flyteplug_status* status);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FLYTEPLUG_LOADER_H_ */
