#include "flyteplug/sdk/testing/module_under_test.h"

#include <dlfcn.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/dlerror.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/negotiation.h"
#include "flyteplug/sdk/boundary/status.h"

namespace flyteplug::sdk::testing {
namespace {

using boundary::AbiStatus;
using boundary::BytesOf;
using boundary::ErrorCapture;

// The outcome of one call that produces a buffer: the bytes on OK, else the
// module's status. A buffer left behind on an error is released.
absl::StatusOr<std::string> Finish(const char* call, flyteplug_status_code code,
                                   const ErrorCapture& capture,
                                   flyteplug_buffer* out) {
  if (code != FLYTEPLUG_OK) {
    boundary::ReleaseBuffer(out);
    return capture.StatusFor(code, absl::StrCat(call, " failed with code ",
                                                code, " and no message"));
  }
  if (out->release == nullptr) {
    return AbiStatus(
        FLYTEPLUG_ABI_CONTRACT_VIOLATION,
        absl::StrCat(call, " returned OK without an owned buffer"));
  }
  return boundary::TakeBuffer(out);
}

const char* FamilyOf(const flyteplug_k8s_vtable*) { return "k8s-resource"; }
const char* FamilyOf(const flyteplug_webapi_vtable*) { return "web-api"; }

absl::Status WrongFamily(const flyteplug_module& module, const char* call,
                         const char* family) {
  return absl::FailedPreconditionError(
      absl::StrCat(call, ": module '", module.id == nullptr ? "" : module.id,
                   "' is not of the ", family, " family"));
}

}  // namespace

template <typename Vtable, typename Slot, typename... Inputs>
absl::StatusOr<std::string> InstanceUnderTest::Produce(const Vtable* vtable,
                                                       Slot Vtable::*slot,
                                                       const char* call,
                                                       Inputs... inputs) const {
  if (vtable == nullptr) return WrongFamily(*module_, call, FamilyOf(vtable));
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code =
      (vtable->*slot)(instance_, BytesOf(inputs)..., &out, capture.sink());
  return Finish(call, code, capture, &out);
}

absl::StatusOr<ModuleUnderTest> ModuleUnderTest::Open(const std::string& path) {
  ::dlerror();
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("dlopen ", path, ": ", boundary::TakeDlerror()));
  }
  ::dlerror();
  void* entry = ::dlsym(handle, FLYTEPLUG_ENTRY_SYMBOL_V1);
  if (entry == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, " does not export ",
                                            FLYTEPLUG_ENTRY_SYMBOL_V1, ": ",
                                            boundary::TakeDlerror()));
  }
  return FromEntry(reinterpret_cast<flyteplug_entry_v1_fn>(entry));
}

absl::StatusOr<ModuleUnderTest> ModuleUnderTest::FromEntry(
    flyteplug_entry_v1_fn entry) {
  if (entry == nullptr) {
    return absl::InvalidArgumentError("the entry function is NULL");
  }
  flyteplug_negotiation negotiation = boundary::HostOffer();
  const flyteplug_module* module = nullptr;
  ErrorCapture capture;
  flyteplug_status_code code = entry(&negotiation, &module, capture.sink());
  if (code != FLYTEPLUG_OK) {
    return capture.StatusFor(code, "negotiation refused without a message");
  }
  if (module == nullptr) {
    return AbiStatus(FLYTEPLUG_ABI_CONTRACT_VIOLATION,
                     "the entry function returned OK but no descriptor");
  }
  if (negotiation.module_abi_minor > FLYTEPLUG_ABI_VERSION_MINOR) {
    return AbiStatus(
        FLYTEPLUG_ABI_VERSION_MISMATCH,
        absl::StrCat("negotiation.module_abi_minor is ",
                     negotiation.module_abi_minor, ", this host speaks 0..",
                     FLYTEPLUG_ABI_VERSION_MINOR));
  }
  return ModuleUnderTest(module, negotiation.module_abi_minor);
}

