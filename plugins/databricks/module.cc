// The databricks module's entry point: its static description for the
// loader. The only file with a C-reachable symbol (via the SDK macro).
#include "databricks_plugin.h"
#include "flyteplug/sdk/sdk.h"

namespace flyteplug::databricks {
namespace {

const flyteplug::sdk::ModuleDefinition& Definition() {
  static const flyteplug::sdk::ModuleDefinition* definition = [] {
    auto* d = new flyteplug::sdk::ModuleDefinition();
    d->id = "databricks";
    d->version = "0.1.0";
    d->description =
        "Runs Flyte Spark tasks as Databricks one-time runs (Jobs API 2.1)";
    // `spark` is the legacy route (SparkJob with databricksConf), served only
    // when default-for-task-types maps spark to this module.
    d->task_types = {{"databricks", false}, {"spark", true}};
    d->config_sections = {"databricks"};
    d->make_webapi = [](const flyteplug::sdk::InitContext& context)
        -> absl::StatusOr<std::unique_ptr<flyteplug::sdk::WebApiPlugin>> {
      auto plugin = DatabricksPlugin::Create(context.host, context.config);
      if (!plugin.ok()) return plugin.status();
      return std::unique_ptr<flyteplug::sdk::WebApiPlugin>(std::move(*plugin));
    };
    return d;
  }();
  return *definition;
}

}  // namespace
}  // namespace flyteplug::databricks

FLYTEPLUG_DEFINE_MODULE(flyteplug::databricks::Definition)
