// The Spark module's status side: maps an observed SparkApplication to a
// Flyte PhaseInfo with log links and custom info (Flyte v1 GetTaskPhase).
#ifndef FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_H_
#define FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "log_config.h"

namespace flyteplug::spark {

// Maps an observed SparkApplication (`resource_json`, the object as the API
// server returns it) to a PhaseInfo:
//   status.applicationState.state  ""/absent -> QUEUED "job queued";
//   SUBMITTED -> INITIALIZING "job submitted"; COMPLETED -> SUCCESS;
//   SUBMISSION_FAILED / FAILED -> RETRYABLE_FAILURE (DownstreamSystemError,
//   USER); anything else -> RUNNING. The version is bumped from
//   `context.plugin_state()` as Flyte's MaybeUpdatePhaseVersion does;
//   occurred_at = `now_unix_nanos`.
// Links, in this order: `logs.mixed` for the driver pod (only once
// status.driverInfo.podName is known; the only input that carries the
// TaskTemplate, so the only one with dynamic links), `logs.user` for the
// driver pod (placeholders stay when it is unknown), `logs.system` and
// `logs.all_user` for the application name (all-user links always
// showWhilePending); then "Spark History UI" (COMPLETED/FAILED with
// status.sparkApplicationId and a non-empty `spark_history_server_url`) or
// "Spark Driver UI" (RUNNING with status.driverInfo.webUIIngressAddress,
// https:// added when it has no scheme), mirrored in custom_info as
// sparkHistoryUI / sparkDriverUI; custom_info is `{}` otherwise, never unset.
// Template times: start = metadata.creationTimestamp (Go's zero time when
// absent), finish = status.terminationTime only for COMPLETED/FAILED (else 0),
// RFC 3339 in UTC (Flyte uses the process's zone).
//
// Errors: InvalidArgumentError naming the JSON path (see
// ParseObservedSparkApplication) when `resource_json` is not JSON, is larger
// than 16 MiB or nested deeper than 512 levels, is not an object, or has a
// read field of the wrong type, a malformed timestamp or a non-UTF-8 string.
// Thread-safe, no I/O; reads `resource_json` once, without building a DOM.
absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> GetSparkTaskPhase(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    absl::string_view resource_json, const SparkLogsConfig& logs,
    const std::string& spark_history_server_url, int64_t now_unix_nanos);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_H_
