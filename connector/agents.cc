#include "agents.h"

#include <string>

#include "absl/strings/str_split.h"
#include "deprecated_fields.h"

namespace flyteplug::connector {

std::vector<flyteidl::admin::Agent> BuildAgents(
    const std::vector<LoaderClient::ModuleInfo>& modules,
    bool include_k8s_resources) {
  std::vector<flyteidl::admin::Agent> agents;
  for (const LoaderClient::ModuleInfo& module : modules) {
    const bool served = module.family == FLYTEPLUG_FAMILY_WEB_API ||
                        (include_k8s_resources &&
                         module.family == FLYTEPLUG_FAMILY_K8S_RESOURCE);
    if (!served) continue;
    flyteidl::admin::Agent agent;
    agent.set_name(module.id);
    agent.set_is_sync(false);
    for (absl::string_view type :
         absl::StrSplit(module.task_types, ',', absl::SkipEmpty())) {
      flyteidl::admin::TaskCategory* category =
          agent.add_supported_task_categories();
      category->set_name(std::string(type));
      category->set_version(0);
      AddDeprecatedTaskType(std::string(type), &agent);
    }
    if (agent.supported_task_categories_size() == 0) continue;
    agents.push_back(std::move(agent));
  }
  return agents;
}

}  // namespace flyteplug::connector
