package flyteplug

/*
#include <stdlib.h>
#include "host_bridge.h"
*/
import "C"

import (
	"runtime/cgo"
	"time"
	"unsafe"
)

// LogLevel of a module's log message.
type LogLevel int32

const (
	LogDebug   LogLevel = 0
	LogInfo    LogLevel = 1
	LogWarning LogLevel = 2
	LogError   LogLevel = 3
)

// Host is the host API offered to modules: logging, secrets and the clock.
// Methods are called by modules from any goroutine/thread concurrently and
// must be safe for that. Messages never carry secrets; a Host must never log
// secret values.
type Host interface {
	LogEnabled(level LogLevel) bool
	Log(level LogLevel, message string)
	// GetSecret returns the secret and true, or false when there is none.
	GetSecret(key string) ([]byte, bool)
	NowUnixNanos() int64
}

// DefaultHost implements Host with no logging, no secrets and the system
// clock; embed it to override only some methods.
type DefaultHost struct{}

func (DefaultHost) LogEnabled(LogLevel) bool        { return false }
func (DefaultHost) Log(LogLevel, string)            {}
func (DefaultHost) GetSecret(string) ([]byte, bool) { return nil, false }
func (DefaultHost) NowUnixNanos() int64             { return time.Now().UnixNano() }

func newHostAPI(h cgo.Handle) *C.flyteplug_host_api {
	return C.flyteplug_go_new_host_api(C.uintptr_t(h))
}

func hostOf(h C.uintptr_t) (Host, bool) {
	host, ok := cgo.Handle(h).Value().(Host)
	return host, ok
}

//export goFlyteplugLogEnabled
func goFlyteplugLogEnabled(h C.uintptr_t, level C.int32_t) C.int32_t {
	if host, ok := hostOf(h); ok && host.LogEnabled(LogLevel(level)) {
		return 1
	}
	return 0
}

//export goFlyteplugLog
func goFlyteplugLog(h C.uintptr_t, level C.int32_t, message *C.char, size C.size_t) {
	if host, ok := hostOf(h); ok {
		host.Log(LogLevel(level), C.GoStringN(message, C.int(size)))
	}
}

//export goFlyteplugGetSecret
func goFlyteplugGetSecret(h C.uintptr_t, key *C.char, keySize C.size_t, value *C.flyteplug_buffer, cerr *C.flyteplug_error) C.flyteplug_status_code {
	fail := func(code StatusCode, msg string) C.flyteplug_status_code {
		cmsg := C.CString(msg)
		defer C.free(unsafe.Pointer(cmsg))
		C.flyteplug_go_set_error(cerr, C.flyteplug_status_code(code), cmsg, C.size_t(len(msg)))
		return C.flyteplug_status_code(code)
	}
	host, ok := hostOf(h)
	if !ok {
		return fail(Internal, "get_secret: no Go host")
	}
	name := C.GoStringN(key, C.int(keySize))
	secret, found := host.GetSecret(name)
	if !found {
		return fail(NotFound, "no secret named \""+name+"\"")
	}
	var data unsafe.Pointer
	if len(secret) > 0 {
		data = unsafe.Pointer(&secret[0])
	}
	// Copied into C memory: C keeps no Go pointer.
	if C.flyteplug_go_fill_buffer(value, data, C.size_t(len(secret))) != 0 {
		return fail(ResourceExhausted, "get_secret: out of memory")
	}
	return C.flyteplug_status_code(OK)
}

//export goFlyteplugNow
func goFlyteplugNow(h C.uintptr_t) C.int64_t {
	if host, ok := hostOf(h); ok {
		return C.int64_t(host.NowUnixNanos())
	}
	return C.int64_t(time.Now().UnixNano())
}
