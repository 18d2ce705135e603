/* C side of the Go host API bridge: a flyteplug_host_api table whose
 * host_data is a cgo.Handle (an integer, never a Go pointer) and whose
 * functions forward to exported Go functions. */
#ifndef FLYTEPLUG_GO_HOST_BRIDGE_H_
#define FLYTEPLUG_GO_HOST_BRIDGE_H_

#include <stdint.h>

#include "flyteplug/loader.h"

/* Returns a calloc'ed host table for `handle`; free with free(). */
flyteplug_host_api* flyteplug_go_new_host_api(uintptr_t handle);

/* Calls error->set when error and error->set are non-NULL. */
void flyteplug_go_set_error(flyteplug_error* error, flyteplug_status_code code,
                            const char* message, size_t size);

/* Fills `out` with an owned copy of data[0..size) whose release callback
 * zeroes and frees it. Returns 0, or -1 when out of memory. */
int flyteplug_go_fill_buffer(flyteplug_buffer* out, const void* data,
                             size_t size);

#endif /* FLYTEPLUG_GO_HOST_BRIDGE_H_ */
