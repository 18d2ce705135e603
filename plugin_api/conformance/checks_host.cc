// host-api-respected: a full instance lifecycle watched through the test
// host. The sandbox adds the process-wide rules (no stdout/stderr output, no
// signal handlers, no exit) to this and every other check.
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

absl::StatusOr<std::string> CheckHostApiRespected(const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module* module = *loaded;
  if (module->task_type_count == 0 || module->task_types == nullptr ||
      module->task_types[0].name == nullptr) {
    return absl::FailedPreconditionError("the descriptor has no task type");
  }
  auto context = MinimalTaskContext(module->task_types[0].name);
  if (!context.ok()) return context.status();
  const std::string empty;

  TestHost host;
  std::vector<std::string> problems;
  {
    auto instance = Instance::Create(module, host, "{}");
    if (!instance.ok()) return instance.status();
    const std::string resource =
        ObservedResourceJson(module, instance->get(), *context);
    std::vector<SlotCall> calls =
        ValidNoIoCalls(module, instance->get(), *context, resource);
    std::vector<SlotCall> refused =
        ValidNoIoCalls(module, instance->get(), empty, resource);
    for (SlotCall& call : refused) {
      call.label = absl::StrCat(call.label, " with an empty task context");
      calls.push_back(std::move(call));
    }
    for (const SlotCall& call : calls) {
      CallRecord record = Invoke(call);
      if (record.message.find(kTestSecretValue) != std::string::npos) {
        problems.push_back(absl::StrCat(
            call.label, " put a secret value in its error message"));
      }
      if (record.output.find(kTestSecretValue) != std::string::npos) {
        problems.push_back(
            absl::StrCat(call.label, " put a secret value in its output"));
      }
    }
  }  // deinit
  host.SetClosed(true);

  if (host.LogsContain(kTestSecretValue)) {
    problems.push_back("a log message carried a secret value");
  }
  if (host.bad_log_levels() > 0) {
    problems.push_back(absl::StrCat(host.bad_log_levels(),
                                    " log calls used an unknown log level"));
  }
  if (host.bad_log_messages() > 0) {
    problems.push_back(absl::StrCat(host.bad_log_messages(),
                                    " log calls passed NULL with a size"));
  }
  if (host.secret_releases() != host.secret_lookups()) {
    problems.push_back(absl::StrCat(
        host.secret_lookups(), " secret buffers were handed out but ",
        host.secret_releases(), " released by deinit"));
  }
  if (!problems.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(problems, "; "));
  }
  return absl::StrCat(host.log_calls(), " log calls, ", host.secret_lookups(),
                      " secret lookups");
}

}  // namespace flyteplug::conformance
