// The Spark module's plugin object: configuration parsed once at init, then
// build_resource / build_identity_resource / get_task_phase.
#ifndef FLYTEPLUG_PLUGINS_SPARK_SPARK_PLUGIN_H_
#define FLYTEPLUG_PLUGINS_SPARK_SPARK_PLUGIN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "flyteplug/sdk/sdk.h"
#include "spark_application.h"

namespace flyteplug::spark {

class SparkPlugin : public sdk::K8sResourcePlugin {
 public:
  // Parses `init.config` ({"spark":{...},"k8s":{...}}), warns through the
  // host log about every unknown key (naming its path) and compiles the CRD
  // schema. Errors: InvalidArgumentError naming the bad key.
  static absl::StatusOr<std::unique_ptr<SparkPlugin>> Create(
      const sdk::InitContext& init);

  absl::StatusOr<std::string> BuildResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const override;
  absl::StatusOr<std::string> BuildIdentityResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const override;
  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> GetTaskPhase(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource_json) const override;

  const ModuleConfig& config() const { return builder_->config(); }

 private:
  SparkPlugin(const sdk::Host* host,
              std::unique_ptr<SparkApplicationBuilder> builder)
      : host_(host), builder_(std::move(builder)) {}

  const sdk::Host* host_;  // not owned; outlives the plugin
  std::unique_ptr<SparkApplicationBuilder> builder_;
};

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_SPARK_PLUGIN_H_
