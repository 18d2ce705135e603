// flyteplug conformance MODULE.so...: runs the ABI conformance suite
// (plugin_api/conformance) on module files. Built without the suite when its
// target is absent (FLYTEPLUG_HAVE_CONFORMANCE undefined).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "commands.h"

#ifdef FLYTEPLUG_HAVE_CONFORMANCE
#include "conformance/conformance.h"
#endif

namespace flyteplug::cli {

int RunConformanceCommand(const ConformanceCommandOptions& options) {
  if (options.modules.empty()) {
    return Fail(kExitUsage, "conformance: give at least one MODULE.so");
  }
#ifdef FLYTEPLUG_HAVE_CONFORMANCE
  flyteplug::conformance::Options suite_options;
  suite_options.timeout_seconds_per_check = options.timeout_seconds_per_check;
  suite_options.in_process = options.in_process;
  suite_options.only_check = options.only_check;
  if (!options.only_check.empty()) {
    bool known = false;
    for (const std::string& name : flyteplug::conformance::CheckNames()) {
      known = known || name == options.only_check;
    }
    if (!known) {
      return Fail(kExitUsage,
                  absl::StrCat("conformance: --check '", options.only_check,
                               "' is not a check name"));
    }
  }
  std::vector<flyteplug::conformance::CheckResult> results =
      flyteplug::conformance::RunSuite(options.modules, suite_options,
                                       std::cout);
  std::cout.flush();
  for (const auto& result : results) {
    if (!result.passed) return kExitTaskFailed;
  }
  return results.empty() ? kExitTaskFailed : kExitOk;
#else
  return Fail(kExitLoad,
              "conformance: this build has no conformance suite "
              "(target flyteplug_conformance was absent)");
#endif
}

}  // namespace flyteplug::cli
