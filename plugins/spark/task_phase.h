// The Spark module's status side: maps an observed SparkApplication to a
// Flyte PhaseInfo with log links and custom info (Flyte v1 GetTaskPhase).
#ifndef FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_H_
#define FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "flyteplug/v1/task_context.pb.h"
#include "log_config.h"

namespace flyteplug::spark {

// Maps an observed SparkApplication (`resource_json`, the object as the API
// server returns it) to a PhaseInfo:
//   status.applicationState.state  ""/absent -> QUEUED "job queued";
//   SUBMITTED -> INITIALIZING "job submitted"; COMPLETED -> SUCCESS;
//   SUBMISSION_FAILED / FAILED -> RETRYABLE_FAILURE (DownstreamSystemError,
//   USER); anything else -> RUNNING. The version is bumped from
//   `context.plugin_state()` as Flyte's MaybeUpdatePhaseVersion does;
//   occurred_at = `now_unix_nanos`. Log links come from `logs`; the Spark
//   history link needs `spark_history_server_url` (empty disables it).
//
// Errors: InvalidArgumentError naming the JSON path when `resource_json` is
// not JSON, is too large (> 16 MiB), or has a field of the wrong type.
// Thread-safe, no I/O; parses `resource_json` once.
absl::StatusOr<flyteplug::v1::PhaseInfo> GetSparkTaskPhase(
    const flyteplug::v1::TaskContext& context, absl::string_view resource_json,
    const SparkLogsConfig& logs, const std::string& spark_history_server_url,
    int64_t now_unix_nanos);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_H_
