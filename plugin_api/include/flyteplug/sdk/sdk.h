// flyteplug C++ SDK for module authors.
//
// A module author implements one of the two plugin classes below, describes
// the module in a ModuleDefinition and exports it with
// FLYTEPLUG_DEFINE_MODULE. The SDK owns the C boundary: it negotiates the ABI
// version, parses and serializes the protobuf messages, maps absl::Status to
// flyteplug_status_code and back, and catches every exception at the
// boundary (turned into FLYTEPLUG_INTERNAL). Translation logic stays plain
// C++ that tests call directly.
//
// Messages: the module-side lite copies (flyteplug/sdk/messages.h, target
// flyteplug::abi_proto, linked by this library): private to the module and
// wire-identical to the public schema. Never link flyteplug::proto (the
// host's full-runtime code) into a module.
#ifndef FLYTEPLUG_SDK_SDK_H_
#define FLYTEPLUG_SDK_SDK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/plugin.h"

namespace flyteplug::sdk {

// absl::Status <-> ABI status code, by the one rule of
// flyteplug/sdk/boundary/status.h: codes 0-16 map one to one; on the way in
// ABI_VERSION_MISMATCH and ABI_STRUCT_TOO_NEW become kFailedPrecondition and
// every other code kInternal. A plugin may return
// flyteplug::sdk::boundary::AbiStatus(code, message) to report an
// ABI-specific code exactly.
flyteplug_status_code ToAbiCode(absl::StatusCode code);
absl::StatusCode FromAbiCode(flyteplug_status_code code);

// The host API as a C++ object. Wraps the table given to `init`; valid for
// the life of the plugin instance. Thread-safe.
class Host {
 public:
  explicit Host(const flyteplug_host_api* api);

  bool LogEnabled(flyteplug_log_level level) const;
  void Log(flyteplug_log_level level, absl::string_view message) const;
  // Returns the secret, NotFound if the host has none under `key`.
  absl::StatusOr<std::string> GetSecret(absl::string_view key) const;
  int64_t NowUnixNanos() const;
  // ABI 1.1 call control, for the call running on the calling thread
  // (plugin.h): the caller's deadline (nanoseconds since the Unix epoch,
  // 0 = none) and whether the caller has gone. A host without these slots
  // (ABI 1.0) answers 0 / false.
  int64_t CallDeadlineUnixNanos() const;
  bool CallCancelled() const;

 private:
  const flyteplug_host_api* api_;  // not owned; may be null (no-op host)
};

// What every plugin instance receives at construction.
struct InitContext {
  const Host* host;          // outlives the instance
  absl::string_view config;  // JSON object of the module's config sections
};

// Kubernetes-resource family (docs/design.md, "Data flow").
// Instances are called concurrently from many threads.
class K8sResourcePlugin {
 public:
  virtual ~K8sResourcePlugin() = default;
  // The manifest JSON of the object to create.
  virtual absl::StatusOr<std::string> BuildResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const = 0;
  // An empty object of the watched kind: apiVersion and kind only.
  virtual absl::StatusOr<std::string> BuildIdentityResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const = 0;
  // Maps an observed object (JSON) to a phase.
  virtual absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> GetTaskPhase(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource_json) const = 0;
};

// Web-API family (docs/design.md, "Data flow").
// Instances are called concurrently from many threads.
class WebApiPlugin {
 public:
  virtual ~WebApiPlugin() = default;
  // Starts the remote job; returns resource meta (no secrets inside).
  virtual absl::StatusOr<std::string> Create(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const = 0;
  // Fetches the remote state for resource meta.
  virtual absl::StatusOr<std::string> Get(
      absl::string_view resource_meta) const = 0;
  // Cancels the remote job.
  virtual absl::Status Delete(absl::string_view resource_meta) const = 0;
  // Maps a fetched state to a phase. No I/O.
  virtual absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> Status(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource) const = 0;
  // {"method","url","headers","body"} JSON of the create request, secrets
  // redacted. No I/O.
  virtual absl::StatusOr<std::string> RenderCreateRequest(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const = 0;
};

struct TaskTypeClaim {
  std::string name;
  bool opt_in = false;  // FLYTEPLUG_TASK_TYPE_OPT_IN
};

// Static description of a module. Exactly one factory must be set, matching
// the family.
struct ModuleDefinition {
  std::string id;
  std::string version;
  std::string description;
  std::vector<TaskTypeClaim> task_types;
  std::vector<std::string> config_sections;
  bool unloadable = false;
  std::function<absl::StatusOr<std::unique_ptr<K8sResourcePlugin>>(
      const InitContext&)>
      make_k8s;
  std::function<absl::StatusOr<std::unique_ptr<WebApiPlugin>>(
      const InitContext&)>
      make_webapi;
};

namespace internal {
// Implements the body of the exported entry function for `definition`,
// which must have static storage duration.
flyteplug_status_code Entry(const ModuleDefinition& (*definition)(),
                            flyteplug_negotiation* negotiation,
                            const flyteplug_module** module,
                            flyteplug_error* error);
}  // namespace internal

}  // namespace flyteplug::sdk

// Exports the module's entry symbol. `definition_fn` is a function returning
// `const flyteplug::sdk::ModuleDefinition&` to a function-local static. Use
// once per module, at namespace scope.
#define FLYTEPLUG_DEFINE_MODULE(definition_fn)                                 \
  extern "C" FLYTEPLUG_EXPORT flyteplug_status_code flyteplug_module_entry_v1( \
      flyteplug_negotiation* negotiation, const flyteplug_module** module,     \
      flyteplug_error* error) {                                                \
    return ::flyteplug::sdk::internal::Entry(&definition_fn, negotiation,      \
                                             module, error);                   \
  }

#endif  // FLYTEPLUG_SDK_SDK_H_
