/* A web-API module built against the ABI 1.0 plugin.h (the frozen copy in
 * tests/connector/abi_1_0/), in C: task type "legacy10". It speaks minor 0,
 * knows a 48-byte host API, and uses it (log, clock) on every call, so a 1.1
 * host that handed it a wrong table would show. create returns
 * "legacy-run-1"; get of that meta returns "running"; status maps it to
 * RUNNING with reason "legacy ok"; delete succeeds; any other meta is
 * INVALID_ARGUMENT. */
#include <stdlib.h>
#include <string.h>

#include "flyteplug/plugin.h"

#if FLYTEPLUG_ABI_VERSION_MINOR != 0
#error "legacy_1_0_module.c must be built against the ABI 1.0 header"
#endif

static const char kMeta[] = "legacy-run-1";
static const char kResource[] = "running";
/* flyteplug.v1.PhaseInfo{phase: RUNNING (5), reason: "legacy ok"}. */
static const uint8_t kPhaseInfo[] = {0x08, 0x05, 0x1a, 0x09, 'l', 'e', 'g',
                                     'a',  'c',  'y',  ' ',  'o', 'k'};

struct flyteplug_instance {
  const flyteplug_host_api* host;
};

static void Release(flyteplug_buffer* buffer) {
  free((void*)buffer->data);
  buffer->data = NULL;
  buffer->size = 0;
  buffer->release = NULL;
}

static flyteplug_status_code Emit(const void* data, size_t size,
                                  flyteplug_buffer* out) {
  void* copy = malloc(size == 0 ? 1 : size);
  if (copy == NULL) return FLYTEPLUG_INTERNAL;
  memcpy(copy, data, size);
  out->data = (const uint8_t*)copy;
  out->size = size;
  out->release = &Release;
  out->private_data = NULL;
  return FLYTEPLUG_OK;
}

static flyteplug_status_code Fail(flyteplug_error* error,
                                  flyteplug_status_code code,
                                  const char* message) {
  error->set(error, code, message, strlen(message));
  return code;
}

/* Touches the 1.0 host API the way any 1.0 module may. */
static int HostWorks(const flyteplug_instance* instance, const char* what) {
  const flyteplug_host_api* host = instance->host;
  if (host->struct_size < 48 || host->now_unix_nanos(host->host_data) <= 0) {
    return 0;
  }
  if (host->log_enabled(host->host_data, FLYTEPLUG_LOG_DEBUG)) {
    host->log(host->host_data, FLYTEPLUG_LOG_DEBUG, what, strlen(what));
  }
  return 1;
}

static int IsMeta(flyteplug_bytes meta) {
  return meta.size == sizeof(kMeta) - 1 &&
         memcmp(meta.data, kMeta, meta.size) == 0;
}

static flyteplug_status_code Create(flyteplug_instance* instance,
                                    flyteplug_bytes task_context,
                                    flyteplug_buffer* resource_meta,
                                    flyteplug_error* error) {
  (void)task_context;
  if (!HostWorks(instance, "legacy10: create")) {
    return Fail(error, FLYTEPLUG_INTERNAL, "legacy10: bad host API");
  }
  return Emit(kMeta, sizeof(kMeta) - 1, resource_meta);
}

static flyteplug_status_code Get(flyteplug_instance* instance,
                                 flyteplug_bytes resource_meta,
                                 flyteplug_buffer* resource,
                                 flyteplug_error* error) {
  if (!HostWorks(instance, "legacy10: get")) {
    return Fail(error, FLYTEPLUG_INTERNAL, "legacy10: bad host API");
  }
  if (!IsMeta(resource_meta)) {
    return Fail(error, FLYTEPLUG_INVALID_ARGUMENT,
                "resource_meta: not a legacy10 run");
  }
  return Emit(kResource, sizeof(kResource) - 1, resource);
}

static flyteplug_status_code Delete(flyteplug_instance* instance,
                                    flyteplug_bytes resource_meta,
                                    flyteplug_error* error) {
  if (!HostWorks(instance, "legacy10: delete")) {
    return Fail(error, FLYTEPLUG_INTERNAL, "legacy10: bad host API");
  }
  if (!IsMeta(resource_meta)) {
    return Fail(error, FLYTEPLUG_INVALID_ARGUMENT,
                "resource_meta: not a legacy10 run");
  }
  return FLYTEPLUG_OK;
}

static flyteplug_status_code Status(flyteplug_instance* instance,
                                    flyteplug_bytes task_context,
                                    flyteplug_bytes resource,
                                    flyteplug_buffer* phase_info,
                                    flyteplug_error* error) {
  (void)instance;
  (void)task_context;
  if (resource.size != sizeof(kResource) - 1 ||
      memcmp(resource.data, kResource, resource.size) != 0) {
    return Fail(error, FLYTEPLUG_INVALID_ARGUMENT, "resource: unknown state");
  }
  return Emit(kPhaseInfo, sizeof(kPhaseInfo), phase_info);
}

static flyteplug_status_code Render(flyteplug_instance* instance,
                                    flyteplug_bytes task_context,
                                    flyteplug_buffer* request_json,
                                    flyteplug_error* error) {
  (void)instance;
  (void)task_context;
  (void)error;
  static const char kJson[] = "{\"method\":\"POST\"}";
  return Emit(kJson, sizeof(kJson) - 1, request_json);
}

static flyteplug_status_code Init(const flyteplug_init_args* args,
                                  flyteplug_instance** instance,
                                  flyteplug_error* error) {
  flyteplug_instance* created =
      (flyteplug_instance*)calloc(1, sizeof(flyteplug_instance));
  if (created == NULL) return Fail(error, FLYTEPLUG_INTERNAL, "out of memory");
  created->host = args->host;
  *instance = created;
  return FLYTEPLUG_OK;
}

static void Deinit(flyteplug_instance* instance) { free(instance); }

static const flyteplug_webapi_vtable kWebApi = {
    sizeof(flyteplug_webapi_vtable), &Create, &Get, &Delete, &Status, &Render};
static const flyteplug_task_type kTaskTypes[] = {{"legacy10", 0}};

static const flyteplug_module kModule = {
    sizeof(flyteplug_module),
    1,
    0,
    FLYTEPLUG_FAMILY_WEB_API,
    0,
    1,
    0,
    0,
    "legacy10",
    "1.0.0",
    "a web-API module built against ABI 1.0",
    kTaskTypes,
    NULL,
    &Init,
    &Deinit,
    NULL,
    &kWebApi};

FLYTEPLUG_EXPORT flyteplug_status_code flyteplug_module_entry_v1(
    flyteplug_negotiation* negotiation, const flyteplug_module** module,
    flyteplug_error* error) {
  if (negotiation->host_abi_major != 1 || negotiation->host_abi_min_minor > 0) {
    return Fail(error, FLYTEPLUG_ABI_VERSION_MISMATCH,
                "legacy10 speaks ABI 1.0 only");
  }
  negotiation->module_abi_minor = 0;
  *module = &kModule;
  return FLYTEPLUG_OK;
}
