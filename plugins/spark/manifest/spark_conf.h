// sparkConf assembly (Flyte's getSparkConf, docs/flyte-compatibility.md) and
// the typed driver and executor fields derived from it.
#ifndef FLYTEPLUG_PLUGINS_SPARK_SPARK_CONF_H_
#define FLYTEPLUG_PLUGINS_SPARK_SPARK_CONF_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "config.h"
#include "spark_job.h"

namespace flyteplug::spark {

// The feature name of a toggle key (`^spark.((flyteorg)|(flyte)).(.+).enabled$`
// with Flyte's unescaped dots, each matching any character), or nullopt.
std::optional<std::string> FeatureToggleName(absl::string_view key);

// `name` as a legal Spark executor pod name prefix: a DNS-1123 label of at
// most 47 characters. Valid names are returned unchanged; longer ones keep a
// readable head and end in a hash of the whole name, so distinct names stay
// distinct.
std::string SanitizePodNamePrefix(absl::string_view name);

// Builds the final sparkConf in Flyte's order: spark-config-default,
// executorPath, user keys and feature toggles, derived limit cores,
// podNamePrefix = `generated_name`, driverEnv.FLYTE_START_TIME (ms from
// `now_unix_nanos`). With `user_spark_conf_wins`, toggles are expanded
// before the explicit user keys are applied, so an explicit key always wins;
// without it the user keys are applied in key order, each toggle expanding
// where it sorts (Flyte's order is random). Pure; thread-safe.
std::map<std::string, std::string> AssembleSparkConf(
    const SparkJobSpec& job, const SparkPluginConfig& config,
    absl::string_view generated_name, int64_t now_unix_nanos);

// `value` parsed as Go's strconv.ParseInt(value, 10, 32); nullopt on failure
// or 0 (Flyte's intPtr drops zero).
std::optional<int32_t> ParseSparkInt(const std::string* value);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_SPARK_CONF_H_
