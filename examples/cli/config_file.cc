#include "config_file.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config_keys.h"
#include "file_util.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "yaml_to_json.h"

namespace flyteplug::cli {
namespace {

bool IsYamlPath(const std::string& path) {
  const std::string lower = absl::AsciiStrToLower(path);
  return absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml");
}

}  // namespace

absl::StatusOr<std::string> LoadConfigAsJson(const std::string& path) {
  std::vector<std::string> warnings;
  absl::StatusOr<std::string> json = LoadConfigAsJson(path, &warnings);
  for (const std::string& warning : warnings) {
    std::fprintf(stderr, "flyteplug: warning: %s\n", warning.c_str());
  }
  std::fflush(stderr);
  return json;
}

absl::StatusOr<std::string> LoadConfigAsJson(
    const std::string& path, std::vector<std::string>* warnings) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  const bool yaml = IsYamlPath(path);
  if (yaml) {
    content = YamlToJson(*content, path);
    if (!content.ok()) return content.status();
  }
  rapidjson::Document doc;
  doc.Parse(content->data(), content->size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": invalid JSON at offset ", doc.GetErrorOffset(),
                     ": ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, yaml ? ": the configuration must be a YAML mapping"
                                : ": the configuration must be a JSON object"));
  }
  if (warnings != nullptr) {
    for (const std::string& message : MisspelledConfigKeys(doc)) {
      warnings->push_back(absl::StrCat(path, ": ", message));
    }
  }
  return *std::move(content);
}

}  // namespace flyteplug::cli
