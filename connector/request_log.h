// Structured log lines on stderr, one per line, logfmt style:
//   ts=2026-01-02T03:04:05.678Z level=info method=GetTask
//   task_type=databricks code=OK duration_ms=12.3 msg="..."
// Values never carry secrets: only request routing facts and the messages
// of loader and module errors (which never hold secrets, plugin.h).
#ifndef FLYTEPLUG_CONNECTOR_REQUEST_LOG_H_
#define FLYTEPLUG_CONNECTOR_REQUEST_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace flyteplug::connector {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Parses debug|info|warning|error; false for anything else.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

// THREADING: thread-safe (one write(2) per line).
class RequestLog {
 public:
  explicit RequestLog(LogLevel threshold) : threshold_(threshold) {}

  bool Enabled(LogLevel level) const { return level >= threshold_; }

  // Writes one line with `fields` (key, value) in order, then msg=`message`
  // when non-empty. Values with spaces, quotes or '=' are quoted.
  void Write(LogLevel level,
             const std::vector<std::pair<std::string, std::string>>& fields,
             absl::string_view message) const;

  // The line Write would print (without the newline), at wall time `ts`
  // (RFC 3339 text). Exposed for tests.
  static std::string Format(
      absl::string_view ts, LogLevel level,
      const std::vector<std::pair<std::string, std::string>>& fields,
      absl::string_view message);

 private:
  LogLevel threshold_;
};

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_REQUEST_LOG_H_
