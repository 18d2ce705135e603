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
  explicit TaskRouter(const LoaderClient& loader);

  // The web-API module serving `task_type`. NOT_FOUND "Cannot find connector
  // for task type: <t>." (flytekit's wording) when no module serves it or
  // the one that does is not a web-API module.
  absl::StatusOr<const LoaderClient::ModuleInfo*> Route(
      const std::string& task_type) const;

  const std::vector<LoaderClient::ModuleInfo>& modules() const {
    return modules_;
  }

 private:
  const LoaderClient& loader_;
  std::vector<LoaderClient::ModuleInfo> modules_;
};

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_TASK_ROUTER_H_
