#include "task_input.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "file_util.h"
#include "flyteidl/core/tasks.pb.h"
#include "flyteplug/loader_client.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/json_util.h"
#include "proto_utf8.h"
#include "rapidjson/document.h"

namespace flyteplug::cli {
namespace {

bool IsSaneTaskType(const std::string& type) {
  if (type.empty() || type.size() > 128) return false;
  for (char c : type) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Parses binary input that may be of another type: libprotobuf's own log
// lines (e.g. invalid UTF-8) stay off stderr; the caller's error names the
// field instead. REQUIRES: content.size() <= INT32_MAX.
bool ParseSpeculatively(absl::string_view content,
                        google::protobuf::Message* message) {
  google::protobuf::LogSilencer speculative;
  return message->ParseFromArray(content.data(),
                                 static_cast<int>(content.size()));
}

// Whether `json` is a bare TaskTemplate by the loader's rule: an object
// without a top-level taskTemplate (task_template) key.
bool IsBareTemplateJson(absl::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  return !doc.HasParseError() && doc.IsObject() &&
         !doc.HasMember("taskTemplate") && !doc.HasMember("task_template");
}

absl::StatusOr<TaskInput> FromJson(const std::string& path,
                                   absl::string_view json) {
  absl::StatusOr<std::string> serialized =
      LoaderClient::TaskContextFromJson(json);
  if (!serialized.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", serialized.status().message()));
  }
  TaskInput input;
  input.serialized = *std::move(serialized);
  input.bare_template = IsBareTemplateJson(json);
  if (!input.context.ParseFromString(input.serialized)) {
    return absl::InternalError(
        absl::StrCat(path, ": the loader returned an unparsable TaskContext"));
  }
  return input;
}

}  // namespace

absl::StatusOr<TaskInput> ParseTaskInput(const std::string& path,
                                         absl::string_view content) {
  absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(content);
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ": empty; expected a TaskContext or TaskTemplate "
                     "as JSON or binary protobuf"));
  }
  TaskInput input;
  if (trimmed.front() == '{') {
    return FromJson(path, content);
  }
  if (content.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": too large"));
  }
  flyteplug::v1::TaskContext context;
  if (ParseSpeculatively(content, &context) && context.has_task_template() &&
      IsSaneTaskType(context.task_template().type()) &&
      context.GetReflection()->GetUnknownFields(context).empty()) {
    input.serialized = std::string(content);
    input.context = std::move(context);
    return input;
  }
  flyteidl::core::TaskTemplate task_template;
  if (!ParseSpeculatively(content, &task_template)) {
    std::string why = loader::DescribeInvalidUtf8(
        *flyteidl::core::TaskTemplate::descriptor(), content);
    if (why.empty()) {
      why = loader::DescribeInvalidUtf8(
          *flyteplug::v1::TaskContext::descriptor(), content);
    }
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": neither JSON (first character is not '{') nor a valid "
        "binary flyteplug.v1.TaskContext or flyteidl.core.TaskTemplate",
        why.empty() ? "" : ": ", why));
  }
  if (!IsSaneTaskType(task_template.type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": binary input: taskTemplate.type is missing or not a task "
        "type name"));
  }
  // Wrap through the loader so binary and JSON templates get the same
  // default context.
  std::string json;
  auto status =
      google::protobuf::util::MessageToJsonString(task_template, &json);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": binary TaskTemplate: ", status.message().as_string()));
  }
  return FromJson(path, json);
}

absl::StatusOr<TaskInput> ReadTaskInput(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  return ParseTaskInput(path, *content);
}

}  // namespace flyteplug::cli
