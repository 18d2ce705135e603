// The connector protocol's services over a loader: AsyncAgentService
// (CreateTask, GetTask, DeleteTask; GetTaskMetrics and GetTaskLogs answer
// UNIMPLEMENTED) and AgentMetadataService (GetAgent, ListAgents). Web-API
// modules run their remote jobs themselves; Kubernetes-resource modules are
// served only with Kubernetes access (ServiceDeps::kube), their objects
// created, read and deleted by K8sResourceTasks. Semantics and error codes:
// docs/connector.md.
//
// The services keep no per-task state: everything GetTask and DeleteTask
// need travels in resource_meta, so any replica answers any request.
// THREADING: every method is called concurrently by gRPC's thread pool;
// module calls block only the thread that makes them.
#ifndef FLYTEPLUG_CONNECTOR_AGENT_SERVICES_H_
#define FLYTEPLUG_CONNECTOR_AGENT_SERVICES_H_

#include <optional>
#include <string>
#include <vector>

#include "connector_metrics.h"
#include "flyteidl/service/agent.grpc.pb.h"
#include "flyteplug/loader_client.h"
#include "k8s_resource_tasks.h"
#include "kube_access.h"
#include "request_log.h"
#include "task_router.h"

namespace flyteplug::connector {

// What both services share. LIFETIME: `loader`, `metrics`, `log` and `kube`
// (with its api) outlive the services.
struct ServiceDeps {
  const LoaderClient* loader;
  ConnectorMetrics* metrics;
  const RequestLog* log;
  // Null (or not enabled()): Kubernetes-resource task types are refused.
  const KubeAccess* kube = nullptr;
};

// Whether `deps` serve Kubernetes-resource modules.
inline bool ServesK8sResources(const ServiceDeps& deps) {
  return deps.kube != nullptr && deps.kube->enabled();
}

class AsyncAgentServiceImpl final
    : public flyteidl::service::AsyncAgentService::Service {
 public:
  explicit AsyncAgentServiceImpl(const ServiceDeps& deps);

  grpc::Status CreateTask(
      grpc::ServerContext* context,
      const flyteidl::admin::CreateTaskRequest* request,
      flyteidl::admin::CreateTaskResponse* response) override;
  grpc::Status GetTask(grpc::ServerContext* context,
                       const flyteidl::admin::GetTaskRequest* request,
                       flyteidl::admin::GetTaskResponse* response) override;
  grpc::Status DeleteTask(
      grpc::ServerContext* context,
      const flyteidl::admin::DeleteTaskRequest* request,
      flyteidl::admin::DeleteTaskResponse* response) override;
  // No module offers task metrics or logs through the ABI: UNIMPLEMENTED,
  // with a message saying so (propeller then shows no metrics or logs).
  grpc::Status GetTaskMetrics(
      grpc::ServerContext* context,
      const flyteidl::admin::GetTaskMetricsRequest* request,
      flyteidl::admin::GetTaskMetricsResponse* response) override;
  grpc::Status GetTaskLogs(
      grpc::ServerContext* context,
      const flyteidl::admin::GetTaskLogsRequest* request,
      grpc::ServerWriter<flyteidl::admin::GetTaskLogsResponse>* writer)
      override;

 private:
  class Call;
  struct Routed {
    std::string task_type;
    const LoaderClient::ModuleInfo* module;
  };

  // Get/Delete routing: the task type (task_category.name, else the
  // deprecated task_type) and its module.
  absl::StatusOr<Routed> Route(Call& call,
                               const flyteidl::admin::TaskCategory& category,
                               const std::string& deprecated_task_type) const;

  // The Kubernetes-resource halves of the three calls.
  grpc::Status CreateK8sTask(Call& call, const LoaderClient::ModuleInfo& module,
                             const flyteplug::v1::TaskContext& task_context,
                             flyteidl::admin::CreateTaskResponse* response);
  grpc::Status GetK8sTask(Call& call, const Routed& routed,
                          const flyteidl::admin::GetTaskRequest& request,
                          flyteidl::admin::GetTaskResponse* response);

  ServiceDeps deps_;
  TaskRouter router_;
  std::optional<K8sResourceTasks> k8s_;  // set when ServesK8sResources
};

class AgentMetadataServiceImpl final
    : public flyteidl::service::AgentMetadataService::Service {
 public:
  explicit AgentMetadataServiceImpl(const ServiceDeps& deps);

  grpc::Status GetAgent(grpc::ServerContext* context,
                        const flyteidl::admin::GetAgentRequest* request,
                        flyteidl::admin::GetAgentResponse* response) override;
  grpc::Status ListAgents(
      grpc::ServerContext* context,
      const flyteidl::admin::ListAgentsRequest* request,
      flyteidl::admin::ListAgentsResponse* response) override;

 private:
  const RequestLog* log_;
  std::vector<flyteidl::admin::Agent> agents_;  // immutable
};

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_AGENT_SERVICES_H_
