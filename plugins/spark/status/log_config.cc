#include "log_config.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "log_utf8.h"

namespace flyteplug::spark {
namespace {

using ::flyteplug::abi::flyteidl::core::TaskLog;
using ::rapidjson::Value;

constexpr absl::string_view kLogsPath = "plugins.spark.logs";

absl::string_view TypeName(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kNumberType:
      return "a number";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kObjectType:
      return "an object";
  }
  return "an unknown JSON type";
}

absl::Status TypeError(absl::string_view path, absl::string_view expected,
                       const Value& got) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", expected, ", got ", TypeName(got)));
}

absl::string_view StringOf(const Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

// Weakly typed string, as Flyte's config decoder (mapstructure,
// WeaklyTypedInput) reads one: strings, booleans ("1"/"0") and integers.
absl::Status ReadString(const Value& v, absl::string_view path,
                        std::string* out) {
  if (v.IsString()) {
    const absl::string_view s = StringOf(v);
    if (!IsValidUtf8(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": string is not valid UTF-8"));
    }
    *out = std::string(s);
  } else if (v.IsBool()) {
    *out = v.GetBool() ? "1" : "0";
  } else if (v.IsInt64()) {
    *out = absl::StrCat(v.GetInt64());
  } else if (v.IsUint64()) {
    *out = absl::StrCat(v.GetUint64());
  } else {
    return TypeError(path, "a string", v);
  }
  return absl::OkStatus();
}

// Weakly typed boolean: true/false, Go's strconv.ParseBool spellings, the
// empty string (false) and numbers (non-zero is true).
absl::Status ReadBool(const Value& v, absl::string_view path, bool* out) {
  if (v.IsBool()) {
    *out = v.GetBool();
    return absl::OkStatus();
  }
  if (v.IsNumber()) {
    *out = v.GetDouble() != 0;
    return absl::OkStatus();
  }
  if (v.IsString()) {
    const absl::string_view s = StringOf(v);
    if (s.empty() || s == "0" || s == "f" || s == "F" || s == "false" ||
        s == "FALSE" || s == "False") {
      *out = false;
      return absl::OkStatus();
    }
    if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" ||
        s == "True") {
      *out = true;
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": expected a boolean, got a string that is not one"));
  }
  return TypeError(path, "a boolean", v);
}

// A list of strings; a single string is taken as a one-element list.
absl::Status ReadStringList(const Value& v, absl::string_view path,
                            std::vector<std::string>* out) {
  if (v.IsString()) {
    std::string s;
    if (absl::Status st = ReadString(v, path, &s); !st.ok()) return st;
    out->assign(1, std::move(s));
    return absl::OkStatus();
  }
  if (!v.IsArray()) return TypeError(path, "an array of strings", v);
  std::vector<std::string> list;
  list.reserve(v.Size());
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (v[i].IsNull()) return TypeError(item_path, "a string", v[i]);
    std::string s;
    if (absl::Status st = ReadString(v[i], item_path, &s); !st.ok()) {
      return st;
    }
    list.push_back(std::move(s));
  }
  *out = std::move(list);
  return absl::OkStatus();
}

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
    } else if (!absl::SimpleAtoi(s, &number)) {
      number = -1;
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
absl::Status ReadScheme(const Value& v, absl::string_view path) {
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

// Calls `visit(key, value, path, &known)` for each member (null included:
// a null value keeps the default); a key the visitor does not know is
// reported in *unknown_keys.
template <typename Visit>
absl::Status ForEachMember(const Value& obj, absl::string_view path,
                           std::vector<std::string>* unknown_keys,
                           Visit visit) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const absl::string_view key = StringOf(it->name);
    const std::string member_path = absl::StrCat(path, ".", key);
    bool known = true;
    if (absl::Status st = visit(key, it->value, member_path, &known);
        !st.ok()) {
      return st;
    }
    if (!known && unknown_keys != nullptr) {
      unknown_keys->push_back(member_path);
    }
  }
  return absl::OkStatus();
}

bool KeyIs(absl::string_view key, absl::string_view name) {
  return absl::EqualsIgnoreCase(key, name);
}

absl::Status ReadTemplatePlugin(const Value& v, absl::string_view path,
                                std::vector<std::string>* unknown_keys,
                                TemplateLogPluginConfig* out) {
  if (!v.IsObject()) return TypeError(path, "an object", v);
  return ForEachMember(
      v, path, unknown_keys,
      [&](absl::string_view key, const Value& value,
          absl::string_view member_path, bool* known) -> absl::Status {
        const bool is_null = value.IsNull();
        if (KeyIs(key, "name")) {
          return is_null ? absl::OkStatus()
                         : ReadString(value, member_path, &out->name);
        }
        if (KeyIs(key, "displayName")) {
          return is_null ? absl::OkStatus()
                         : ReadString(value, member_path, &out->display_name);
        }
        if (KeyIs(key, "templateUris")) {
          return is_null
                     ? absl::OkStatus()
                     : ReadStringList(value, member_path, &out->template_uris);
        }
        if (KeyIs(key, "dynamicTemplateUris")) {
          return is_null ? absl::OkStatus()
                         : ReadStringList(value, member_path,
                                          &out->dynamic_template_uris);
        }
        if (KeyIs(key, "messageFormat")) {
          return is_null ? absl::OkStatus()
                         : ReadMessageFormat(value, member_path,
                                             &out->message_format);
        }
        if (KeyIs(key, "scheme")) {
          return is_null ? absl::OkStatus() : ReadScheme(value, member_path);
        }
        if (KeyIs(key, "showWhilePending")) {
          return is_null
                     ? absl::OkStatus()
                     : ReadBool(value, member_path, &out->show_while_pending);
        }
        if (KeyIs(key, "hideOnceFinished")) {
          return is_null
                     ? absl::OkStatus()
                     : ReadBool(value, member_path, &out->hide_once_finished);
        }
        *known = false;
        return absl::OkStatus();
      });
}

