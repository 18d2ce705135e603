/*
 * flyteplug/plugin.h: the plugin-facing C ABI of flyteplug, version 1.
 *
 * A module is a shared object that exports exactly one symbol,
 * `flyteplug_module_entry_v1` (FLYTEPLUG_ENTRY_SYMBOL_V1). The loader calls
 * it once per process with the ABI minor the host speaks; the module answers
 * with the minor it speaks and a pointer to its static module descriptor.
 * Everything else crosses through that descriptor and through the host API
 * table the loader passes to `init`: a module never resolves loader symbols.
 *
 * ABI rules followed by every declaration in this file:
 *  - Fixed-width types only; enumerations are stored as int32_t.
 *  - Every struct that may grow starts with `uint32_t struct_size`. Fields are
 *    only ever appended. A reader treats a missing tail as zero and accepts a
 *    longer struct only if the tail it does not know is all zero bytes.
 *  - Borrowed inputs (flyteplug_bytes) are valid for the duration of the call.
 *  - Owned outputs (flyteplug_buffer) carry their own release callback; the
 *    receiver calls it exactly once, after which `release` is NULL.
 *  - Every fallible function returns a flyteplug_status_code and, on failure,
 *    reports a message through the caller's flyteplug_error, which copies it.
 *  - Nothing unwinds across this boundary: no C++ exception, no longjmp.
 *  - Modules write nothing to stdout/stderr, install no signal handlers and
 *    never call exit(); they log through the host API.
 *
 * Threading: unless a function says otherwise, a module instance may be
 * called concurrently from any thread; `init` and `deinit` of one instance
 * run alone (no other call on that instance is in flight).
 */
#ifndef FLYTEPLUG_PLUGIN_H_
#define FLYTEPLUG_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define FLYTEPLUG_EXPORT __declspec(dllexport)
#else
#define FLYTEPLUG_EXPORT __attribute__((visibility("default")))
#endif

/* ABI version. The major is part of the entry symbol's name; a new major is
 * a new symbol. A minor adds fields at struct tails or new optional slots.
 *  1.0: the first version.
 *  1.1: flyteplug_host_api gains call_deadline_unix_nanos and call_cancelled
 *       (a module reads them only when the table's struct_size covers them:
 *       FLYTEPLUG_HOST_API_HAS_CALL_CONTROL). Nothing else changed: 1.0
 *       modules load and run unchanged under a 1.1 host. */
#define FLYTEPLUG_ABI_VERSION_MAJOR 1
#define FLYTEPLUG_ABI_VERSION_MINOR 1
#define FLYTEPLUG_ENTRY_SYMBOL_V1 "flyteplug_module_entry_v1"

/* ------------------------------------------------------------------------ */
/* Status codes.                                                             */
/* ------------------------------------------------------------------------ */

/* Stable numbers. 0-16 are absl::StatusCode's canonical codes; codes from
 * 1000 on are specific to this ABI. Stored as int32_t. */
typedef int32_t flyteplug_status_code;
enum {
  FLYTEPLUG_OK = 0,
  FLYTEPLUG_CANCELLED = 1,
  FLYTEPLUG_UNKNOWN = 2,
  FLYTEPLUG_INVALID_ARGUMENT = 3, /* bad task input: a user error */
  FLYTEPLUG_DEADLINE_EXCEEDED = 4,
  FLYTEPLUG_NOT_FOUND = 5,
  FLYTEPLUG_ALREADY_EXISTS = 6,
  FLYTEPLUG_PERMISSION_DENIED = 7,
  FLYTEPLUG_RESOURCE_EXHAUSTED = 8,
  FLYTEPLUG_FAILED_PRECONDITION = 9,
  FLYTEPLUG_ABORTED = 10,
  FLYTEPLUG_OUT_OF_RANGE = 11,
  FLYTEPLUG_UNIMPLEMENTED = 12,
  FLYTEPLUG_INTERNAL = 13,
  FLYTEPLUG_UNAVAILABLE = 14,
  FLYTEPLUG_DATA_LOSS = 15,
  FLYTEPLUG_UNAUTHENTICATED = 16,

