#include "log_config.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/utf8.h"

namespace flyteplug::spark {
namespace {

using ::flyteplug::abi::flyteidl::core::TaskLog;
using ::flyteplug::sdk::ConfigReader;
using ::flyteplug::sdk::json::StringOf;
using ::flyteplug::sdk::json::TypeError;
using ::rapidjson::Value;

constexpr absl::string_view kLogsPath = "plugins.spark.logs";

absl::Status CheckUtf8(absl::string_view text, absl::string_view path) {
  if (sdk::IsValidUtf8(text)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": string is not valid UTF-8"));
}

// A string that must be valid UTF-8 (it reaches protobuf `string` fields).
ConfigReader::Handler Utf8String(std::string* out) {
  return [out](const Value& v, const std::string& path) -> absl::Status {
    if (absl::Status s = sdk::ReadString(v, path, out); !s.ok()) return s;
    return CheckUtf8(*out, path);
  };
}

ConfigReader::Handler Utf8StringList(std::vector<std::string>* out) {
  return [out](const Value& v, const std::string& path) -> absl::Status {
    std::vector<std::string> list;
    if (absl::Status s = sdk::ReadStringList(v, path, &list); !s.ok()) {
      return s;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (absl::Status s = CheckUtf8(list[i], absl::StrCat(path, "[", i, "]"));
          !s.ok()) {
        return s;
      }
    }
    *out = std::move(list);
    return absl::OkStatus();
  };
}

// An enum: its number (0..2) or its name (any case).
absl::Status ReadMessageFormat(const Value& v, absl::string_view path,
                               TaskLog::MessageFormat* out) {
  int64_t number = -1;
  if (v.IsInt64()) {
    number = v.GetInt64();
  } else if (v.IsString()) {
    const absl::string_view s = StringOf(v);
    if (absl::EqualsIgnoreCase(s, "UNKNOWN")) {
      number = TaskLog::UNKNOWN;
    } else if (absl::EqualsIgnoreCase(s, "CSV")) {
      number = TaskLog::CSV;
    } else if (absl::EqualsIgnoreCase(s, "JSON")) {
      number = TaskLog::JSON;
    }
  } else {
    return TypeError(path, "a message format (UNKNOWN, CSV, JSON or 0..2)", v);
  }
  if (number < TaskLog::UNKNOWN || number > TaskLog::JSON) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": not a message format (expected UNKNOWN, CSV, JSON or 0..2)"));
  }
  *out = static_cast<TaskLog::MessageFormat>(number);
  return absl::OkStatus();
}

// The deprecated `scheme` (Pod or TaskExecution): validated, then ignored.
absl::Status ReadScheme(const Value& v, const std::string& path) {
  if (v.IsString() && (absl::EqualsIgnoreCase(StringOf(v), "Pod") ||
                       absl::EqualsIgnoreCase(StringOf(v), "TaskExecution"))) {
    return absl::OkStatus();
  }
  if (v.IsInt64() && (v.GetInt64() == 0 || v.GetInt64() == 1)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected Pod or TaskExecution"));
}

absl::Status ReadTemplatePlugin(const Value& v, const std::string& path,
                                std::vector<std::string>* warnings,
                                TemplateLogPluginConfig* out) {
  ConfigReader reader(path, warnings);
  reader.On("name", Utf8String(&out->name))
      .On("displayName", Utf8String(&out->display_name))
      .On("templateUris", Utf8StringList(&out->template_uris))
      .On("dynamicTemplateUris", Utf8StringList(&out->dynamic_template_uris))
      .On("messageFormat",
          [out](const Value& value, const std::string& p) {
            return ReadMessageFormat(value, p, &out->message_format);
          })
      .On("scheme", ReadScheme)
      .Bool("showWhilePending", &out->show_while_pending)
      .Bool("hideOnceFinished", &out->hide_once_finished);
  return reader.Read(&v);
}

absl::Status ReadTemplates(const Value& v, const std::string& path,
                           std::vector<std::string>* warnings,
                           std::vector<TemplateLogPluginConfig>* out) {
  if (!v.IsArray()) return TypeError(path, "an array of templates", v);
  std::vector<TemplateLogPluginConfig> templates(v.Size());
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    if (absl::Status s = ReadTemplatePlugin(
            v[i], absl::StrCat(path, "[", i, "]"), warnings, &templates[i]);
        !s.ok()) {
      return s;
    }
  }
  *out = std::move(templates);
  return absl::OkStatus();
}

