// Why a Databricks task run failed, from runs/get-output, cut and sanitised
// for a Flyte phase.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_RUN_OUTPUT_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_RUN_OUTPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::databricks {

// Bounds (bytes, before secrets are scrubbed) of what a phase shows.
inline constexpr size_t kMaxErrorLineBytes = 500;
inline constexpr size_t kMaxTraceExcerptBytes = 2000;

struct FailureDetails {
  // The first non-blank line of get-output's `error` (e.g.
  // "ZeroDivisionError: division by zero"), sanitised, at most
  // kMaxErrorLineBytes plus "...".
  std::string error;
  // TraceExcerpt of `error_trace`.
  std::string error_trace;
};

// Parses a runs/get-output body for task run `run_id`; `error` and
// `error_trace` missing (a run without an error) leave the fields empty.
// UNAVAILABLE when the body is not a JSON object or they are not strings;
// the message never quotes the body.
absl::StatusOr<FailureDetails> ParseRunsGetOutput(absl::string_view body,
                                                  uint64_t run_id);

// The last at most `max_bytes` bytes of `trace` (a Python traceback ends with
// the exception), starting at a line when the cut leaves one whole, cut on a
// character boundary and prefixed with "...\n" when cut; every line
// sanitised (sdk::SanitizeUtf8: control characters and invalid UTF-8 become
// '?', CR and tabs spaces); line feeds kept; trailing blank lines dropped.
std::string TraceExcerpt(absl::string_view trace, size_t max_bytes);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_RUN_OUTPUT_H_
