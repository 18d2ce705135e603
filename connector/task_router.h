// Which loaded module serves a connector request's task type.
#ifndef FLYTEPLUG_CONNECTOR_TASK_ROUTER_H_
#define FLYTEPLUG_CONNECTOR_TASK_ROUTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::connector {

// Snapshot of the loader's modules (the registry never changes once the
// loader is open). THREADING: immutable after construction; thread-safe.
// LIFETIME: `loader` must outlive this object.
class TaskRouter {
 public:
  // `serve_k8s_resources`: whether Kubernetes-resource modules are routed
  // too (the connector was given Kubernetes access, kube_access.h).
  TaskRouter(const LoaderClient& loader, bool serve_k8s_resources);

  // The module serving `task_type`: a web-API module, or a
  // Kubernetes-resource one when they are served. NOT_FOUND "Cannot find
  // connector for task type: <t>." (flytekit's wording) when no module
  // serves it; for a Kubernetes-resource module without Kubernetes access
  // the message goes on to say that the connector has none configured.
  absl::StatusOr<const LoaderClient::ModuleInfo*> Route(
      const std::string& task_type) const;

  const std::vector<LoaderClient::ModuleInfo>& modules() const {
    return modules_;
  }

 private:
  const LoaderClient& loader_;
  std::vector<LoaderClient::ModuleInfo> modules_;
  bool serve_k8s_resources_;
};

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_TASK_ROUTER_H_