  /* The host and module share no ABI version (major or minor range). */
  FLYTEPLUG_ABI_VERSION_MISMATCH = 1000,
  /* A struct carried a non-zero tail its reader does not know. */
  FLYTEPLUG_ABI_STRUCT_TOO_NEW = 1001,
  /* A module broke the ABI contract (bad descriptor, missing slot...). */
  FLYTEPLUG_ABI_CONTRACT_VIOLATION = 1002
};

/* ------------------------------------------------------------------------ */
/* Bytes and buffers.                                                        */
/* ------------------------------------------------------------------------ */

/* A borrowed byte range. OWNERSHIP: the caller's. LIFETIME: the call only.
 * `data` may be NULL only when `size` is 0. Never NUL-terminated by contract.
 */
typedef struct flyteplug_bytes {
  const uint8_t* data;
  size_t size;
} flyteplug_bytes;

/* An owned byte buffer handed from its producer to a consumer.
 * OWNERSHIP: transferred to the receiver, who must call `release(self)`
 * exactly once (from any thread), after which the producer has set `release`
 * to NULL. `data`/`size` stay valid until then. A zero-initialised buffer
 * (release == NULL) owns nothing.
 * LIFETIME: a buffer outlives whatever produced it: a module's output buffer
 * may be released after `deinit` of the instance that filled it (the loader
 * hands it to the host as it is), so `release` and `data` must not depend on
 * the instance, only on the module's library staying loaded. */
typedef struct flyteplug_buffer {
  const uint8_t* data;
  size_t size;
  void (*release)(struct flyteplug_buffer* self);
  void* private_data; /* the producer's */
} flyteplug_buffer;

/* ------------------------------------------------------------------------ */
/* Errors.                                                                   */
/* ------------------------------------------------------------------------ */

/* The caller's error sink. A callee that fails calls `set` once with the same
 * code it returns and a UTF-8 message (not NUL-terminated; `message_size`
 * bytes); the caller copies it before `set` returns. OWNERSHIP: the caller's.
 * LIFETIME: the call it was passed to. THREADING: used only by the thread the
 * call runs on. A callee never calls `set` with FLYTEPLUG_OK. */
typedef struct flyteplug_error {
  uint32_t struct_size;
  void* caller_data;
  void (*set)(struct flyteplug_error* self, flyteplug_status_code code,
              const char* message, size_t message_size);
} flyteplug_error;

/* ------------------------------------------------------------------------ */
/* Host API: what a module may call on its host.                             */
/* ------------------------------------------------------------------------ */

typedef int32_t flyteplug_log_level;
enum {
  FLYTEPLUG_LOG_DEBUG = 0,
  FLYTEPLUG_LOG_INFO = 1,
  FLYTEPLUG_LOG_WARNING = 2,
  FLYTEPLUG_LOG_ERROR = 3
};

/* OWNERSHIP: the host's. LIFETIME: from `init` until `deinit` of the instance
 * it was given to returns. THREADING: every function is thread-safe. */
typedef struct flyteplug_host_api {
  uint32_t struct_size;
  void* host_data; /* passed back as the first argument of every call */

  /* Non-zero when a message at `level` would be recorded. Lets a module skip
   * formatting. Never fails. */
  int32_t (*log_enabled)(void* host_data, flyteplug_log_level level);

  /* Records one log message (UTF-8, `message_size` bytes). Never fails.
   * Messages must never carry secrets. */
  void (*log)(void* host_data, flyteplug_log_level level, const char* message,
              size_t message_size);

  /* Looks up the secret `key` (`key_size` bytes). On FLYTEPLUG_OK, `*value`
   * receives an owned buffer the module releases as soon as it is done with
   * it. Returns FLYTEPLUG_NOT_FOUND when no such secret exists,
   * FLYTEPLUG_INVALID_ARGUMENT for an unusable key. Never logs the value. */
  flyteplug_status_code (*get_secret)(void* host_data, const char* key,
                                      size_t key_size, flyteplug_buffer* value,
                                      flyteplug_error* error);

  /* Wall-clock time, nanoseconds since the Unix epoch. Never fails. */
  int64_t (*now_unix_nanos)(void* host_data);

  /* --- Since ABI 1.1: call control. Present when
   * FLYTEPLUG_HOST_API_HAS_CALL_CONTROL(api); either slot may still be NULL
   * (treat NULL as "no deadline" / "not cancelled"). Both answer for the
   * module call the CALLING THREAD is running (create, get, delete...):
   * a module asks on the thread the host called it on, before handing work
   * to other threads. */

  /* The caller's deadline for the current call, nanoseconds since the Unix
   * epoch (the clock of now_unix_nanos); 0 = none. A module caps its remote
   * I/O at it and returns FLYTEPLUG_DEADLINE_EXCEEDED when it passes.
   * Never fails; cheap. */
  int64_t (*call_deadline_unix_nanos)(void* host_data);

  /* Non-zero once the caller of the current call has gone. A module stops
   * its remote I/O as soon as it can and returns FLYTEPLUG_CANCELLED. Never
   * fails; cheap enough to poll from an I/O progress callback. */
  int32_t (*call_cancelled)(void* host_data);
} flyteplug_host_api;

