// The agents a connector server announces (ListAgents, GetAgent).
#ifndef FLYTEPLUG_CONNECTOR_AGENTS_H_
#define FLYTEPLUG_CONNECTOR_AGENTS_H_

#include <vector>

#include "flyteidl/admin/agent.pb.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::connector {

// One agent per web-API module that serves at least one task type, in
// module order: name = the module id, is_sync false,
// supported_task_categories = the task types the registry routes to it
// (version 0), and the deprecated supported_task_types the same names.
// Kubernetes-resource modules are agents the same way only when
// `include_k8s_resources` (the connector creates and watches their objects
// itself, which needs Kubernetes access).
std::vector<flyteidl::admin::Agent> BuildAgents(
    const std::vector<LoaderClient::ModuleInfo>& modules,
    bool include_k8s_resources);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_AGENTS_H_