absl::Status ReadLogConfig(const Value& v, absl::string_view path,
                           std::vector<std::string>* unknown_keys,
                           LogConfig* out) {
  if (!v.IsObject()) return TypeError(path, "an object", v);
  return ForEachMember(
      v, path, unknown_keys,
      [&](absl::string_view key, const Value& value,
          absl::string_view member_path, bool* known) -> absl::Status {
        if (value.IsNull()) {
          // Keeps the default; only decide whether the key is known.
          static constexpr absl::string_view kKeys[] = {
              "cloudwatch-enabled",
              "cloudwatch-region",
              "cloudwatch-log-group",
              "cloudwatch-template-uri",
              "kubernetes-enabled",
              "kubernetes-url",
              "kubernetes-template-uri",
              "stackdriver-enabled",
              "gcp-project",
              "stackdriver-logresourcename",
              "stackdriver-template-uri",
              "dynamic-log-links",
              "templates"};
          *known = false;
          for (absl::string_view k : kKeys) {
            if (KeyIs(key, k)) *known = true;
          }
          return absl::OkStatus();
        }
        struct BoolKey {
          absl::string_view name;
          bool* field;
        };
        struct StringKey {
          absl::string_view name;
          std::string* field;
        };
        const BoolKey bools[] = {
            {"cloudwatch-enabled", &out->cloudwatch_enabled},
            {"kubernetes-enabled", &out->kubernetes_enabled},
            {"stackdriver-enabled", &out->stackdriver_enabled},
        };
        const StringKey strings[] = {
            {"cloudwatch-region", &out->cloudwatch_region},
            {"cloudwatch-log-group", &out->cloudwatch_log_group},
            {"cloudwatch-template-uri", &out->cloudwatch_template_uri},
            {"kubernetes-url", &out->kubernetes_url},
            {"kubernetes-template-uri", &out->kubernetes_template_uri},
            {"gcp-project", &out->gcp_project},
            {"stackdriver-logresourcename",
             &out->stackdriver_log_resource_name},
            {"stackdriver-template-uri", &out->stackdriver_template_uri},
        };
        for (const BoolKey& b : bools) {
          if (KeyIs(key, b.name)) return ReadBool(value, member_path, b.field);
        }
        for (const StringKey& s : strings) {
          if (KeyIs(key, s.name)) {
            return ReadString(value, member_path, s.field);
          }
        }
        if (KeyIs(key, "templates")) {
          if (!value.IsArray()) {
            return TypeError(member_path, "an array of templates", value);
          }
          std::vector<TemplateLogPluginConfig> templates(value.Size());
          for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            if (absl::Status st = ReadTemplatePlugin(
                    value[i], absl::StrCat(member_path, "[", i, "]"),
                    unknown_keys, &templates[i]);
                !st.ok()) {
              return st;
            }
          }
          out->templates = std::move(templates);
          return absl::OkStatus();
        }
        if (KeyIs(key, "dynamic-log-links")) {
          if (!value.IsObject()) {
            return TypeError(member_path, "an object of named links", value);
          }
          for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
            const absl::string_view name = StringOf(it->name);
            const std::string link_path = absl::StrCat(member_path, ".", name);
            if (!IsValidUtf8(name)) {
              return absl::InvalidArgumentError(
                  absl::StrCat(member_path, ": link name is not valid UTF-8"));
            }
            if (it->value.IsNull()) continue;
            TemplateLogPluginConfig link;
            if (absl::Status st = ReadTemplatePlugin(it->value, link_path,
                                                     unknown_keys, &link);
                !st.ok()) {
              return st;
            }
            // InitializeLogPlugins: the key is the name, the template URIs
            // are dynamic ones, the format is JSON.
            TemplateLogPluginConfig plugin;
            plugin.name = std::string(name);
            plugin.display_name = std::move(link.display_name);
            plugin.dynamic_template_uris = std::move(link.template_uris);
            plugin.message_format = TaskLog::JSON;
            plugin.show_while_pending = link.show_while_pending;
            plugin.hide_once_finished = link.hide_once_finished;
            out->dynamic_log_links[plugin.name] = std::move(plugin);
          }
          return absl::OkStatus();
        }
        *known = false;
        return absl::OkStatus();
      });
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
    const rapidjson::Value* logs, std::vector<std::string>* unknown_keys) {
  SparkLogsConfig config = DefaultSparkLogsConfig();
  if (logs == nullptr || logs->IsNull()) return config;
  if (!logs->IsObject()) return TypeError(kLogsPath, "an object", *logs);
  absl::Status status = ForEachMember(
      *logs, kLogsPath, unknown_keys,
      [&](absl::string_view key, const Value& value,
          absl::string_view member_path, bool* known) -> absl::Status {
        LogConfig* target = nullptr;
        if (KeyIs(key, "mixed")) {
          target = &config.mixed;
        } else if (KeyIs(key, "user")) {
          target = &config.user;
        } else if (KeyIs(key, "system")) {
          target = &config.system;
        } else if (KeyIs(key, "all-user")) {
          target = &config.all_user;
        } else {
          *known = false;
          return absl::OkStatus();
        }
        if (value.IsNull()) return absl::OkStatus();
        return ReadLogConfig(value, member_path, unknown_keys, target);
      });
  if (!status.ok()) return status;
  return config;
}

}  // namespace flyteplug::spark
