// The fields of an observed SparkApplication that the status mapping reads,
// parsed once from the object's JSON.
#ifndef FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_RESOURCE_H_
#define FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_RESOURCE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/tasklog/time_format.h"

namespace flyteplug::spark {

// Limits on the observed object (Kubernetes itself stores at most ~1.5 MiB).
inline constexpr size_t kMaxSparkApplicationJsonBytes = 16 << 20;
inline constexpr int kMaxSparkApplicationJsonDepth = 512;

// Absent and null fields read as empty strings / zero times, as Go's
// decoder leaves them.
struct ObservedSparkApplication {
  std::string name;            // metadata.name
  std::string namespace_name;  // metadata.namespace
  // metadata.creationTimestamp in Unix seconds; Go's zero time when absent.
  int64_t creation_unix_seconds = tasklog::kGoZeroTimeUnixSeconds;
  std::string state;                   // status.applicationState.state
  std::string error_message;           // status.applicationState.errorMessage
  std::string driver_pod_name;         // status.driverInfo.podName
  std::string web_ui_ingress_address;  // status.driverInfo.webUIIngressAddress
  std::string spark_application_id;    // status.sparkApplicationId
  // status.terminationTime in Unix seconds; Go's zero time when absent.
  int64_t termination_unix_seconds = tasklog::kGoZeroTimeUnixSeconds;
};

// Parses `json` (a SparkApplication as the API server returns it) with a
// streaming reader that keeps only the fields above (no DOM is built). As in
// Go's decoder, a repeated key is decoded again into the same field (the
// last string wins, objects merge) and null leaves a field unchanged. An
// empty timestamp string reads as absent. `kind`, when present, must be
// "SparkApplication".
// Errors: InvalidArgumentError naming the JSON path for text that is not
// JSON (with the byte offset), not UTF-8, larger than
// kMaxSparkApplicationJsonBytes, nested deeper than
// kMaxSparkApplicationJsonDepth, not an object, or with a read field of the
// wrong type or a malformed timestamp. Fields the mapping does not read are
// not validated. Thread-safe.
absl::StatusOr<ObservedSparkApplication> ParseObservedSparkApplication(
    absl::string_view json);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_TASK_PHASE_RESOURCE_H_
