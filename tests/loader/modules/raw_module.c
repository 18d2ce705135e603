/* A module written against plugin.h directly, in C, with one deliberate
 * defect per variant (RAW_DEFECT_*), for the loader's validation tests.
 * RAW_DEFECT_NONE builds a valid k8s-resource module "raw". */
#include <stdlib.h>
#include <string.h>

#include "flyteplug/plugin.h"

struct flyteplug_instance {
  int unused;
};

static void Release(flyteplug_buffer* buffer) {
  free((void*)buffer->data);
  buffer->data = NULL;
  buffer->size = 0;
  buffer->release = NULL;
}

static flyteplug_status_code Emit(const char* text, flyteplug_buffer* out) {
  size_t n = strlen(text);
  char* copy = (char*)malloc(n);
  memcpy(copy, text, n);
  out->data = (const uint8_t*)copy;
  out->size = n;
  out->release = &Release;
  out->private_data = NULL;
  return FLYTEPLUG_OK;
}

static flyteplug_status_code Fail(flyteplug_error* error,
                                  flyteplug_status_code code,
                                  const char* message) {
  if (error != NULL && error->set != NULL) {
    error->set(error, code, message, strlen(message));
  }
  return code;
}

static flyteplug_status_code BuildResource(flyteplug_instance* instance,
                                           flyteplug_bytes task_context,
                                           flyteplug_buffer* out,
                                           flyteplug_error* error) {
  (void)instance;
  (void)task_context;
#if defined(RAW_DEFECT_OK_WITHOUT_BUFFER)
  (void)out;
  (void)error;
  return FLYTEPLUG_OK;
#elif defined(RAW_DEFECT_ERROR_WITH_BUFFER)
  Emit("{\"leaked\":true}", out);
  return Fail(error, FLYTEPLUG_INVALID_ARGUMENT, "raw: refused, buffer set");
#else
  (void)error;
  return Emit("{\"kind\":\"Raw\"}", out);
#endif
}

static flyteplug_status_code BuildIdentity(flyteplug_instance* instance,
                                           flyteplug_bytes task_context,
                                           flyteplug_buffer* out,
                                           flyteplug_error* error) {
  (void)instance;
  (void)task_context;
  (void)error;
  return Emit("{\"kind\":\"Raw\"}", out);
}

#if defined(__GNUC__)
__attribute__((unused))
#endif
static flyteplug_status_code
GetTaskPhase(flyteplug_instance* instance, flyteplug_bytes task_context,
             flyteplug_bytes resource, flyteplug_buffer* out,
             flyteplug_error* error) {
  (void)instance;
  (void)task_context;
  (void)resource;
  (void)out;
  return Fail(error, FLYTEPLUG_UNIMPLEMENTED, "raw: no phases");
}

static flyteplug_status_code Init(const flyteplug_init_args* args,
                                  flyteplug_instance** instance,
                                  flyteplug_error* error) {
  (void)args;
#if defined(RAW_DEFECT_INIT_FAILS)
  (void)instance;
  return Fail(error, FLYTEPLUG_INVALID_ARGUMENT, "raw: init refuses");
#else
  (void)error;
  *instance = (flyteplug_instance*)calloc(1, sizeof(flyteplug_instance));
  return FLYTEPLUG_OK;
#endif
}

static void Deinit(flyteplug_instance* instance) { free(instance); }

/* A descriptor followed by a tail, to test the struct_size rule. */
struct Extended {
  flyteplug_module module;
  uint64_t tail;
};

static const flyteplug_k8s_vtable kVtable = {sizeof(flyteplug_k8s_vtable),
                                             &BuildResource, &BuildIdentity,
#if defined(RAW_DEFECT_MISSING_SLOT)
                                             NULL
#else
                                             &GetTaskPhase
#endif
};

static const flyteplug_task_type kTypes[] = {{"raw", 0},
#if defined(RAW_DEFECT_DUPLICATE_TASK_TYPE)
                                             {"raw", 0}
#else
                                             {"raw2",
                                              FLYTEPLUG_TASK_TYPE_OPT_IN}
#endif
};

static const char* const kSections[] = {"raw"};

static const struct Extended kModule = {{
#if defined(RAW_DEFECT_TAIL_NONZERO) || defined(RAW_DEFECT_TAIL_ZERO)
                                            sizeof(struct Extended),
#else
                                            sizeof(flyteplug_module),
#endif
#if defined(RAW_DEFECT_ABI_MAJOR)
                                            2,
#else
                                            FLYTEPLUG_ABI_VERSION_MAJOR,
#endif
                                            FLYTEPLUG_ABI_VERSION_MINOR,
                                            FLYTEPLUG_FAMILY_K8S_RESOURCE,
                                            0,
                                            2,
                                            1,
#if defined(RAW_DEFECT_RESERVED)
                                            7,
#else
                                            0,
#endif
#if defined(RAW_DEFECT_BAD_ID)
                                            "Raw Module",
#else
                                            "raw",
#endif
                                            "1.0.0",
                                            "raw C test module",
                                            kTypes,
                                            kSections,
                                            &Init,
                                            &Deinit,
                                            &kVtable,
                                            NULL,
                                        },
#if defined(RAW_DEFECT_TAIL_NONZERO)
                                        1
#else
                                        0
#endif
};

FLYTEPLUG_EXPORT flyteplug_status_code flyteplug_module_entry_v1(
    flyteplug_negotiation* negotiation, const flyteplug_module** module,
    flyteplug_error* error) {
#if defined(RAW_DEFECT_NEGOTIATION_REFUSES)
  (void)module;
  (void)negotiation;
  (void)kModule;
  return Fail(error, FLYTEPLUG_ABI_VERSION_MISMATCH,
              "abi_minor: host speaks 0..0, module needs >= 5");
#else
  (void)error;
  negotiation->module_abi_minor = 0;
  *module = &kModule.module;
  return FLYTEPLUG_OK;
#endif
}
