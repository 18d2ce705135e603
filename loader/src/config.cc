#include "config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config_keys.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "task_type.h"

namespace flyteplug::loader {
namespace {

using ::flyteplug::sdk::ConfigReader;
using ::rapidjson::Value;

constexpr absl::string_view kPrefix = "config: ";

// Registers `keys` except those in `read` as keys propeller uses and
// flyteplug does not: accepted, with a warning that nothing reads them.
void AcceptIgnored(const std::vector<std::string>& keys,
                   const std::vector<std::string>& read,
                   std::vector<std::string>* warnings, ConfigReader* reader) {
  for (const std::string& key : keys) {
    bool is_read = false;
    for (const std::string& r : read) is_read = is_read || r == key;
    if (is_read) continue;
    reader->On(key, [warnings](const Value&, const std::string& path) {
      warnings->push_back(
          absl::StrCat(path, ": not read by flyteplug, ignored"));
      return absl::OkStatus();
    });
  }
}

absl::Status ReadModuleIds(const Value& value, const std::string& path,
                           std::vector<std::string>* out) {
  if (absl::Status s = sdk::ReadStringList(value, path, out); !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, "[", i, "]: empty module id"));
    }
  }
  return absl::OkStatus();
}

// Reads `plugins` (a map) into (name, serialized JSON) pairs in document
// order. Modules ask for sections in any case, so two names differing only in
// case are a duplicate key.
absl::Status ReadSections(
    const Value& plugins, const std::string& path,
    std::vector<std::pair<std::string, std::string>>* sections) {
  std::map<std::string, std::string> given;  // lower case -> as given
  return sdk::ForEachMapEntry(
      plugins, path,
      [&given, sections](absl::string_view name, const Value& section,
                         const std::string& section_path) {
        auto [first, inserted] =
            given.emplace(absl::AsciiStrToLower(name), std::string(name));
        if (!inserted) {
          return absl::InvalidArgumentError(
              absl::StrCat(section_path, ": duplicate key (already given as '",
                           first->second, "')"));
        }
        sections->emplace_back(std::string(name), sdk::json::Write(section));
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<LoaderConfig> LoaderConfig::Parse(absl::string_view json) {
  LoaderConfig config;
  if (absl::StripAsciiWhitespace(json).empty()) return config;
  if (absl::Status s = sdk::json::CheckLimits(json); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(kPrefix, s.message()));
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kPrefix, "invalid JSON at offset ", doc.GetErrorOffset(),
                     ": ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (absl::Status s = sdk::CheckNoDuplicateKeys(doc); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(kPrefix, s.message()));
  }
  std::vector<std::string>* warnings = &config.fixed_warnings_;
  ConfigReader task_plugins("tasks.task-plugins", warnings);
  task_plugins
      .On("enabled-plugins",
          [&config](const Value& v, const std::string& path) {
            return ReadModuleIds(v, path, &config.enabled_plugins_);
          })
      .StringMap("default-for-task-types", &config.default_for_task_types_);
  ConfigReader tasks("tasks", warnings);
  tasks.On("task-plugins", [&task_plugins](const Value& v, const std::string&) {
    return task_plugins.Read(&v);
  });
  AcceptIgnored(TasksKeys(), {"task-plugins"}, warnings, &tasks);
  ConfigReader root("", warnings);
  root.On("tasks", [&tasks](const Value& v,
                            const std::string&) { return tasks.Read(&v); })
      .On("plugins", [&config](const Value& v, const std::string& path) {
        return ReadSections(v, path, &config.sections_);
      });
  AcceptIgnored(TopLevelKeys(), {"tasks", "plugins"}, warnings, &root);
  if (absl::Status s = root.Read(&doc); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(kPrefix, s.message()));
  }
  for (const auto& entry : config.default_for_task_types_) {
    if (absl::Status s = CheckTaskType(entry.first); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kPrefix, "tasks.task-plugins.default-for-task-types: ", s.message()));
    }
  }
  for (std::string& warning : config.fixed_warnings_) {
    warning = absl::StrCat(kPrefix, warning);
  }
  return config;
}

std::string LoaderConfig::SectionsJson(
    const std::vector<std::string>& sections) const {
  std::string out = "{";
  bool first = true;
  for (const std::string& wanted : sections) {
    for (const auto& [name, json] : sections_) {
      if (!absl::EqualsIgnoreCase(name, wanted)) continue;
      absl::StrAppend(&out, first ? "" : ",", sdk::json::Quote(wanted), ":",
                      json);
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
  std::vector<std::string> known(requested_sections.begin(),
                                 requested_sections.end());
  for (const std::string& section : PluginSections()) known.push_back(section);
  for (const auto& [name, json] : sections_) {
    bool requested = false;
    for (const std::string& r : requested_sections) {
      requested = requested || absl::EqualsIgnoreCase(name, r);
    }
    if (requested) continue;
    std::optional<std::string> closest = sdk::ClosestKey(name, known);
    warnings.push_back(absl::StrCat(
        kPrefix, "plugins.", name, ": no loaded module reads this section",
        closest.has_value() && !absl::EqualsIgnoreCase(*closest, name)
            ? absl::StrCat(", did you mean '", *closest, "'?")
            : ", ignored"));
  }
  return warnings;
}

}  // namespace flyteplug::loader
