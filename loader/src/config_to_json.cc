#include "config_to_json.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "config_keys.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/input_limits.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "yaml_to_json.h"

namespace flyteplug::loader {
namespace {

bool LooksLikeJson(absl::string_view config) {
  for (char c : config) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

}  // namespace

absl::StatusOr<std::string> ConfigToJson(absl::string_view config,
                                         ConfigFormat format,
                                         absl::string_view source_name,
                                         std::vector<std::string>* warnings) {
  if (format == ConfigFormat::kAuto) {
    format = LooksLikeJson(config) ? ConfigFormat::kJson : ConfigFormat::kYaml;
  }
  const bool yaml = format == ConfigFormat::kYaml;
  std::string json;
  if (yaml) {
    absl::StatusOr<std::string> converted = YamlToJson(config, source_name);
    if (!converted.ok()) return converted.status();
    json = *std::move(converted);
  } else {
    json.assign(config.data(), config.size());
  }
  if (absl::Status s = sdk::json::CheckLimits(json); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": ", s.message()));
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, ": invalid JSON at offset ", doc.GetErrorOffset(), ": ",
        rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (absl::Status s = sdk::CheckNoDuplicateKeys(doc); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": ", s.message()));
  }
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, yaml ? ": the configuration must be a YAML mapping"
                          : ": the configuration must be a JSON object"));
  }
  if (warnings != nullptr) {
    for (std::string& message : MisspelledConfigKeys(doc)) {
      warnings->push_back(std::move(message));
    }
  }
  return json;
}

}  // namespace flyteplug::loader