/* The 1.0 size of flyteplug_host_api (its first six members). */
#define FLYTEPLUG_HOST_API_SIZE_1_0 \
  (offsetof(flyteplug_host_api, call_deadline_unix_nanos))
/* The 1.1 size (through call_cancelled). */
#define FLYTEPLUG_HOST_API_SIZE_1_1 \
  (offsetof(flyteplug_host_api, call_cancelled) + sizeof(void (*)(void)))
/* Non-zero when `api` (non-NULL) carries the 1.1 call-control slots. */
#define FLYTEPLUG_HOST_API_HAS_CALL_CONTROL(api) \
  ((api)->struct_size >= FLYTEPLUG_HOST_API_SIZE_1_1)

/* ------------------------------------------------------------------------ */
/* Instances and families.                                                   */
/* ------------------------------------------------------------------------ */

/* An initialised module instance; opaque to the host. */
typedef struct flyteplug_instance flyteplug_instance;

typedef int32_t flyteplug_family;
enum {
  /* Kubernetes-resource plugins: the host creates and watches the object. */
  FLYTEPLUG_FAMILY_K8S_RESOURCE = 1,
  /* Web-API plugins: the module does its own remote I/O. */
  FLYTEPLUG_FAMILY_WEB_API = 2
};

/* Kubernetes-resource family. Every slot is required.
 *
 * `task_context` is a serialized flyteplug.v1.TaskContext; `resource_json` a
 * Kubernetes object as JSON; `phase_info` receives a serialized
 * flyteplug.v1.PhaseInfo; manifests are UTF-8 JSON.
 *
 * Messages cross this ABI only as protobuf binary wire format of the public
 * schema (share/flyteplug/proto), never as C++ objects: each side decodes
 * with its own code, so either side may be built from a schema with more
 * fields. Fields are only ever added; a field a reader does not know is
 * absent to it (its default), and a parser keeps it as an unknown field.
 *
 * Each returns FLYTEPLUG_OK, FLYTEPLUG_INVALID_ARGUMENT for bad input (user
 * error; the message names the field), or FLYTEPLUG_INTERNAL.
 * OWNERSHIP: inputs borrowed; `*out` owned by the caller on FLYTEPLUG_OK and
 * untouched otherwise. THREADING: thread-safe. */
typedef struct flyteplug_k8s_vtable {
  uint32_t struct_size;
  /* The object to create for this task. */
  flyteplug_status_code (*build_resource)(flyteplug_instance* instance,
                                          flyteplug_bytes task_context,
                                          flyteplug_buffer* manifest_json,
                                          flyteplug_error* error);
  /* An empty object of the watched kind (apiVersion and kind only). */
  flyteplug_status_code (*build_identity_resource)(
      flyteplug_instance* instance, flyteplug_bytes task_context,
      flyteplug_buffer* manifest_json, flyteplug_error* error);
  /* Maps an observed object to a phase, logs and custom info. */
  flyteplug_status_code (*get_task_phase)(flyteplug_instance* instance,
                                          flyteplug_bytes task_context,
                                          flyteplug_bytes resource_json,
                                          flyteplug_buffer* phase_info,
                                          flyteplug_error* error);
} flyteplug_k8s_vtable;

