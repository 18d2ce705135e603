#include "run_output.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/utf8.h"
#include "rapidjson/document.h"

namespace flyteplug::databricks {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The first line of `error` that is not blank, cut to kMaxErrorLineBytes.
std::string FirstLine(absl::string_view error) {
  for (absl::string_view line : absl::StrSplit(error, '\n')) {
    if (!absl::StripAsciiWhitespace(line).empty()) {
      return sdk::Snippet(absl::StripAsciiWhitespace(line), kMaxErrorLineBytes);
    }
  }
  return {};
}

// The string member `key`, "" when absent or null; false when another type.
bool OptionalString(const rapidjson::Value& object, const char* key,
                    std::string* out) {
  const rapidjson::Value* value = sdk::json::Find(object, key);
  if (value == nullptr || value->IsNull()) return true;
  if (!value->IsString()) return false;
  *out = std::string(sdk::json::StringOf(*value));
  return true;
}

}  // namespace

std::string TraceExcerpt(absl::string_view trace, size_t max_bytes) {
  while (!trace.empty() &&
         absl::ascii_isspace(static_cast<unsigned char>(trace.back()))) {
    trace.remove_suffix(1);
  }
  bool cut = trace.size() > max_bytes;
  if (cut) {
    size_t start = trace.size() - max_bytes;
    while (start < trace.size() && IsContinuationByte(trace[start])) ++start;
    // Begin at the next whole line when there is one inside the excerpt.
    size_t newline = trace.find('\n', start);
    if (newline != absl::string_view::npos && newline + 1 < trace.size()) {
      start = newline + 1;
    }
    trace.remove_prefix(start);
  }
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(trace, '\n')) {
    lines.push_back(sdk::SanitizeUtf8(line));
  }
  return absl::StrCat(cut ? "...\n" : "", absl::StrJoin(lines, "\n"));
}

absl::StatusOr<FailureDetails> ParseRunsGetOutput(absl::string_view body,
                                                  uint64_t run_id) {
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::UnavailableError(
        absl::StrCat("databricks runs/get-output: the answer for run ", run_id,
                     " (", body.size(), " bytes) is not a JSON object"));
  }
  std::string error, trace;
  if (!OptionalString(doc, "error", &error) ||
      !OptionalString(doc, "error_trace", &trace)) {
    return absl::UnavailableError(
        absl::StrCat("databricks runs/get-output: the answer for run ", run_id,
                     " has an error or error_trace that is not a string"));
  }
  FailureDetails details;
  details.error = FirstLine(error);
  details.error_trace = TraceExcerpt(trace, kMaxTraceExcerptBytes);
  return details;
}

}  // namespace flyteplug::databricks
