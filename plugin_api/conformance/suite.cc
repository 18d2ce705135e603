// RunSuite: every check on every module, each in its own sandbox.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checks.h"
#include "conformance.h"
#include "report.h"
#include "sandbox.h"

namespace flyteplug::conformance {

const std::vector<CheckDef>& AllChecks() {
  static const std::vector<CheckDef>* checks = new std::vector<CheckDef>{
      {"exports-only-entry", &CheckExportsOnlyEntry},
      {"loads-rtld-now-local", &CheckLoadsRtldNowLocal},
      {"negotiation-matrix", &CheckNegotiationMatrix},
      {"descriptor-sane", &CheckDescriptorSane},
      {"family-slots", &CheckFamilySlots},
      {"init-deinit-twice", &CheckInitDeinitTwice},
      {"hostile-inputs", &CheckHostileInputs},
      {"owned-outputs-released-once", &CheckOwnedOutputsReleasedOnce},
      {"concurrent-8-threads", &CheckConcurrent8Threads},
      {"host-api-respected", &CheckHostApiRespected},
  };
  return *checks;
}

std::vector<std::string> CheckNames() {
  std::vector<std::string> names;
  for (const CheckDef& check : AllChecks()) names.push_back(check.name);
  return names;
}

std::vector<CheckResult> RunSuite(const std::vector<std::string>& module_paths,
                                  const Options& options, std::ostream& out) {
  std::vector<CheckResult> results;
  bool known = options.only_check.empty();
  for (const CheckDef& check : AllChecks()) {
    if (options.only_check == check.name) known = true;
  }
  if (!known) {
    for (const std::string& path : module_paths) {
      results.push_back(
          CheckResult{path, options.only_check, false,
                      absl::StrCat("no such check; the checks are: ",
                                   absl::StrJoin(CheckNames(), ", "))});
      out << FormatResult(results.back()) << "\n";
    }
    out << FormatSummary(results) << std::endl;
    return results;
  }
  for (const std::string& path : module_paths) {
    for (const CheckDef& check : AllChecks()) {
      if (!options.only_check.empty() && options.only_check != check.name) {
        continue;
      }
      CheckFn run = check.run;
      SandboxOutcome outcome =
          RunSandboxed([run, &path]() { return run(path); },
                       options.timeout_seconds_per_check, options.in_process);
      results.push_back(CheckResult{path, check.name, outcome.passed,
                                    OneLine(outcome.detail)});
      out << FormatResult(results.back()) << std::endl;
    }
  }
  out << FormatSummary(results) << std::endl;
  return results;
}

}  // namespace flyteplug::conformance
