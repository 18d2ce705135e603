// Drives a module through its C ABI (plugin.h) the way a host does, with
// absl::StatusOr results: negotiate from the entry function, init with a
// host table and configuration JSON, call the family functions on bytes.
// Library flyteplug::sdk_testing; pairs with FakeHost (fake_host.h).
//
// Inputs and outputs are bytes: a serialized flyteplug.v1.TaskContext in,
// JSON or a serialized flyteplug.v1.PhaseInfo out, as plugin.h says.
// Failures come back as AbiStatus(code, message) of
// flyteplug/sdk/boundary/status.h; AbiCodeOf() gives the exact code.
#ifndef FLYTEPLUG_SDK_TESTING_MODULE_UNDER_TEST_H_
#define FLYTEPLUG_SDK_TESTING_MODULE_UNDER_TEST_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/testing/fake_host.h"

namespace flyteplug::sdk::testing {

// An initialised module instance; deinitialised on destruction.
// THREADING: calls may run concurrently (the ABI allows it); destruction
// runs alone. Move-only.
class InstanceUnderTest {
 public:
  InstanceUnderTest(InstanceUnderTest&& other) noexcept;
  InstanceUnderTest& operator=(InstanceUnderTest&& other) noexcept;
  InstanceUnderTest(const InstanceUnderTest&) = delete;
  InstanceUnderTest& operator=(const InstanceUnderTest&) = delete;
  ~InstanceUnderTest();

  // The raw handle, for calls made by hand. Owned by this object.
  flyteplug_instance* get() const { return instance_; }

  // Kubernetes-resource family. FailedPrecondition for a web-API module.
  absl::StatusOr<std::string> BuildResource(
      absl::string_view task_context) const;
  absl::StatusOr<std::string> BuildIdentityResource(
      absl::string_view task_context) const;
  absl::StatusOr<std::string> GetTaskPhase(
      absl::string_view task_context, absl::string_view resource_json) const;

  // Web-API family. FailedPrecondition for a Kubernetes-resource module.
  absl::StatusOr<std::string> Create(absl::string_view task_context) const;
  absl::StatusOr<std::string> Get(absl::string_view resource_meta) const;
  absl::Status Delete(absl::string_view resource_meta) const;
  absl::StatusOr<std::string> Status(absl::string_view task_context,
                                     absl::string_view resource) const;
  absl::StatusOr<std::string> RenderCreateRequest(
      absl::string_view task_context) const;

 private:
  friend class ModuleUnderTest;
  InstanceUnderTest(const flyteplug_module* module,
                    flyteplug_instance* instance)
      : module_(module), instance_(instance) {}

  // Calls `slot` of `vtable` (the family's; NULL: FailedPrecondition) with
  // the inputs as bytes and an output buffer; the output or the status.
  template <typename Vtable, typename Slot, typename... Inputs>
  absl::StatusOr<std::string> Produce(const Vtable* vtable, Slot Vtable::*slot,
                                      const char* call, Inputs... inputs) const;

  const flyteplug_module* module_;  // the module's static descriptor
  flyteplug_instance* instance_;    // owned
};

// A negotiated module. Copyable: it only points at the module's static
// descriptor.
class ModuleUnderTest {
 public:
  // dlopens `path` (RTLD_NOW | RTLD_LOCAL; never closed), resolves
  // flyteplug_module_entry_v1 and negotiates as FromEntry does.
  static absl::StatusOr<ModuleUnderTest> Open(const std::string& path);
  // Negotiates with `entry` (e.g. &flyteplug_module_entry_v1 of a module
  // linked into the test): major 1, minors [0, FLYTEPLUG_ABI_VERSION_MINOR].
  static absl::StatusOr<ModuleUnderTest> FromEntry(flyteplug_entry_v1_fn entry);

  const flyteplug_module& descriptor() const { return *module_; }
  uint32_t abi_minor() const { return abi_minor_; }

  // init with `host` (which must outlive the instance) and `config_json`
  // (the module's configuration sections, e.g. {"spark":{...}}).
  absl::StatusOr<InstanceUnderTest> Init(
      const flyteplug_host_api* host,
      absl::string_view config_json = "{}") const;
  absl::StatusOr<InstanceUnderTest> Init(
      const FakeHost& host, absl::string_view config_json = "{}") const {
    return Init(host.api(), config_json);
  }

 private:
  ModuleUnderTest(const flyteplug_module* module, uint32_t abi_minor)
      : module_(module), abi_minor_(abi_minor) {}

  const flyteplug_module* module_;
  uint32_t abi_minor_;
};

}  // namespace flyteplug::sdk::testing

#endif  // FLYTEPLUG_SDK_TESTING_MODULE_UNDER_TEST_H_
