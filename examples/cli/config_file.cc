#include "config_file.h"

#include "absl/strings/str_cat.h"
#include "file_util.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace flyteplug::cli {

absl::StatusOr<std::string> LoadConfigAsJson(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  rapidjson::Document doc;
  doc.Parse(content->data(), content->size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": invalid JSON at offset ", doc.GetErrorOffset(),
                     ": ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the configuration must be a JSON object"));
  }
  return *std::move(content);
}

}  // namespace flyteplug::cli
