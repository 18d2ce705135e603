#include "spark_plugin.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "config.h"
#include "task_phase.h"

namespace flyteplug::spark {

absl::StatusOr<std::unique_ptr<SparkPlugin>> SparkPlugin::Create(
    const sdk::InitContext& init) {
  std::vector<std::string> warnings;
  absl::StatusOr<ModuleConfig> config =
      ParseModuleConfig(init.config, &warnings);
  if (!config.ok()) return config.status();
  sdk::LogConfigWarnings(init.host, "spark", warnings);
  absl::StatusOr<std::unique_ptr<SparkApplicationBuilder>> builder =
      SparkApplicationBuilder::Create(*std::move(config));
  if (!builder.ok()) return builder.status();
  return std::unique_ptr<SparkPlugin>(
      new SparkPlugin(init.host, *std::move(builder)));
}

absl::StatusOr<std::string> SparkPlugin::BuildResource(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) const {
  int64_t now = host_ != nullptr ? host_->NowUnixNanos() : 0;
  return builder_->BuildResource(context, now);
}

absl::StatusOr<std::string> SparkPlugin::BuildIdentityResource(
    const flyteplug::abi::flyteplug::v1::TaskContext& /*context*/) const {
  return SparkApplicationBuilder::BuildIdentityResource();
}

absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo>
SparkPlugin::GetTaskPhase(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    absl::string_view resource_json) const {
  int64_t now = host_ != nullptr ? host_->NowUnixNanos() : 0;
  const SparkPluginConfig& spark = builder_->config().spark;
  return GetSparkTaskPhase(context, resource_json, spark.logs,
                           spark.spark_history_server_url, now);
}

}  // namespace flyteplug::spark
