// Package flyteplug is a Go host for flyteplug plugin modules: a thin cgo
// binding over the loader's C API (flyteplug/loader.h).
//
// It links libflyteplug_loader.so, which loads the plugin modules (the
// shipped spark and databricks modules and any third-party module) and routes
// each call to the module serving a task type:
//
//	loader, err := flyteplug.Open(flyteplug.Options{Paths: []string{"/opt/modules"}})
//	if err != nil { ... }
//	defer loader.Close()
//	ctx, err := loader.TaskContextFromJSON(taskJSON)
//	manifest, err := loader.BuildResource(ctx)
//
// Configuration (propeller layout) is JSON or YAML: Options.Config holds a
// document (JSON if its first non-space byte is '{', else YAML, unless
// Options.ConfigFormat says otherwise) or Options.ConfigFile names a .json,
// .yaml or .yml file. YAML is converted by the loader
// (flyteplug_config_to_json: YAML 1.2 core schema, quoted values stay
// strings); ConfigToJSON, ConfigFromYAML and ConfigFromFile expose the
// conversion. Misspelled keys of the host-owned layout are reported through
// Options.ConfigWarnings (default: the standard logger).
//
// Build settings: the C headers and the library come from CGO_CFLAGS and
// CGO_LDFLAGS, for an installed tree
//
//	CGO_CFLAGS="$(pkg-config --cflags flyteplug-loader)"
//	CGO_LDFLAGS="$(pkg-config --libs flyteplug-loader)"
//
// with PKG_CONFIG_PATH=<prefix>/lib/pkgconfig. The module has no
// requirements and needs no network.
//
// Memory rules (cgo and the ABI): every input is copied into C memory for
// the call, every owned output buffer is copied out with C.GoBytes and
// released before the method returns, also on error. C never retains a Go
// pointer: the host API passes an integer cgo.Handle as host_data.
//
// Threading: a Loader is safe for concurrent use by many goroutines, except
// Close, which must run alone and last.
package flyteplug

