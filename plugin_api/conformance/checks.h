// The conformance checks. Each takes the module's path, does its work in the
// calling process (the suite runs it inside the sandbox) and returns a note
// on success or a status whose message says what the module did wrong.
#ifndef FLYTEPLUG_CONFORMANCE_CHECKS_H_
#define FLYTEPLUG_CONFORMANCE_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace flyteplug::conformance {

using CheckFn = absl::StatusOr<std::string> (*)(const std::string& path);

struct CheckDef {
  const char* name;
  CheckFn run;
};

// Every check, in run order.
const std::vector<CheckDef>& AllChecks();

// checks_binary.cc
absl::StatusOr<std::string> CheckExportsOnlyEntry(const std::string& path);
absl::StatusOr<std::string> CheckLoadsRtldNowLocal(const std::string& path);
// checks_negotiation.cc
absl::StatusOr<std::string> CheckNegotiationMatrix(const std::string& path);
// checks_descriptor.cc
absl::StatusOr<std::string> CheckDescriptorSane(const std::string& path);
absl::StatusOr<std::string> CheckFamilySlots(const std::string& path);
// checks_lifecycle.cc
absl::StatusOr<std::string> CheckInitDeinitTwice(const std::string& path);
// checks_calls.cc
absl::StatusOr<std::string> CheckHostileInputs(const std::string& path);
absl::StatusOr<std::string> CheckOwnedOutputsReleasedOnce(
    const std::string& path);
// checks_concurrency.cc
absl::StatusOr<std::string> CheckConcurrent8Threads(const std::string& path);
// checks_host.cc
absl::StatusOr<std::string> CheckHostApiRespected(const std::string& path);

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_CHECKS_H_
