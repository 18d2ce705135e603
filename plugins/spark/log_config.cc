#include "log_config.h"

namespace flyteplug::spark {

SparkLogsConfig DefaultSparkLogsConfig() { return SparkLogsConfig(); }

absl::StatusOr<SparkLogsConfig> ParseSparkLogsConfig(
    const rapidjson::Value* /*logs*/, std::vector<std::string>* /*unknown*/) {
  return absl::UnimplementedError("ParseSparkLogsConfig: not implemented yet");
}

}  // namespace flyteplug::spark
