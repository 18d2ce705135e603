#include "http_error.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/utf8.h"
#include "rapidjson/document.h"

namespace flyteplug::databricks {
namespace {

constexpr size_t kMaxMessage = 300;

// Collapses runs of whitespace, truncates to about kMaxMessage bytes on a
// character boundary and makes the result printable valid UTF-8.
std::string Tidy(absl::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isspace(u) || absl::ascii_iscntrl(u)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= kMaxMessage + 4) break;
  }
  return sdk::Snippet(out, kMaxMessage);
}

// Text between the first `open` and the following `close`
// (case-insensitive), or empty.
absl::string_view Between(absl::string_view text, absl::string_view open,
                          absl::string_view close) {
  std::string lower = absl::AsciiStrToLower(text);
  size_t begin = lower.find(absl::AsciiStrToLower(open));
  if (begin == std::string::npos) return {};
  begin += open.size();
  size_t end = lower.find(absl::AsciiStrToLower(close), begin);
  if (end == std::string::npos) return {};
  return text.substr(begin, end - begin);
}

std::string StripTags(absl::string_view html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') {
      in_tag = true;
      out.push_back(' ');
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

ServerError ParseErrorBody(absl::string_view body) {
  ServerError error;
  absl::string_view trimmed = absl::StripAsciiWhitespace(body);
  if (trimmed.empty()) return error;
  if (trimmed.front() == '{') {
    rapidjson::Document doc;
    doc.Parse<sdk::json::kParseFlags>(trimmed.data(), trimmed.size());
    if (!doc.HasParseError() && doc.IsObject()) {
      auto code = doc.FindMember("error_code");
      if (code != doc.MemberEnd()) {
        if (code->value.IsString()) {
          error.error_code = Tidy(code->value.GetString());
        } else if (code->value.IsInt64()) {
          error.error_code = absl::StrCat(code->value.GetInt64());
        }
      }
      for (const char* key : {"message", "error", "detail"}) {
        auto m = doc.FindMember(key);
        if (m != doc.MemberEnd() && m->value.IsString()) {
          error.message = Tidy(m->value.GetString());
          break;
        }
      }
      if (!error.message.empty() || !error.error_code.empty()) return error;
    }
  }
  if (trimmed.front() == '<') {
    absl::string_view reason = Between(trimmed, "Reason:", "</");
    if (reason.empty()) reason = Between(trimmed, "<title>", "</title>");
    error.message =
        Tidy(reason.empty() ? StripTags(trimmed) : StripTags(reason));
    return error;
  }
  error.message = Tidy(trimmed);
  return error;
}

absl::Status HttpError(absl::string_view call, long http_status,
                       absl::string_view body,
                       absl::string_view reason_header) {
  ServerError server = ParseErrorBody(body);
  std::string said;
  if (!server.error_code.empty())
    said = absl::StrCat("[", server.error_code, "] ");
  if (!server.message.empty()) {
    absl::StrAppend(&said, server.message);
  } else if (!reason_header.empty()) {
    absl::StrAppend(&said, Tidy(reason_header));
  } else {
    absl::StrAppend(&said, "(empty response body) ",
                    HttpReasonPhrase(http_status));
  }
  return absl::Status(
      CodeForHttpStatus(http_status),
      absl::StrCat("databricks ", call, ": HTTP ", http_status, " ",
                   HttpReasonPhrase(http_status), ": ", said));
}

net::HttpErrorMapping MapHttpError(const net::HttpFailure& failure) {
  net::HttpErrorMapping mapping;
  const long http_status = failure.http_status;
  mapping.status =
      HttpError(failure.call_name, http_status, failure.body,
                failure.headers->Find("X-Databricks-Reason-Phrase"));
  if (http_status >= 300 && http_status < 400) {
    mapping.status = absl::FailedPreconditionError(
        absl::StrCat(mapping.status.message(), " (redirect to '",
                     failure.headers->Find("Location"),
                     "': is the Databricks instance right?)"));
  }
  ServerError server = ParseErrorBody(failure.body);
  mapping.retryable = http_status == 429 || http_status == 503 ||
                      server.error_code == "REQUEST_LIMIT_EXCEEDED" ||
                      server.error_code == "TEMPORARILY_UNAVAILABLE";
  if (mapping.retryable) {
    mapping.retry_after =
        net::ParseRetryAfter(failure.headers->Find("Retry-After"));
  }
  return mapping;
}

}  // namespace flyteplug::databricks