/* Web-API family. Every slot is required.
 *
 * `resource_meta` is what `create` returned: the host persists it and must be
 * able to resume from it after a restart, so it never holds a secret.
 * `resource` is what `get` returned. Remote failures come back as
 * FLYTEPLUG_UNAVAILABLE / DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED (retryable),
 * FLYTEPLUG_UNAUTHENTICATED / PERMISSION_DENIED, FLYTEPLUG_NOT_FOUND, or
 * FLYTEPLUG_INVALID_ARGUMENT for a bad task; messages never hold secrets.
 * THREADING: thread-safe; calls may block on network I/O for at most the
 * module's configured timeouts. */
typedef struct flyteplug_webapi_vtable {
  uint32_t struct_size;
  /* Starts the remote job. Idempotent for one task execution: a retried
   * create never starts a second remote job. */
  flyteplug_status_code (*create)(flyteplug_instance* instance,
                                  flyteplug_bytes task_context,
                                  flyteplug_buffer* resource_meta,
                                  flyteplug_error* error);
  /* Fetches the remote job's current state. */
  flyteplug_status_code (*get)(flyteplug_instance* instance,
                               flyteplug_bytes resource_meta,
                               flyteplug_buffer* resource,
                               flyteplug_error* error);
  /* Cancels the remote job. Cancelling a finished job is FLYTEPLUG_OK. */
  flyteplug_status_code (*delete_resource)(flyteplug_instance* instance,
                                           flyteplug_bytes resource_meta,
                                           flyteplug_error* error);
  /* Maps a fetched state to a serialized flyteplug.v1.PhaseInfo. No I/O. */
  flyteplug_status_code (*status)(flyteplug_instance* instance,
                                  flyteplug_bytes task_context,
                                  flyteplug_bytes resource,
                                  flyteplug_buffer* phase_info,
                                  flyteplug_error* error);
  /* Describes, without sending it, the request `create` would send, as JSON
   * {"method","url","headers","body"} with every secret redacted. No I/O. */
  flyteplug_status_code (*render_create_request)(flyteplug_instance* instance,
                                                 flyteplug_bytes task_context,
                                                 flyteplug_buffer* request_json,
                                                 flyteplug_error* error);
} flyteplug_webapi_vtable;

/* ------------------------------------------------------------------------ */
/* The module descriptor.                                                    */
/* ------------------------------------------------------------------------ */

/* Flags of one task type claim (bit values, combined with |). */
enum {
  /* Served only when the configuration's default-for-task-types maps this
   * task type to this module; never a conflict otherwise. */
  FLYTEPLUG_TASK_TYPE_OPT_IN = 1u << 0
};

typedef struct flyteplug_task_type {
  const char* name; /* NUL-terminated, non-empty */
  uint32_t flags;
} flyteplug_task_type;

/* Module flags (bit values). */
enum {
  /* The module tolerates dlclose after its last instance is deinitialised.
   * Without it the loader never unloads the module. */
  FLYTEPLUG_MODULE_UNLOADABLE = 1u << 0
};

/* Arguments of `init`. OWNERSHIP: the host's. LIFETIME: `host` outlives the
 * instance; everything else is valid for the call only. */
typedef struct flyteplug_init_args {
  uint32_t struct_size;
  const flyteplug_host_api* host;
  /* UTF-8 JSON object holding this module's configuration sections, keyed by
   * the names in `config_sections` (e.g. {"spark":{...},"k8s":{...}}); a
   * section absent from the host's configuration is absent here. */
  flyteplug_bytes config_json;
} flyteplug_init_args;

/* OWNERSHIP: the module's; every pointer in it is static data.
 * LIFETIME: until the module is unloaded. THREADING: immutable. */
