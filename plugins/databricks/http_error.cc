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

absl::StatusCode CodeForHttpStatus(long s) {
  switch (s) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAlreadyExists;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 499:
      return absl::StatusCode::kCancelled;
    default:
      break;
  }
  if (s >= 500) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kFailedPrecondition;
}

std::string HttpReasonPhrase(long s) {
  switch (s) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return absl::StrCat("HTTP ", s);
  }
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

}  // namespace flyteplug::databricks
