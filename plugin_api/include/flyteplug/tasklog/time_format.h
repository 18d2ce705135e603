// RFC 3339 timestamps as Flyte's Go code reads and writes them for log-link
// template variables (podRFC3339StartTime and friends).
#ifndef FLYTEPLUG_TASKLOG_TIME_FORMAT_H_
#define FLYTEPLUG_TASKLOG_TIME_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::tasklog {

// Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z): what
// `metav1.Time{}.Unix()` returns for an absent Kubernetes timestamp.
inline constexpr int64_t kGoZeroTimeUnixSeconds = -62135596800;

// Parses a Kubernetes timestamp ("2024-05-01T12:00:00Z", optionally with a
// fraction and a numeric offset, as Go's time.RFC3339 layout accepts) and
// returns whole Unix seconds (the fraction is dropped, as Go's Time.Unix()
// does). Strict: four-digit year, two-digit fields, 'T' separator, 'Z' or
// +hh:mm/-hh:mm, every field in range (day checked against the month).
// Errors: InvalidArgumentError describing what is wrong (the caller adds the
// JSON path). Thread-safe.
absl::StatusOr<int64_t> ParseRfc3339ToUnixSeconds(absl::string_view text);

// Formats Unix seconds as RFC 3339 in UTC, as Go's
// time.Unix(s, 0).UTC().Format(time.RFC3339): "1970-01-01T00:00:00Z";
// kGoZeroTimeUnixSeconds gives "0001-01-01T00:00:00Z". Thread-safe.
std::string FormatRfc3339Utc(int64_t unix_seconds);

}  // namespace flyteplug::tasklog

#endif  // FLYTEPLUG_TASKLOG_TIME_FORMAT_H_