/*
#cgo LDFLAGS: -lflyteplug_loader
#include <stdlib.h>
#include "flyteplug/loader.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/cgo"
	"strings"
	"unsafe"
)

// StatusCode is the ABI's stable status number (plugin.h).
type StatusCode int32

// Status codes: 0-16 are absl's canonical codes, 1000+ are ABI-specific.
const (
	OK                   StatusCode = 0
	Cancelled            StatusCode = 1
	Unknown              StatusCode = 2
	InvalidArgument      StatusCode = 3
	DeadlineExceeded     StatusCode = 4
	NotFound             StatusCode = 5
	AlreadyExists        StatusCode = 6
	PermissionDenied     StatusCode = 7
	ResourceExhausted    StatusCode = 8
	FailedPrecondition   StatusCode = 9
	Aborted              StatusCode = 10
	OutOfRange           StatusCode = 11
	Unimplemented        StatusCode = 12
	Internal             StatusCode = 13
	Unavailable          StatusCode = 14
	DataLoss             StatusCode = 15
	Unauthenticated      StatusCode = 16
	ABIVersionMismatch   StatusCode = 1000
	ABIStructTooNew      StatusCode = 1001
	ABIContractViolation StatusCode = 1002
)

var codeNames = map[StatusCode]string{
	OK: "OK", Cancelled: "CANCELLED", Unknown: "UNKNOWN",
	InvalidArgument: "INVALID_ARGUMENT", DeadlineExceeded: "DEADLINE_EXCEEDED",
	NotFound: "NOT_FOUND", AlreadyExists: "ALREADY_EXISTS",
	PermissionDenied: "PERMISSION_DENIED", ResourceExhausted: "RESOURCE_EXHAUSTED",
	FailedPrecondition: "FAILED_PRECONDITION", Aborted: "ABORTED",
	OutOfRange: "OUT_OF_RANGE", Unimplemented: "UNIMPLEMENTED",
	Internal: "INTERNAL", Unavailable: "UNAVAILABLE", DataLoss: "DATA_LOSS",
	Unauthenticated: "UNAUTHENTICATED", ABIVersionMismatch: "ABI_VERSION_MISMATCH",
	ABIStructTooNew: "ABI_STRUCT_TOO_NEW", ABIContractViolation: "ABI_CONTRACT_VIOLATION",
}

func (c StatusCode) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return fmt.Sprintf("CODE_%d", int32(c))
}

// Error is a failed flyteplug call: the status code and the loader's message
// (which names the file and the field). Use errors.As to inspect it.
type Error struct {
	Code    StatusCode
	Message string
}

func (e *Error) Error() string { return e.Code.String() + ": " + e.Message }

// Is makes errors.Is(err, &flyteplug.Error{Code: flyteplug.NotFound}) match
// any error with that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Family of a module.
type Family string

const (
	FamilyK8sResource Family = "k8s-resource"
	FamilyWebAPI      Family = "web-api"
)

// ModuleInfo describes one loaded module.
type ModuleInfo struct {
	Index       int
	ID          string
	Version     string
	Description string
	Path        string // the real path it was loaded from
	Family      Family
	ABIMajor    uint32
	ABIMinor    uint32   // the negotiated minor
	TaskTypes   []string // served in the registry
	// Every claimed task type; opt-in claims end with "?".
	ClaimedTaskTypes []string
}

// PhaseInfo is flyteplug.v1.PhaseInfo in its proto3 JSON form.
type PhaseInfo struct {
	Phase      string                 `json:"phase,omitempty"` // e.g. "RUNNING"
	Version    uint32                 `json:"version,omitempty"`
	Reason     string                 `json:"reason,omitempty"`
	Logs       []TaskLog              `json:"logs,omitempty"`
	CustomInfo map[string]interface{} `json:"customInfo,omitempty"`
	Error      *ExecutionError        `json:"error,omitempty"`
	OccurredAt string                 `json:"occurredAt,omitempty"`
}

// TaskLog is flyteidl.core.TaskLog in proto3 JSON.
type TaskLog struct {
	URI              string `json:"uri,omitempty"`
	Name             string `json:"name,omitempty"`
	MessageFormat    string `json:"messageFormat,omitempty"`
	TTL              string `json:"ttl,omitempty"`
	ShowWhilePending bool   `json:"showWhilePending,omitempty"`
	HideOnceFinished bool   `json:"hideOnceFinished,omitempty"`
}

// ExecutionError is flyteidl.core.ExecutionError in proto3 JSON.
type ExecutionError struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Kind    string `json:"kind,omitempty"` // "USER" or "SYSTEM"
}

// Terminal reports whether the phase is final.
func (p *PhaseInfo) Terminal() bool {
	switch p.Phase {
	case "SUCCESS", "RETRYABLE_FAILURE", "PERMANENT_FAILURE", "ABORTED":
		return true
	}
	return false
}

// Options of Open.
type Options struct {
	// Module files (*.so) or directories, loaded after the default paths
	// (the shipped modules beside the loader, then $FLYTEPLUG_PLUGIN_PATH).
	Paths []string
	// The configuration document (propeller layout), JSON or YAML as
	// ConfigFormat says. Empty (and no ConfigFile): every module with its
	// defaults.
	Config []byte
	// How Config is read; the zero value ConfigAuto tells JSON ('{' first)
	// from YAML.
	ConfigFormat ConfigFormat
	// A configuration file read when Config is empty: *.json is JSON,
	// *.yaml and *.yml are YAML (other names are an error). Error messages
	// name the file.
	ConfigFile string
	// Receives one message per misspelled host-owned key ("<source>: <key
	// path>: unknown key, did you mean '<closest>'?"). Nil: log.Printf.
	ConfigWarnings func(message string)
	// Load only Paths.
	SkipDefaultPaths bool
	// Logging, secrets and clock for the modules; nil selects the loader's
	// default host (FLYTE_SECRET_<KEY>, $FLYTE_SECRETS_DIR).
	Host Host
}

// Loader is an open flyteplug loader.
type Loader struct {
	ptr     *C.flyteplug_loader
	hostAPI *C.flyteplug_host_api // C memory; freed by Close
	handle  cgo.Handle            // 0 when no Go host
}

// cStatus allocates a zeroed flyteplug_status in C memory.
func cStatus() *C.flyteplug_status {
	s := (*C.flyteplug_status)(C.calloc(1, C.sizeof_flyteplug_status))
	s.struct_size = C.uint32_t(C.sizeof_flyteplug_status)
	return s
}

// finish turns a code and status into an error and frees the status.
func finish(code C.flyteplug_status_code, s *C.flyteplug_status) error {
	defer C.free(unsafe.Pointer(s))
	defer C.flyteplug_status_clear(s)
	if StatusCode(code) == OK {
		return nil
	}
	msg := ""
	if s.message != nil {
		msg = C.GoString(s.message)
	}
	return &Error{Code: StatusCode(code), Message: msg}
}

// cBytes copies b into C memory; the returned free function releases it.
func cBytes(b []byte) (C.flyteplug_bytes, func()) {
	if len(b) == 0 {
		return C.flyteplug_bytes{}, func() {}
	}
	p := C.CBytes(b)
	return C.flyteplug_bytes{data: (*C.uint8_t)(p), size: C.size_t(len(b))},
		func() { C.free(p) }
}

// withBuffer runs call with a C-allocated output buffer, copies its content
// out and releases it.
func withBuffer(call func(*C.flyteplug_buffer, *C.flyteplug_status) C.flyteplug_status_code) ([]byte, error) {
	buf := (*C.flyteplug_buffer)(C.calloc(1, C.sizeof_flyteplug_buffer))
	defer C.free(unsafe.Pointer(buf))
	defer C.flyteplug_buffer_release(buf)
	s := cStatus()
	if err := finish(call(buf, s), s); err != nil {
		return nil, err
	}
	if buf.size == 0 {
		return []byte{}, nil
	}
	return C.GoBytes(unsafe.Pointer(buf.data), C.int(buf.size)), nil
}

// Open loads every module, negotiates, initialises and builds the registry.
func Open(opts Options) (*Loader, error) {
	l := &Loader{}
	copts := (*C.flyteplug_loader_options)(C.calloc(1, C.sizeof_flyteplug_loader_options))
	defer C.free(unsafe.Pointer(copts))
	copts.struct_size = C.uint32_t(C.sizeof_flyteplug_loader_options)
	if opts.SkipDefaultPaths {
		copts.flags = C.FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS
	}
	if n := len(opts.Paths); n > 0 {
		arr := (*[1 << 20]*C.char)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
		for i, p := range opts.Paths {
			arr[i] = C.CString(p)
		}
		defer func() {
			for _, p := range arr {
				C.free(unsafe.Pointer(p))
			}
			C.free(unsafe.Pointer(&arr[0]))
		}()
		copts.module_paths = &arr[0]
		copts.module_path_count = C.uint32_t(n)
	}
	configJSON, err := openConfig(opts)
	if err != nil {
		return nil, err
	}
	config, freeConfig := cBytes(configJSON)
	defer freeConfig()
	copts.config_json = config
	if opts.Host != nil {
		l.handle = cgo.NewHandle(opts.Host)
		l.hostAPI = newHostAPI(l.handle)
		copts.host = l.hostAPI
	}
	s := cStatus()
	if err := finish(C.flyteplug_loader_open(copts, &l.ptr, s), s); err != nil {
		l.freeHost()
		return nil, err
	}
	return l, nil
}

func (l *Loader) freeHost() {
	if l.hostAPI != nil {
		C.free(unsafe.Pointer(l.hostAPI))
		l.hostAPI = nil
	}
	if l.handle != 0 {
		l.handle.Delete()
		l.handle = 0
	}
}

// Close deinitialises every module instance and frees the loader. It must
// run alone: no other call on this loader may be in flight or follow.
func (l *Loader) Close() {
	if l == nil || l.ptr == nil {
		return
	}
	C.flyteplug_loader_close(l.ptr)
	l.ptr = nil
	l.freeHost()
}

func (l *Loader) open() error {
	if l == nil || l.ptr == nil {
		return &Error{Code: FailedPrecondition, Message: "the loader is closed"}
	}
	return nil
}

func splitTypes(s *C.char) []string {
	out := []string{}
	if s == nil {
		return out
	}
	start, str := 0, C.GoString(s)
	for i := 0; i <= len(str); i++ {
		if i == len(str) || str[i] == ',' {
			if i > start {
				out = append(out, str[start:i])
			}
			start = i + 1
		}
	}
	return out
}

func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// Modules lists every loaded module, in load order.
func (l *Loader) Modules() ([]ModuleInfo, error) {
	if err := l.open(); err != nil {
		return nil, err
	}
	n := int(C.flyteplug_loader_module_count(l.ptr))
	out := make([]ModuleInfo, 0, n)
	info := (*C.flyteplug_module_info)(C.calloc(1, C.sizeof_flyteplug_module_info))
	defer C.free(unsafe.Pointer(info))
	for i := 0; i < n; i++ {
		*info = C.flyteplug_module_info{}
		info.struct_size = C.uint32_t(C.sizeof_flyteplug_module_info)
		s := cStatus()
		if err := finish(C.flyteplug_loader_module_info(l.ptr, C.uint32_t(i), info, s), s); err != nil {
			return nil, err
		}
		family := Family(fmt.Sprint(int32(info.family)))
		switch info.family {
		case C.FLYTEPLUG_FAMILY_K8S_RESOURCE:
			family = FamilyK8sResource
		case C.FLYTEPLUG_FAMILY_WEB_API:
			family = FamilyWebAPI
		}
		out = append(out, ModuleInfo{
			Index: i, ID: goString(info.id), Version: goString(info.version),
			Description: goString(info.description), Path: goString(info.path),
			Family: family, ABIMajor: uint32(info.abi_major),
			ABIMinor: uint32(info.abi_minor), TaskTypes: splitTypes(info.task_types),
			ClaimedTaskTypes: splitTypes(info.claimed_task_types),
		})
	}
	return out, nil
}

// cTaskType is taskType as the C string the loader takes (the caller frees
// it). A NUL would cut the string there and name another type, so it is
// refused with an InvalidArgument *Error.
func cTaskType(taskType string) (*C.char, error) {
	if strings.ContainsRune(taskType, 0) {
		return nil, &Error{Code: InvalidArgument,
			Message: fmt.Sprintf("task type %q contains a NUL byte", taskType)}
	}
	return C.CString(taskType), nil
}

// Resolve returns the module serving taskType (NotFound otherwise).
func (l *Loader) Resolve(taskType string) (ModuleInfo, error) {
	if err := l.open(); err != nil {
		return ModuleInfo{}, err
	}
	ct, err := cTaskType(taskType)
	if err != nil {
		return ModuleInfo{}, err
	}
	defer C.free(unsafe.Pointer(ct))
	index := (*C.uint32_t)(C.calloc(1, 4))
	defer C.free(unsafe.Pointer(index))
	s := cStatus()
	if err := finish(C.flyteplug_loader_resolve(l.ptr, ct, index, s), s); err != nil {
		return ModuleInfo{}, err
	}
	modules, err := l.Modules()
	if err != nil {
		return ModuleInfo{}, err
	}
	return modules[int(*index)], nil
}

// ConfigFormat selects how ConfigToJSON reads a document
// (FLYTEPLUG_CONFIG_FORMAT_* of loader.h).
type ConfigFormat int32

const (
	// ConfigAuto is JSON if the first non-space byte is '{', else YAML.
	ConfigAuto ConfigFormat = C.FLYTEPLUG_CONFIG_FORMAT_AUTO
	ConfigJSON ConfigFormat = C.FLYTEPLUG_CONFIG_FORMAT_JSON
	ConfigYAML ConfigFormat = C.FLYTEPLUG_CONFIG_FORMAT_YAML
)

// ConfigToJSON converts a configuration document (propeller layout) to the
// JSON Open takes, through the loader's flyteplug_config_to_json: JSON is
// checked and returned unchanged, YAML is typed by the YAML 1.2 core schema
// as Flyte's Go loader does. warnings lists the host-owned keys that look
// misspelled ("<key path>: unknown key, did you mean '<closest>'?"). Errors
// are *Error with Code InvalidArgument; the message starts with "config"
// and, for YAML, the line and column: "config:3:5: plugins.spark: duplicate
// key".
func ConfigToJSON(config []byte, format ConfigFormat) (jsonDoc []byte, warnings []string, err error) {
	in, free := cBytes(config)
	defer free()
	buf := (*C.flyteplug_buffer)(C.calloc(1, C.sizeof_flyteplug_buffer))
	defer C.free(unsafe.Pointer(buf))
	defer C.flyteplug_buffer_release(buf)
	s := cStatus()
	defer C.free(unsafe.Pointer(s))
	defer C.flyteplug_status_clear(s)
	code := StatusCode(C.flyteplug_config_to_json(in, C.int32_t(format), buf, s))
	msg := ""
	if s.message != nil {
		msg = C.GoString(s.message)
	}
	if code != OK {
		return nil, nil, &Error{Code: code, Message: msg}
	}
	for _, line := range strings.Split(msg, "\n") {
		if line != "" {
			warnings = append(warnings, line)
		}
	}
	if buf.size == 0 {
		return []byte{}, warnings, nil
	}
	return C.GoBytes(unsafe.Pointer(buf.data), C.int(buf.size)), warnings, nil
}

// ConfigFromYAML is ConfigToJSON for a YAML document.
func ConfigFromYAML(yaml []byte) (jsonDoc []byte, warnings []string, err error) {
	return ConfigToJSON(yaml, ConfigYAML)
}

// ConfigFromFile reads a .json, .yaml or .yml configuration file and
// converts it as ConfigToJSON does. Error messages and warnings start with
// the path instead of "config".
func ConfigFromFile(path string) (jsonDoc []byte, warnings []string, err error) {
	var format ConfigFormat
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		format = ConfigJSON
	case ".yaml", ".yml":
		format = ConfigYAML
	default:
		return nil, nil, &Error{Code: InvalidArgument, Message: path +
			": a configuration file must end in .json, .yaml or .yml"}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &Error{Code: InvalidArgument, Message: "config file " + err.Error()}
	}
	jsonDoc, warnings, err = ConfigToJSON(raw, format)
	if e, ok := err.(*Error); ok {
		e.Message = path + strings.TrimPrefix(e.Message, "config")
		return nil, nil, e
	}
	for i := range warnings {
		warnings[i] = path + ": " + warnings[i]
	}
	return jsonDoc, warnings, err
}

// openConfig is the JSON Open hands the loader for opts.
func openConfig(opts Options) ([]byte, error) {
	var (
		jsonDoc  []byte
		warnings []string
		err      error
	)
	switch {
	case len(opts.Config) > 0:
		jsonDoc, warnings, err = ConfigToJSON(opts.Config, opts.ConfigFormat)
		for i := range warnings {
			warnings[i] = "config: " + warnings[i]
		}
	case opts.ConfigFile != "":
		jsonDoc, warnings, err = ConfigFromFile(opts.ConfigFile)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		if opts.ConfigWarnings != nil {
			opts.ConfigWarnings(w)
		} else {
			log.Printf("flyteplug: warning: %s", w)
		}
	}
	return jsonDoc, nil
}

// TaskContextFromJSON converts a TaskContext (or a bare TaskTemplate) in
// proto3 JSON to a serialized flyteplug.v1.TaskContext.
func TaskContextFromJSON(taskJSON []byte) ([]byte, error) {
	in, free := cBytes(taskJSON)
	defer free()
	return withBuffer(func(out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_task_context_from_json(in, out, s)
	})
}

// TaskContextFromJSON is the method form of the package function.
func (l *Loader) TaskContextFromJSON(taskJSON []byte) ([]byte, error) {
	return TaskContextFromJSON(taskJSON)
}

// PhaseInfoJSON converts a serialized flyteplug.v1.PhaseInfo to proto3 JSON.
func PhaseInfoJSON(phaseInfo []byte) ([]byte, error) {
	in, free := cBytes(phaseInfo)
	defer free()
	return withBuffer(func(out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_phase_info_to_json(in, out, s)
	})
}

func decodePhase(serialized []byte) (*PhaseInfo, error) {
	raw, err := PhaseInfoJSON(serialized)
	if err != nil {
		return nil, err
	}
	info := &PhaseInfo{}
	if err := json.Unmarshal(raw, info); err != nil {
		return nil, &Error{Code: Internal, Message: "PhaseInfo JSON: " + err.Error()}
	}
	return info, nil
}

// call1 runs a routed call taking one input and producing one buffer.
func (l *Loader) call1(in []byte, fn func(C.flyteplug_bytes, *C.flyteplug_buffer, *C.flyteplug_status) C.flyteplug_status_code) ([]byte, error) {
	if err := l.open(); err != nil {
		return nil, err
	}
	cin, free := cBytes(in)
	defer free()
	return withBuffer(func(out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return fn(cin, out, s)
	})
}

// call2 runs a routed call taking two inputs and producing one buffer.
func (l *Loader) call2(a, b []byte, fn func(C.flyteplug_bytes, C.flyteplug_bytes, *C.flyteplug_buffer, *C.flyteplug_status) C.flyteplug_status_code) ([]byte, error) {
	if err := l.open(); err != nil {
		return nil, err
	}
	ca, freeA := cBytes(a)
	defer freeA()
	cb, freeB := cBytes(b)
	defer freeB()
	return withBuffer(func(out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return fn(ca, cb, out, s)
	})
}

// BuildResource returns the manifest JSON of the Kubernetes object to
// create for the serialized TaskContext ctx.
func (l *Loader) BuildResource(ctx []byte) ([]byte, error) {
	return l.call1(ctx, func(in C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_build_resource(l.ptr, in, out, s)
	})
}

// BuildIdentityResource returns an empty object of the watched kind.
func (l *Loader) BuildIdentityResource(ctx []byte) ([]byte, error) {
	return l.call1(ctx, func(in C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_build_identity_resource(l.ptr, in, out, s)
	})
}

// GetTaskPhase maps an observed Kubernetes object (JSON) to a PhaseInfo.
func (l *Loader) GetTaskPhase(ctx, resourceJSON []byte) (*PhaseInfo, error) {
	raw, err := l.call2(ctx, resourceJSON, func(a, b C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_get_task_phase(l.ptr, a, b, out, s)
	})
	if err != nil {
		return nil, err
	}
	return decodePhase(raw)
}

// Create starts the remote job of a web-API task; the returned resource
// meta is what the host persists (it holds no secret).
func (l *Loader) Create(ctx []byte) ([]byte, error) {
	return l.call1(ctx, func(in C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_webapi_create(l.ptr, in, out, s)
	})
}

// Get fetches the remote state for resource meta.
func (l *Loader) Get(taskType string, meta []byte) ([]byte, error) {
	ct, err := cTaskType(taskType)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(ct))
	return l.call1(meta, func(in C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_webapi_get(l.ptr, ct, in, out, s)
	})
}

// Delete cancels the remote job (a finished job is not an error).
func (l *Loader) Delete(taskType string, meta []byte) error {
	if err := l.open(); err != nil {
		return err
	}
	ct, err := cTaskType(taskType)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(ct))
	in, free := cBytes(meta)
	defer free()
	s := cStatus()
	return finish(C.flyteplug_webapi_delete(l.ptr, ct, in, s), s)
}

// Status maps a fetched remote state to a PhaseInfo. No I/O.
func (l *Loader) Status(ctx, resource []byte) (*PhaseInfo, error) {
	raw, err := l.call2(ctx, resource, func(a, b C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_webapi_status(l.ptr, a, b, out, s)
	})
	if err != nil {
		return nil, err
	}
	return decodePhase(raw)
}

// RenderRequest returns, without sending it, the create request as JSON
// {"method","url","headers","body"} with secrets redacted.
func (l *Loader) RenderRequest(ctx []byte) ([]byte, error) {
	return l.call1(ctx, func(in C.flyteplug_bytes, out *C.flyteplug_buffer, s *C.flyteplug_status) C.flyteplug_status_code {
		return C.flyteplug_webapi_render_request(l.ptr, in, out, s)
	})
}
