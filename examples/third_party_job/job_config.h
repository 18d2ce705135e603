// Configuration of the k8s-job module: the `plugins.k8s-job` section of the
// host's configuration document.
//
//   plugins:
//     k8s-job:
//       default-service-account: "batch-runner"  # when the task names none
//       ttl-seconds-after-finished: 3600         #
//       Job.spec.ttlSecondsAfterFinished
#ifndef FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_CONFIG_H_
#define FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace k8s_job {

// The configuration section name, as listed in the module descriptor.
inline constexpr char kConfigSection[] = "k8s-job";

struct JobConfig {
  std::string default_service_account;
  std::optional<int64_t> ttl_seconds_after_finished;
};

// Parses the JSON object the host passes to `init` ({"k8s-job": {...}}; the
// section may be absent, then every default applies) with the SDK's
// configuration rules (flyteplug/sdk/config_reader.h): keys match
// case-insensitively, null keeps the default. Returns InvalidArgument naming
// the key for a value of the wrong type or a duplicate key; appends one
// warning per unknown key to *warnings (may be nullptr). Pure function;
// thread-safe.
absl::StatusOr<JobConfig> ParseJobConfig(absl::string_view config_json,
                                         std::vector<std::string>* warnings);

}  // namespace k8s_job

#endif  // FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_CONFIG_H_
