// hostile-inputs and owned-outputs-released-once: single calls of every slot
// and the ABI rules each call must follow.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checks.h"
#include "flyteplug/plugin.h"
#include "inputs.h"
#include "module_harness.h"
#include "test_host.h"

namespace flyteplug::conformance {
namespace {

constexpr size_t kListed = 3;

// The module's first task type, for building a valid context.
absl::StatusOr<std::string> FirstTaskType(const flyteplug_module* module) {
  if (module->task_type_count == 0 || module->task_types == nullptr ||
      module->task_types[0].name == nullptr) {
    return absl::FailedPreconditionError("the descriptor has no task type");
  }
  return std::string(module->task_types[0].name);
}

absl::Status Summarize(const std::vector<std::string>& problems, size_t total,
                       absl::string_view what) {
  if (problems.empty()) return absl::OkStatus();
  std::vector<std::string> listed(
      problems.begin(), problems.begin() + std::min(problems.size(), kListed));
  return absl::FailedPreconditionError(
      absl::StrCat(problems.size(), " of ", total, " ", what,
                   " broke the ABI: ", absl::StrJoin(listed, "; ")));
}

}  // namespace

absl::StatusOr<std::string> CheckHostileInputs(const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module* module = *loaded;
  auto task_type = FirstTaskType(module);
  if (!task_type.ok()) return task_type.status();
  auto context = MinimalTaskContext(*task_type);
  if (!context.ok()) return context.status();
  TestHost host;
  auto instance = Instance::Create(module, host, "{}");
  if (!instance.ok()) return instance.status();

  const std::vector<HostileInput> contexts = HostileTaskContexts(*context);
  const std::vector<HostileInput> resources = HostileResources();
  std::vector<SlotCall> calls =
      HostileCalls(module, instance->get(), *context, contexts, resources);
  std::vector<std::string> problems;
  int accepted = 0;
  for (const SlotCall& call : calls) {
    CallRecord record = Invoke(call);
    absl::Status status = CheckCallContract(call, record);
    if (status.ok() && record.code == FLYTEPLUG_OK && call.must_fail) {
      status = absl::FailedPreconditionError(
          absl::StrCat(call.label, " returned OK; it must be refused"));
    }
    if (status.ok()) status = CheckOutputWellFormed(call, record);
    if (!status.ok()) problems.emplace_back(status.message());
    if (record.code == FLYTEPLUG_OK) ++accepted;
  }
  if (auto s = Summarize(problems, calls.size(), "hostile calls"); !s.ok()) {
    return s;
  }
  return absl::StrCat(calls.size(), " hostile calls, ", accepted,
                      " accepted, the rest refused with a message");
}

absl::StatusOr<std::string> CheckOwnedOutputsReleasedOnce(
    const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module* module = *loaded;
  auto task_type = FirstTaskType(module);
  if (!task_type.ok()) return task_type.status();
  auto context = MinimalTaskContext(*task_type);
  if (!context.ok()) return context.status();
  TestHost host;
  auto instance = Instance::Create(module, host, "{}");
  if (!instance.ok()) return instance.status();
  const std::string resource =
      ObservedResourceJson(module, instance->get(), *context);

  std::vector<SlotCall> calls =
      ValidNoIoCalls(module, instance->get(), *context, resource);
  std::vector<std::string> problems;
  std::vector<std::string> refused;
  int released = 0;
  for (const SlotCall& call : calls) {
    CallRecord record = Invoke(call);
    absl::Status status = CheckCallContract(call, record);
    if (status.ok()) status = CheckOutputWellFormed(call, record);
    if (status.ok() && record.code != FLYTEPLUG_OK &&
        call.label.rfind("build_identity_resource", 0) == 0) {
      status = absl::FailedPreconditionError(absl::StrCat(
          call.label, " returned ", CodeName(record.code), " (", record.message,
          "); an identity resource needs no input and must be built"));
    }
    if (!status.ok()) problems.emplace_back(status.message());
    if (record.code == FLYTEPLUG_OK) {
      ++released;
    } else {
      refused.push_back(absl::StrCat(call.label, ": ", CodeName(record.code)));
    }
  }
  if (auto s = Summarize(problems, calls.size(), "calls"); !s.ok()) return s;
  std::string note =
      absl::StrCat(released, " of ", calls.size(), " outputs released once");
  if (!refused.empty()) {
    absl::StrAppend(&note,
                    " (refused with the minimal context and {} "
                    "configuration: ",
                    absl::StrJoin(refused, ", "), ")");
  }
  return note;
}

}  // namespace flyteplug::conformance