absl::StatusOr<InstanceUnderTest> ModuleUnderTest::Init(
    const flyteplug_host_api* host, absl::string_view config_json) const {
  if (module_->init == nullptr || module_->deinit == nullptr) {
    return AbiStatus(FLYTEPLUG_ABI_CONTRACT_VIOLATION,
                     "the descriptor has no init or no deinit");
  }
  flyteplug_init_args args{};
  args.struct_size = sizeof(args);
  args.host = host;
  args.config_json = BytesOf(config_json);
  flyteplug_instance* instance = nullptr;
  ErrorCapture capture;
  flyteplug_status_code code = module_->init(&args, &instance, capture.sink());
  if (code != FLYTEPLUG_OK) {
    return capture.StatusFor(code, "init failed without a message");
  }
  if (instance == nullptr) {
    return AbiStatus(FLYTEPLUG_ABI_CONTRACT_VIOLATION,
                     "init returned OK with a NULL instance");
  }
  return InstanceUnderTest(module_, instance);
}

InstanceUnderTest::InstanceUnderTest(InstanceUnderTest&& other) noexcept
    : module_(other.module_),
      instance_(std::exchange(other.instance_, nullptr)) {}

InstanceUnderTest& InstanceUnderTest::operator=(
    InstanceUnderTest&& other) noexcept {
  if (this != &other) {
    if (instance_ != nullptr) module_->deinit(instance_);
    module_ = other.module_;
    instance_ = std::exchange(other.instance_, nullptr);
  }
  return *this;
}

InstanceUnderTest::~InstanceUnderTest() {
  if (instance_ != nullptr) module_->deinit(instance_);
}

absl::StatusOr<std::string> InstanceUnderTest::BuildResource(
    absl::string_view task_context) const {
  return Produce(module_->k8s, &flyteplug_k8s_vtable::build_resource,
                 "build_resource", task_context);
}

absl::StatusOr<std::string> InstanceUnderTest::BuildIdentityResource(
    absl::string_view task_context) const {
  return Produce(module_->k8s, &flyteplug_k8s_vtable::build_identity_resource,
                 "build_identity_resource", task_context);
}

absl::StatusOr<std::string> InstanceUnderTest::GetTaskPhase(
    absl::string_view task_context, absl::string_view resource_json) const {
  return Produce(module_->k8s, &flyteplug_k8s_vtable::get_task_phase,
                 "get_task_phase", task_context, resource_json);
}

absl::StatusOr<std::string> InstanceUnderTest::Create(
    absl::string_view task_context) const {
  return Produce(module_->webapi, &flyteplug_webapi_vtable::create, "create",
                 task_context);
}

absl::StatusOr<std::string> InstanceUnderTest::Get(
    absl::string_view resource_meta) const {
  return Produce(module_->webapi, &flyteplug_webapi_vtable::get, "get",
                 resource_meta);
}

absl::Status InstanceUnderTest::Delete(absl::string_view resource_meta) const {
  if (module_->webapi == nullptr) {
    return WrongFamily(*module_, "delete_resource", FamilyOf(module_->webapi));
  }
  ErrorCapture capture;
  flyteplug_status_code code = module_->webapi->delete_resource(
      instance_, BytesOf(resource_meta), capture.sink());
  return capture.StatusFor(
      code, absl::StrCat("delete_resource failed with code ", code,
                         " and no message"));
}

absl::StatusOr<std::string> InstanceUnderTest::Status(
    absl::string_view task_context, absl::string_view resource) const {
  return Produce(module_->webapi, &flyteplug_webapi_vtable::status, "status",
                 task_context, resource);
}

absl::StatusOr<std::string> InstanceUnderTest::RenderCreateRequest(
    absl::string_view task_context) const {
  return Produce(module_->webapi,
                 &flyteplug_webapi_vtable::render_create_request,
                 "render_create_request", task_context);
}

}  // namespace flyteplug::sdk::testing
