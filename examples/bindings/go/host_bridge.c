#include "host_bridge.h"

#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"

static int32_t bridge_log_enabled(void* host_data, flyteplug_log_level level) {
  return goFlyteplugLogEnabled((uintptr_t)host_data, level);
}

static void bridge_log(void* host_data, flyteplug_log_level level,
                       const char* message, size_t size) {
  goFlyteplugLog((uintptr_t)host_data, level, (char*)message, size);
}

static flyteplug_status_code bridge_get_secret(void* host_data,
                                               const char* key,
                                               size_t key_size,
                                               flyteplug_buffer* value,
                                               flyteplug_error* error) {
  if (value == NULL) {
    static const char kMsg[] = "get_secret: value is NULL";
    flyteplug_go_set_error(error, FLYTEPLUG_INVALID_ARGUMENT, kMsg,
                           sizeof(kMsg) - 1);
    return FLYTEPLUG_INVALID_ARGUMENT;
  }
  return goFlyteplugGetSecret((uintptr_t)host_data, (char*)key, key_size,
                              value, error);
}

static int64_t bridge_now(void* host_data) {
  return goFlyteplugNow((uintptr_t)host_data);
}

flyteplug_host_api* flyteplug_go_new_host_api(uintptr_t handle) {
  flyteplug_host_api* api = calloc(1, sizeof(flyteplug_host_api));
  if (api == NULL) return NULL;
  api->struct_size = sizeof(flyteplug_host_api);
  api->host_data = (void*)handle;
  api->log_enabled = bridge_log_enabled;
  api->log = bridge_log;
  api->get_secret = bridge_get_secret;
  api->now_unix_nanos = bridge_now;
  return api;
}

void flyteplug_go_set_error(flyteplug_error* error, flyteplug_status_code code,
                            const char* message, size_t size) {
  if (error != NULL && error->set != NULL) {
    error->set(error, code, message, size);
  }
}

static void release_owned(flyteplug_buffer* self) {
  if (self == NULL || self->release == NULL) return;
  void* data = self->private_data;
  if (data != NULL) {
    /* The buffer may hold a secret: scrub before freeing. */
    volatile unsigned char* p = (volatile unsigned char*)data;
    for (size_t i = 0; i < self->size; ++i) p[i] = 0;
    free(data);
  }
  self->data = NULL;
  self->size = 0;
  self->private_data = NULL;
  self->release = NULL;
}

int flyteplug_go_fill_buffer(flyteplug_buffer* out, const void* data,
                             size_t size) {
  void* copy = malloc(size == 0 ? 1 : size);
  if (copy == NULL) return -1;
  if (size > 0) memcpy(copy, data, size);
  out->data = (const uint8_t*)copy;
  out->size = size;
  out->private_data = copy;
  out->release = release_owned;
  return 0;
}
