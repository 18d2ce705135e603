// The Spark module's entry point: its static description and the exported
// `flyteplug_module_entry_v1`. All logic lives in flyteplug_spark_core.
#include "flyteplug/sdk/sdk.h"
#include "spark_plugin.h"

namespace flyteplug::spark {
namespace {

const sdk::ModuleDefinition& SparkModule() {
  static const sdk::ModuleDefinition* const definition = [] {
    auto* d = new sdk::ModuleDefinition();
    d->id = "spark";
    d->version = "1.0.0";
    d->description =
        "Spark on Kubernetes: SparkJob tasks as sparkoperator.k8s.io/v1beta2 "
        "SparkApplications (Flyte v1 compatible)";
    d->task_types = {{"spark", false}};
    d->config_sections = {"spark", "k8s"};
    d->make_k8s = [](const sdk::InitContext& init)
        -> absl::StatusOr<std::unique_ptr<sdk::K8sResourcePlugin>> {
      absl::StatusOr<std::unique_ptr<SparkPlugin>> plugin =
          SparkPlugin::Create(init);
      if (!plugin.ok()) return plugin.status();
      return std::unique_ptr<sdk::K8sResourcePlugin>(*std::move(plugin));
    };
    return d;
  }();
  return *definition;
}

}  // namespace
}  // namespace flyteplug::spark

FLYTEPLUG_DEFINE_MODULE(flyteplug::spark::SparkModule)
