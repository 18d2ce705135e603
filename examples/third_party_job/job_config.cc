#include "job_config.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace k8s_job {
namespace {

using ::flyteplug::sdk::ConfigReader;
using ::rapidjson::Value;

absl::Status ReadTtl(const Value& value, const std::string& path,
                     std::optional<int64_t>* out) {
  const double number = value.IsNumber() ? value.GetDouble() : -1;
  if (!value.IsNumber() || number < 0 || number > 1e9 ||
      std::floor(number) != number) {
    return flyteplug::sdk::json::TypeError(
        path, "a whole number of seconds >= 0", value);
  }
  *out = static_cast<int64_t>(number);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<JobConfig> ParseJobConfig(absl::string_view config_json,
                                         std::vector<std::string>* warnings) {
  JobConfig config;
  if (config_json.empty()) return config;
  if (absl::Status s = flyteplug::sdk::json::CheckLimits(config_json);
      !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: ", s.message()));
  }
  rapidjson::Document document;
  document.Parse<flyteplug::sdk::json::kParseFlags>(config_json.data(),
                                                    config_json.size());
  if (document.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "configuration: not valid JSON at offset ", document.GetErrorOffset(),
        ": ", rapidjson::GetParseError_En(document.GetParseError())));
  }
  const std::string where = absl::StrCat("plugins.", kConfigSection);
  ConfigReader section(where, warnings);
  section.String("default-service-account", &config.default_service_account)
      .On("ttl-seconds-after-finished",
          [&config](const Value& value, const std::string& path) {
            return ReadTtl(value, path, &config.ttl_seconds_after_finished);
          });
  ConfigReader root("plugins", warnings);
  root.On(kConfigSection, [&section](const Value& value, const std::string&) {
    return section.Read(&value);
  });
  if (absl::Status s = root.Read(&document); !s.ok()) return s;
  return config;
}

}  // namespace k8s_job
