#include "config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::loader {
namespace {

const char* TypeName(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    default:
      return "number";
  }
}

absl::Status WrongType(absl::string_view path, absl::string_view expected,
                       const rapidjson::Value& got) {
  return absl::InvalidArgumentError(absl::StrCat(
      "config: ", path, ": expected ", expected, ", got ", TypeName(got)));
}

std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Key(const rapidjson::Value& name) {
  return std::string(name.GetString(), name.GetStringLength());
}

}  // namespace

absl::StatusOr<LoaderConfig> LoaderConfig::Parse(absl::string_view json) {
  LoaderConfig config;
  if (absl::StripAsciiWhitespace(json).empty()) return config;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config: invalid JSON at offset ", doc.GetErrorOffset(),
                     ": ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject()) return WrongType("(top level)", "an object", doc);

  for (auto& member : doc.GetObject()) {
    std::string key = Key(member.name);
    if (key == "tasks") {
      if (!member.value.IsObject()) {
        return WrongType("tasks", "an object", member.value);
      }
      for (auto& task_member : member.value.GetObject()) {
        std::string task_key = Key(task_member.name);
        if (task_key != "task-plugins") {
          config.fixed_warnings_.push_back(absl::StrCat(
              "config: tasks.", task_key, ": unknown key, ignored"));
          continue;
        }
        const rapidjson::Value& tp = task_member.value;
        if (!tp.IsObject()) {
          return WrongType("tasks.task-plugins", "an object", tp);
        }
        for (auto& tp_member : tp.GetObject()) {
          std::string tp_key = Key(tp_member.name);
          const rapidjson::Value& v = tp_member.value;
          if (tp_key == "enabled-plugins") {
            if (v.IsNull()) continue;
            if (!v.IsArray()) {
              return WrongType("tasks.task-plugins.enabled-plugins",
                               "an array of module ids", v);
            }
            for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
              if (!v[i].IsString()) {
                return WrongType(
                    absl::StrCat("tasks.task-plugins.enabled-plugins[", i, "]"),
                    "a string", v[i]);
              }
              std::string id(v[i].GetString(), v[i].GetStringLength());
              if (id.empty()) {
                return absl::InvalidArgumentError(
                    absl::StrCat("config: tasks.task-plugins.enabled-plugins[",
                                 i, "]: empty module id"));
              }
              config.enabled_plugins_.push_back(std::move(id));
            }
          } else if (tp_key == "default-for-task-types") {
            if (v.IsNull()) continue;
            if (!v.IsObject()) {
              return WrongType("tasks.task-plugins.default-for-task-types",
                               "an object (task type -> module id)", v);
            }
            for (auto& entry : v.GetObject()) {
              std::string type = Key(entry.name);
              if (!entry.value.IsString()) {
                return WrongType(
                    absl::StrCat("tasks.task-plugins.default-for-task-types.",
                                 type),
                    "a string (module id)", entry.value);
              }
              config.default_for_task_types_[type] = std::string(
                  entry.value.GetString(), entry.value.GetStringLength());
            }
          } else {
            config.fixed_warnings_.push_back(
                absl::StrCat("config: tasks.task-plugins.", tp_key,
                             ": unknown key, ignored"));
          }
        }
      }
    } else if (key == "plugins") {
      if (!member.value.IsObject()) {
        return WrongType("plugins", "an object", member.value);
      }
      for (auto& section : member.value.GetObject()) {
        config.sections_.emplace_back(Key(section.name),
                                      Serialize(section.value));
      }
    } else {
      config.fixed_warnings_.push_back(
          absl::StrCat("config: ", key, ": unknown top-level key, ignored"));
    }
  }
  return config;
}

std::string LoaderConfig::SectionsJson(
    const std::vector<std::string>& sections) const {
  std::string out = "{";
  bool first = true;
  for (const std::string& wanted : sections) {
    for (const auto& [name, json] : sections_) {
      if (name != wanted) continue;
      rapidjson::StringBuffer key;
      rapidjson::Writer<rapidjson::StringBuffer> writer(key);
      writer.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      absl::StrAppend(&out, first ? "" : ",", key.GetString(), ":", json);
      first = false;
      break;
    }
  }
  out += "}";
  return out;
}

std::vector<std::string> LoaderConfig::UnknownKeyWarnings(
    const std::set<std::string>& requested_sections) const {
  std::vector<std::string> warnings = fixed_warnings_;
  for (const auto& [name, json] : sections_) {
    if (requested_sections.count(name) == 0) {
      warnings.push_back(absl::StrCat("config: plugins.", name,
                                      ": no loaded module reads this "
                                      "section, ignored"));
    }
  }
  return warnings;
}

}  // namespace flyteplug::loader
