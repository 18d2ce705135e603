#include "config.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "rapidjson/error/en.h"

namespace flyteplug::spark {
namespace {

using ::flyteplug::sdk::ConfigReader;
using ::flyteplug::sdk::json::TypeError;
using ::rapidjson::Value;

absl::Status ParseFeature(const Value& value, const std::string& path,
                          std::vector<std::string>* warnings,
                          FeatureConfig* feature) {
  ConfigReader reader(path, warnings);
  reader.String("name", &feature->name)
      .StringMap("spark-config", &feature->spark_config);
  return reader.Read(&value);
}

absl::Status ParseFeatures(const Value& value, const std::string& path,
                           std::vector<std::string>* warnings,
                           std::vector<FeatureConfig>* out) {
  if (!value.IsArray()) return TypeError(path, "an array", value);
  std::vector<FeatureConfig> features(value.Size());
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (!value[i].IsObject()) {
      return TypeError(item_path, "an object", value[i]);
    }
    if (absl::Status s =
            ParseFeature(value[i], item_path, warnings, &features[i]);
        !s.ok()) {
      return s;
    }
  }
  *out = std::move(features);
  return absl::OkStatus();
}

absl::Status ParseSpark(const Value& value, const std::string& path,
                        std::vector<std::string>* warnings,
                        SparkPluginConfig* config) {
  ConfigReader reader(path, warnings);
  reader.StringMap("spark-config-default", &config->spark_config_default)
      .String("spark-history-server-url", &config->spark_history_server_url)
      .On("features",
          [&](const Value& v, const std::string& p) {
            return ParseFeatures(v, p, warnings, &config->features);
          })
      .On("logs",
          [&](const Value& v, const std::string&) -> absl::Status {
            absl::StatusOr<SparkLogsConfig> logs =
                ParseSparkLogsConfig(&v, warnings);
            if (!logs.ok()) return logs.status();
            config->logs = *std::move(logs);
            return absl::OkStatus();
          })
      .String("spark-version", &config->spark_version)
      .Bool("validate-manifest", &config->validate_manifest)
      .Bool("user-spark-conf-wins", &config->user_spark_conf_wins)
      .Bool("sanitize-pod-name-prefix", &config->sanitize_pod_name_prefix)
      .Bool("enforce-platform-affinity", &config->enforce_platform_affinity)
      .Bool("dedupe-overlay-containers", &config->dedupe_overlay_containers)
      .Bool("overlay-primary-container-alias",
            &config->overlay_primary_container_alias)
      .Bool("propagate-container-resources",
            &config->propagate_container_resources)
      .Bool("enable-pod-template", &config->enable_pod_template);
  return reader.Read(&value);
}

}  // namespace

absl::StatusOr<ModuleConfig> ParseModuleConfig(
    absl::string_view config_json, std::vector<std::string>* warnings) {
  ModuleConfig config;
  if (absl::StripAsciiWhitespace(config_json).empty()) return config;
  // Every walker below is recursive: the depth is bounded before parsing,
  // and the parse itself is iterative.
  if (absl::Status s = sdk::json::CheckLimits(config_json); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("plugins: ", s.message()));
  }
  rapidjson::Document document;
  document.Parse<sdk::json::kParseFlags>(config_json.data(),
                                         config_json.size());
  if (document.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugins: configuration is not valid JSON at offset ",
                     document.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(document.GetParseError())));
  }
  // Sections other than these two are the loader's to report (it hands each
  // module only the sections it asked for).
  ConfigReader plugins("plugins", /*warnings=*/nullptr);
  plugins
      .On("spark",
          [&](const Value& v, const std::string& path) {
            return ParseSpark(v, path, warnings, &config.spark);
          })
      .On("k8s", [&](const Value& v, const std::string& path) {
        return flytek8s::ParseK8sPluginConfig(v, path, warnings, &config.k8s);
      });
  if (absl::Status s = plugins.Read(&document); !s.ok()) return s;
  return config;
}

}  // namespace flyteplug::spark
