#include "request_log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace flyteplug::connector {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// A logfmt value: bare when safe, else double-quoted with \" \\ \n escaped.
std::string Value(absl::string_view value) {
  bool bare = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20) {
      bare = false;
      break;
    }
  }
  if (bare) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning,
                     LogLevel::kError}) {
    if (text == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

std::string RequestLog::Format(
    absl::string_view ts, LogLevel level,
    const std::vector<std::pair<std::string, std::string>>& fields,
    absl::string_view message) {
  std::string line = absl::StrCat("ts=", ts, " level=", LevelName(level));
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, " ", key, "=", Value(value));
  }
  if (!message.empty()) absl::StrAppend(&line, " msg=", Value(message));
  return line;
}

void RequestLog::Write(
    LogLevel level,
    const std::vector<std::pair<std::string, std::string>>& fields,
    absl::string_view message) const {
  if (!Enabled(level)) return;
  std::string line =
      absl::StrCat(Format(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                           absl::UTCTimeZone()),
                          level, fields, message),
                   "\n");
  // One write per line: lines from concurrent requests never interleave.
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace flyteplug::connector
