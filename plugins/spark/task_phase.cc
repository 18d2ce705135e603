#include "task_phase.h"

namespace flyteplug::spark {

absl::StatusOr<flyteplug::v1::PhaseInfo> GetSparkTaskPhase(
    const flyteplug::v1::TaskContext& /*context*/,
    absl::string_view /*resource_json*/, const SparkLogsConfig& /*logs*/,
    const std::string& /*spark_history_server_url*/,
    int64_t /*now_unix_nanos*/) {
  return absl::UnimplementedError("GetSparkTaskPhase: not implemented yet");
}

}  // namespace flyteplug::spark
