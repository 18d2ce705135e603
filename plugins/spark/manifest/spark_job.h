// SparkJob (flyteidl.plugins.SparkJob) read from TaskTemplate.custom. Also
// linked by the databricks module (library flyteplug_spark_job), so both
// modules read a SparkJob by the same rules.
#ifndef FLYTEPLUG_PLUGINS_SPARK_SPARK_JOB_H_
#define FLYTEPLUG_PLUGINS_SPARK_SPARK_JOB_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"

namespace flyteplug::spark {

// SparkApplication.Type numbers (flyteidl.plugins.SparkApplication.Type).
inline constexpr int32_t kApplicationPython = 0;
inline constexpr int32_t kApplicationJava = 1;
inline constexpr int32_t kApplicationScala = 2;
inline constexpr int32_t kApplicationR = 3;

// SparkJob.driverPod / executorPod (flyteidl.core.K8sPod).
struct RolePod {
  bool present = false;
  bool has_metadata = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  // The pod spec Struct inside the parsed `custom`; nullptr when absent.
  // Borrowed: valid as long as the Struct given to ParseSparkJob.
  const flyteplug::abi::google::protobuf::Struct* pod_spec = nullptr;
  std::string primary_container_name;
};

// The fields of SparkJob the Kubernetes plugin reads. The Databricks fields
// (databricksConf, databricksToken, databricksInstance) are checked for type
// and otherwise ignored.
struct SparkJobSpec {
  // SparkApplication.Type: PYTHON 0, JAVA 1, SCALA 2, R 3; other numbers are
  // kept (and map to "Python", as Flyte does).
  int32_t application_type = 0;
  std::string main_application_file;
  std::string main_class;
  std::string executor_path;
  std::map<std::string, std::string> spark_conf;
  std::map<std::string, std::string> hadoop_conf;
  RolePod driver_pod;
  RolePod executor_pod;
};

// Reads SparkJob from `custom` by walking the Struct directly, with proto3
// JSON rules: JSON (camelCase) or original field names, enums by name or
// number, unknown keys ignored, map values must be strings, null means
// default. Errors: InvalidArgumentError naming the field, e.g.
// `invalid TaskSpecification, failed to unmarshal custom into SparkJob:
// custom.sparkConf["spark.executor.cores"]: map values must be strings, got
// a number`. The message never echoes values (custom may hold a token).
// Thread-safe; `custom` must outlive the result (RolePod::pod_spec).
absl::StatusOr<SparkJobSpec> ParseSparkJob(
    const flyteplug::abi::google::protobuf::Struct& custom);

// Only SparkJob.applicationType of `custom` (0 when absent or null), by
// ParseSparkJob's rules and with its errors.
absl::StatusOr<int32_t> ParseApplicationType(
    const flyteplug::abi::google::protobuf::Struct& custom);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_SPARK_JOB_H_
