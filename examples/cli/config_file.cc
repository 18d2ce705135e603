#include "config_file.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "file_util.h"
#include "flyteplug/loader.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::cli {
namespace {

// What flyteplug_config_to_json calls the document in its messages.
constexpr absl::string_view kLoaderSourceName = "config";

bool IsYamlPath(const std::string& path) {
  const std::string lower = absl::AsciiStrToLower(path);
  return absl::EndsWith(lower, ".yaml") || absl::EndsWith(lower, ".yml");
}

}  // namespace

absl::StatusOr<ConfigDocument> ReadConfigDocument(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  ConfigDocument document;
  document.content = *std::move(content);
  document.format = IsYamlPath(path) ? FLYTEPLUG_CONFIG_FORMAT_YAML
                                     : FLYTEPLUG_CONFIG_FORMAT_JSON;
  return document;
}

absl::StatusOr<std::string> LoadConfigAsJson(const std::string& path) {
  // The loader warns about the same keys when it opens: print them once.
  return LoadConfigAsJson(path, nullptr);
}

absl::StatusOr<std::string> LoadConfigAsJson(
    const std::string& path, std::vector<std::string>* warnings) {
  absl::StatusOr<ConfigDocument> document = ReadConfigDocument(path);
  if (!document.ok()) return document.status();
  std::vector<std::string> key_warnings;
  absl::StatusOr<std::string> json = LoaderClient::ConfigToJson(
      document->content, document->format, &key_warnings);
  if (!json.ok()) {
    // The loader's messages start with "config" (the document); name the
    // file instead.
    absl::string_view message = json.status().message();
    absl::ConsumePrefix(&message, kLoaderSourceName);
    return absl::Status(json.status().code(), absl::StrCat(path, message));
  }
  if (warnings != nullptr) {
    for (const std::string& warning : key_warnings) {
      warnings->push_back(absl::StrCat(path, ": ", warning));
    }
  }
  return json;
}

}  // namespace flyteplug::cli
