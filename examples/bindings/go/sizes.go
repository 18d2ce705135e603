package flyteplug

/*
#include <stddef.h>
#include "flyteplug/loader.h"
*/
import "C"

// StructSizes returns the sizes, as cgo sees them, of the C structs this
// package passes to the loader, keyed by their C names. A test compares them
// with the sizes the ABI fixes (plugin.h's static assertions).
func StructSizes() map[string]int {
	return map[string]int{
		"flyteplug_bytes":          int(C.sizeof_flyteplug_bytes),
		"flyteplug_buffer":         int(C.sizeof_flyteplug_buffer),
		"flyteplug_error":          int(C.sizeof_flyteplug_error),
		"flyteplug_host_api":       int(C.sizeof_flyteplug_host_api),
		"flyteplug_status":         int(C.sizeof_flyteplug_status),
		"flyteplug_loader_options": int(C.sizeof_flyteplug_loader_options),
		"flyteplug_module_info":    int(C.sizeof_flyteplug_module_info),
	}
}
