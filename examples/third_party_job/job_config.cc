#include "job_config.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "flyteplug/sdk/struct_json.h"

namespace k8s_job {

absl::StatusOr<JobConfig> ParseJobConfig(absl::string_view config_json) {
  JobConfig config;
  if (config_json.empty()) return config;
  auto parsed = flyteplug::sdk::StructFromJson(config_json);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "configuration: not a JSON object: ", parsed.status().message()));
  }
  const flyteplug::abi::google::protobuf::Struct& root = *parsed;
  auto section_it = root.fields().find(kConfigSection);
  if (section_it == root.fields().end()) return config;
  const std::string where = absl::StrCat("plugins.", kConfigSection);
  if (section_it->second.kind_case() !=
      flyteplug::abi::google::protobuf::Value::kStructValue) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": expected an object"));
  }
  for (const auto& [key, value] : section_it->second.struct_value().fields()) {
    if (key == "default-service-account") {
      if (value.kind_case() !=
          flyteplug::abi::google::protobuf::Value::kStringValue) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ".", key, ": expected a string"));
      }
      config.default_service_account = value.string_value();
    } else if (key == "ttl-seconds-after-finished") {
      double number = value.number_value();
      if (value.kind_case() !=
              flyteplug::abi::google::protobuf::Value::kNumberValue ||
          number < 0 || number > 1e9 || std::floor(number) != number) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ".", key, ": expected a whole number of seconds >= 0"));
      }
      config.ttl_seconds_after_finished = static_cast<int64_t>(number);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".", key,
                       ": unknown key (known: default-service-account, "
                       "ttl-seconds-after-finished)"));
    }
  }
  return config;
}

}  // namespace k8s_job