// `dynamic-log-links`: name -> template. As InitializeLogPlugins does, the
// key is the name, the template URIs are dynamic ones, the format is JSON.
absl::Status ReadDynamicLinks(
    const Value& v, const std::string& path, std::vector<std::string>* warnings,
    std::map<std::string, TemplateLogPluginConfig>* out) {
  return sdk::ForEachMapEntry(
      v, path,
      [&](absl::string_view name, const Value& value,
          const std::string& link_path) -> absl::Status {
        if (!sdk::IsValidUtf8(name)) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": link name is not valid UTF-8"));
        }
        if (value.IsNull()) return absl::OkStatus();
        TemplateLogPluginConfig link;
        if (absl::Status s =
                ReadTemplatePlugin(value, link_path, warnings, &link);
            !s.ok()) {
          return s;
        }
        TemplateLogPluginConfig plugin;
        plugin.name = std::string(name);
        plugin.display_name = std::move(link.display_name);
        plugin.dynamic_template_uris = std::move(link.template_uris);
        plugin.message_format = TaskLog::JSON;
        plugin.show_while_pending = link.show_while_pending;
        plugin.hide_once_finished = link.hide_once_finished;
        (*out)[plugin.name] = std::move(plugin);
        return absl::OkStatus();
      });
}

absl::Status ReadLogConfig(const Value& v, const std::string& path,
                           std::vector<std::string>* warnings, LogConfig* out) {
  ConfigReader reader(path, warnings);
  reader.Bool("cloudwatch-enabled", &out->cloudwatch_enabled)
      .On("cloudwatch-region", Utf8String(&out->cloudwatch_region))
      .On("cloudwatch-log-group", Utf8String(&out->cloudwatch_log_group))
      .On("cloudwatch-template-uri", Utf8String(&out->cloudwatch_template_uri))
      .Bool("kubernetes-enabled", &out->kubernetes_enabled)
      .On("kubernetes-url", Utf8String(&out->kubernetes_url))
      .On("kubernetes-template-uri", Utf8String(&out->kubernetes_template_uri))
      .Bool("stackdriver-enabled", &out->stackdriver_enabled)
      .On("gcp-project", Utf8String(&out->gcp_project))
      .On("stackdriver-logresourcename",
          Utf8String(&out->stackdriver_log_resource_name))
      .On("stackdriver-template-uri",
          Utf8String(&out->stackdriver_template_uri))
      .On("templates",
          [&](const Value& value, const std::string& p) {
            return ReadTemplates(value, p, warnings, &out->templates);
          })
      .On("dynamic-log-links", [&](const Value& value, const std::string& p) {
        return ReadDynamicLinks(value, p, warnings, &out->dynamic_log_links);
      });
  return reader.Read(&v);
}

}  // namespace

SparkLogsConfig DefaultSparkLogsConfig() {
  SparkLogsConfig config;
  config.mixed.kubernetes_enabled = true;
  // Flyte's default: the Kubernetes dashboard of its local sandbox.
  config.mixed.kubernetes_template_uri =
      "http://localhost:30082/#!/log/{{ .namespace }}/{{ .podName }}/"
      "pod?namespace={{ .namespace }}";
  return config;
}

absl::StatusOr<SparkLogsConfig> ParseSparkLogsConfig(
    const rapidjson::Value* logs, std::vector<std::string>* warnings) {
  SparkLogsConfig config = DefaultSparkLogsConfig();
  ConfigReader reader(std::string(kLogsPath), warnings);
  const struct {
    const char* key;
    LogConfig* target;
  } kinds[] = {{"mixed", &config.mixed},
               {"user", &config.user},
               {"system", &config.system},
               {"all-user", &config.all_user}};
  for (const auto& kind : kinds) {
    LogConfig* target = kind.target;
    reader.On(kind.key,
              [target, warnings](const Value& value, const std::string& path) {
                return ReadLogConfig(value, path, warnings, target);
              });
  }
  if (absl::Status s = reader.Read(logs); !s.ok()) return s;
  return config;
}

}  // namespace flyteplug::spark
