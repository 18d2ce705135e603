// The ABI is these numbers: sizes and offsets of every struct (LP64), the
// status codes (equal to absl::StatusCode's canonical values) and the other
// enumerations. A change here breaks every compiled module and host.
#include <cstddef>
#include <cstring>

#include "absl/status/status.h"
#include "flyteplug/loader.h"
#include "flyteplug/plugin.h"
#include "gtest/gtest.h"

namespace {

#define EXPECT_FIELD(type, field, offset) \
  EXPECT_EQ(offsetof(type, field), size_t{offset}) << #type "." #field

static_assert(sizeof(void*) == 8, "these expectations are for LP64");

TEST(AbiLayout, BytesAndBuffers) {
  EXPECT_EQ(sizeof(flyteplug_bytes), 16u);
  EXPECT_FIELD(flyteplug_bytes, data, 0);
  EXPECT_FIELD(flyteplug_bytes, size, 8);
  EXPECT_EQ(sizeof(flyteplug_buffer), 32u);
  EXPECT_FIELD(flyteplug_buffer, data, 0);
  EXPECT_FIELD(flyteplug_buffer, size, 8);
  EXPECT_FIELD(flyteplug_buffer, release, 16);
  EXPECT_FIELD(flyteplug_buffer, private_data, 24);
}

TEST(AbiLayout, ErrorAndHostApi) {
  EXPECT_EQ(sizeof(flyteplug_error), 24u);
  EXPECT_FIELD(flyteplug_error, struct_size, 0);
  EXPECT_FIELD(flyteplug_error, caller_data, 8);
  EXPECT_FIELD(flyteplug_error, set, 16);
  // ABI 1.1 appended the call-control slots to the 48 bytes of 1.0.
  EXPECT_EQ(sizeof(flyteplug_host_api), 64u);
  EXPECT_EQ(FLYTEPLUG_HOST_API_SIZE_1_0, 48u);
  EXPECT_EQ(FLYTEPLUG_HOST_API_SIZE_1_1, 64u);
  EXPECT_FIELD(flyteplug_host_api, call_deadline_unix_nanos, 48);
  EXPECT_FIELD(flyteplug_host_api, call_cancelled, 56);
  EXPECT_FIELD(flyteplug_host_api, struct_size, 0);
  EXPECT_FIELD(flyteplug_host_api, host_data, 8);
  EXPECT_FIELD(flyteplug_host_api, log_enabled, 16);
  EXPECT_FIELD(flyteplug_host_api, log, 24);
  EXPECT_FIELD(flyteplug_host_api, get_secret, 32);
  EXPECT_FIELD(flyteplug_host_api, now_unix_nanos, 40);
}

TEST(AbiLayout, Vtables) {
  EXPECT_EQ(sizeof(flyteplug_k8s_vtable), 32u);
  EXPECT_FIELD(flyteplug_k8s_vtable, struct_size, 0);
  EXPECT_FIELD(flyteplug_k8s_vtable, build_resource, 8);
  EXPECT_FIELD(flyteplug_k8s_vtable, build_identity_resource, 16);
  EXPECT_FIELD(flyteplug_k8s_vtable, get_task_phase, 24);
  EXPECT_EQ(sizeof(flyteplug_webapi_vtable), 48u);
  EXPECT_FIELD(flyteplug_webapi_vtable, struct_size, 0);
  EXPECT_FIELD(flyteplug_webapi_vtable, create, 8);
  EXPECT_FIELD(flyteplug_webapi_vtable, get, 16);
  EXPECT_FIELD(flyteplug_webapi_vtable, delete_resource, 24);
  EXPECT_FIELD(flyteplug_webapi_vtable, status, 32);
  EXPECT_FIELD(flyteplug_webapi_vtable, render_create_request, 40);
}

TEST(AbiLayout, ModuleDescriptorAndNegotiation) {
  EXPECT_EQ(sizeof(flyteplug_task_type), 16u);
  EXPECT_FIELD(flyteplug_task_type, name, 0);
  EXPECT_FIELD(flyteplug_task_type, flags, 8);
  EXPECT_EQ(sizeof(flyteplug_init_args), 32u);
  EXPECT_FIELD(flyteplug_init_args, struct_size, 0);
  EXPECT_FIELD(flyteplug_init_args, host, 8);
  EXPECT_FIELD(flyteplug_init_args, config_json, 16);
  EXPECT_EQ(sizeof(flyteplug_module), 104u);
  EXPECT_FIELD(flyteplug_module, struct_size, 0);
  EXPECT_FIELD(flyteplug_module, abi_major, 4);
  EXPECT_FIELD(flyteplug_module, abi_minor, 8);
  EXPECT_FIELD(flyteplug_module, family, 12);
  EXPECT_FIELD(flyteplug_module, flags, 16);
  EXPECT_FIELD(flyteplug_module, task_type_count, 20);
  EXPECT_FIELD(flyteplug_module, config_section_count, 24);
  EXPECT_FIELD(flyteplug_module, reserved0, 28);
  EXPECT_FIELD(flyteplug_module, id, 32);
  EXPECT_FIELD(flyteplug_module, version, 40);
  EXPECT_FIELD(flyteplug_module, description, 48);
  EXPECT_FIELD(flyteplug_module, task_types, 56);
  EXPECT_FIELD(flyteplug_module, config_sections, 64);
  EXPECT_FIELD(flyteplug_module, init, 72);
  EXPECT_FIELD(flyteplug_module, deinit, 80);
  EXPECT_FIELD(flyteplug_module, k8s, 88);
  EXPECT_FIELD(flyteplug_module, webapi, 96);
  EXPECT_EQ(sizeof(flyteplug_negotiation), 20u);
  EXPECT_FIELD(flyteplug_negotiation, struct_size, 0);
  EXPECT_FIELD(flyteplug_negotiation, host_abi_major, 4);
  EXPECT_FIELD(flyteplug_negotiation, host_abi_min_minor, 8);
  EXPECT_FIELD(flyteplug_negotiation, host_abi_max_minor, 12);
  EXPECT_FIELD(flyteplug_negotiation, module_abi_minor, 16);
}

TEST(AbiLayout, LoaderStructs) {
  EXPECT_EQ(sizeof(flyteplug_status), 16u);
  EXPECT_FIELD(flyteplug_status, struct_size, 0);
  EXPECT_FIELD(flyteplug_status, code, 4);
  EXPECT_FIELD(flyteplug_status, message, 8);
  EXPECT_EQ(sizeof(flyteplug_loader_options), 48u);
  EXPECT_FIELD(flyteplug_loader_options, struct_size, 0);
  EXPECT_FIELD(flyteplug_loader_options, flags, 4);
  EXPECT_FIELD(flyteplug_loader_options, module_paths, 8);
  EXPECT_FIELD(flyteplug_loader_options, module_path_count, 16);
  EXPECT_FIELD(flyteplug_loader_options, reserved0, 20);
  EXPECT_FIELD(flyteplug_loader_options, config_json, 24);
  EXPECT_FIELD(flyteplug_loader_options, host, 40);
  EXPECT_EQ(sizeof(flyteplug_module_info), 64u);
  EXPECT_FIELD(flyteplug_module_info, struct_size, 0);
  EXPECT_FIELD(flyteplug_module_info, abi_major, 4);
  EXPECT_FIELD(flyteplug_module_info, abi_minor, 8);
  EXPECT_FIELD(flyteplug_module_info, family, 12);
  EXPECT_FIELD(flyteplug_module_info, id, 16);
  EXPECT_FIELD(flyteplug_module_info, version, 24);
  EXPECT_FIELD(flyteplug_module_info, description, 32);
  EXPECT_FIELD(flyteplug_module_info, path, 40);
  EXPECT_FIELD(flyteplug_module_info, task_types, 48);
  EXPECT_FIELD(flyteplug_module_info, claimed_task_types, 56);
}

TEST(AbiNumbers, StatusCodesAreAbslCanonicalCodes) {
  EXPECT_EQ(sizeof(flyteplug_status_code), 4u);
  EXPECT_EQ(FLYTEPLUG_OK, static_cast<int>(absl::StatusCode::kOk));
  EXPECT_EQ(FLYTEPLUG_CANCELLED,
            static_cast<int>(absl::StatusCode::kCancelled));
  EXPECT_EQ(FLYTEPLUG_UNKNOWN, static_cast<int>(absl::StatusCode::kUnknown));
  EXPECT_EQ(FLYTEPLUG_INVALID_ARGUMENT,
            static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FLYTEPLUG_DEADLINE_EXCEEDED,
            static_cast<int>(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(FLYTEPLUG_NOT_FOUND, static_cast<int>(absl::StatusCode::kNotFound));
  EXPECT_EQ(FLYTEPLUG_ALREADY_EXISTS,
            static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(FLYTEPLUG_PERMISSION_DENIED,
            static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(FLYTEPLUG_RESOURCE_EXHAUSTED,
            static_cast<int>(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(FLYTEPLUG_FAILED_PRECONDITION,
            static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(FLYTEPLUG_ABORTED, static_cast<int>(absl::StatusCode::kAborted));
  EXPECT_EQ(FLYTEPLUG_OUT_OF_RANGE,
            static_cast<int>(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(FLYTEPLUG_UNIMPLEMENTED,
            static_cast<int>(absl::StatusCode::kUnimplemented));
  EXPECT_EQ(FLYTEPLUG_INTERNAL, static_cast<int>(absl::StatusCode::kInternal));
  EXPECT_EQ(FLYTEPLUG_UNAVAILABLE,
            static_cast<int>(absl::StatusCode::kUnavailable));
  EXPECT_EQ(FLYTEPLUG_DATA_LOSS, static_cast<int>(absl::StatusCode::kDataLoss));
  EXPECT_EQ(FLYTEPLUG_UNAUTHENTICATED,
            static_cast<int>(absl::StatusCode::kUnauthenticated));
  // ABI-specific codes live apart from absl's range.
  EXPECT_EQ(FLYTEPLUG_ABI_VERSION_MISMATCH, 1000);
  EXPECT_EQ(FLYTEPLUG_ABI_STRUCT_TOO_NEW, 1001);
  EXPECT_EQ(FLYTEPLUG_ABI_CONTRACT_VIOLATION, 1002);
}

TEST(AbiNumbers, EnumerationsAndVersion) {
  EXPECT_EQ(FLYTEPLUG_ABI_VERSION_MAJOR, 1);
  EXPECT_EQ(FLYTEPLUG_ABI_VERSION_MINOR, 1);
  EXPECT_STREQ(FLYTEPLUG_ENTRY_SYMBOL_V1, "flyteplug_module_entry_v1");
  EXPECT_EQ(FLYTEPLUG_FAMILY_K8S_RESOURCE, 1);
  EXPECT_EQ(FLYTEPLUG_FAMILY_WEB_API, 2);
  EXPECT_EQ(FLYTEPLUG_LOG_DEBUG, 0);
  EXPECT_EQ(FLYTEPLUG_LOG_INFO, 1);
  EXPECT_EQ(FLYTEPLUG_LOG_WARNING, 2);
  EXPECT_EQ(FLYTEPLUG_LOG_ERROR, 3);
  EXPECT_EQ(FLYTEPLUG_TASK_TYPE_OPT_IN, 1u);
  EXPECT_EQ(FLYTEPLUG_MODULE_UNLOADABLE, 1u);
  EXPECT_EQ(FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS, 1u);
}

}  // namespace