typedef struct flyteplug_module {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor; /* the minor the module implements */
  flyteplug_family family;
  uint32_t flags;
  uint32_t task_type_count;
  uint32_t config_section_count;
  uint32_t reserved0;  /* must be zero */
  const char* id;      /* unique module id, [a-z0-9_.-]+, e.g. "spark" */
  const char* version; /* the module's own version, e.g. "1.0.0" */
  const char* description;
  /* `task_type_count` task types this module serves. */
  const flyteplug_task_type* task_types;
  /* `config_section_count` names of the `plugins.<name>` configuration
   * sections the module reads, e.g. {"spark", "k8s"}. */
  const char* const* config_sections;

  /* Creates an instance configured by `args`. Returns FLYTEPLUG_OK with
   * `*instance` set, FLYTEPLUG_INVALID_ARGUMENT for bad configuration (the
   * message names the key), or FLYTEPLUG_INTERNAL. May be called more than
   * once; each call yields an independent instance. THREADING: runs alone
   * with respect to the instance it creates. */
  flyteplug_status_code (*init)(const flyteplug_init_args* args,
                                flyteplug_instance** instance,
                                flyteplug_error* error);
  /* Destroys an instance. No call on it may be in flight or follow.
   * Never fails. */
  void (*deinit)(flyteplug_instance* instance);

  /* Exactly the vtable of `family` is non-NULL. */
  const flyteplug_k8s_vtable* k8s;
  const flyteplug_webapi_vtable* webapi;
} flyteplug_module;

/* Negotiation, in and out of the entry function. */
typedef struct flyteplug_negotiation {
  uint32_t struct_size;
  uint32_t host_abi_major;     /* in: always 1 for this entry symbol */
  uint32_t host_abi_min_minor; /* in: the oldest minor the host accepts */
  uint32_t host_abi_max_minor; /* in: the newest minor the host speaks */
  uint32_t module_abi_minor;   /* out: the minor the module will speak */
} flyteplug_negotiation;

/* The entry function every module exports as `flyteplug_module_entry_v1`.
 *
 * Picks the newest minor both sides speak, writes it to
 * `negotiation->module_abi_minor` and sets `*module` to the module's static
 * descriptor. Returns FLYTEPLUG_OK, or FLYTEPLUG_ABI_VERSION_MISMATCH with a
 * message naming the field and both versions. Must be fast and free of side
 * effects beyond one-time static setup; may be called more than once.
 * OWNERSHIP: `*module` stays the module's. THREADING: thread-safe. */
typedef flyteplug_status_code (*flyteplug_entry_v1_fn)(
    flyteplug_negotiation* negotiation, const flyteplug_module** module,
    flyteplug_error* error);

/* ------------------------------------------------------------------------ */
/* Layout checks: these sizes and offsets are the ABI (LP64 shown).          */
/* ------------------------------------------------------------------------ */

#if defined(__cplusplus)
#define FLYTEPLUG_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define FLYTEPLUG_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_status_code) == 4, "int32 status");
FLYTEPLUG_STATIC_ASSERT(offsetof(flyteplug_error, struct_size) == 0,
                        "struct_size first");
FLYTEPLUG_STATIC_ASSERT(offsetof(flyteplug_host_api, struct_size) == 0,
                        "struct_size first");
FLYTEPLUG_STATIC_ASSERT(offsetof(flyteplug_module, struct_size) == 0,
                        "struct_size first");
FLYTEPLUG_STATIC_ASSERT(offsetof(flyteplug_negotiation, module_abi_minor) == 16,
                        "negotiation layout");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_negotiation) == 20,
                        "negotiation size");
#if UINTPTR_MAX == 0xffffffffffffffffu
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_bytes) == 16, "bytes size");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_buffer) == 32, "buffer size");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_error) == 24, "error size");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_host_api) == 64, "host api size");
FLYTEPLUG_STATIC_ASSERT(FLYTEPLUG_HOST_API_SIZE_1_0 == 48, "host api 1.0");
FLYTEPLUG_STATIC_ASSERT(FLYTEPLUG_HOST_API_SIZE_1_1 == 64, "host api 1.1");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_task_type) == 16, "task type size");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_init_args) == 32, "init args size");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_k8s_vtable) == 32, "k8s size");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_webapi_vtable) == 48, "webapi size");
FLYTEPLUG_STATIC_ASSERT(offsetof(flyteplug_module, init) == 72,
                        "module layout");
FLYTEPLUG_STATIC_ASSERT(sizeof(flyteplug_module) == 104, "module size");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FLYTEPLUG_PLUGIN_H_ */
