// CreateTask, GetTask and DeleteTask for Kubernetes-resource modules: the
// module builds the object and maps an observed one to a phase; this class
// creates, reads and deletes it through a KubeApi (docs/connector.md,
// "Spark (k8s-resource modules) through the connector").
//
// THREADING: const methods, safe to call concurrently. LIFETIME: `loader`
// and `kube.api` outlive this object.
#ifndef FLYTEPLUG_CONNECTOR_K8S_RESOURCE_TASKS_H_
#define FLYTEPLUG_CONNECTOR_K8S_RESOURCE_TASKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/loader_client.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "flyteplug/v1/task_context.pb.h"
#include "k8s_resource_meta.h"
#include "kube_access.h"

namespace flyteplug::connector {

// The failure code of a GetTask whose object is gone (Flyte's k8s plugin
// manager uses the same one).
inline constexpr absl::string_view kResourceDeletedExternally =
    "ResourceDeletedExternally";

class K8sResourceTasks {
 public:
  // REQUIRES: kube.enabled().
  K8sResourceTasks(const LoaderClient& loader, const KubeAccess& kube);

  // build_resource for `task_context`, then creates the object (namespace
  // defaulted from the TaskContext's, the kTaskExecutionAnnotation set) and
  // returns its resource_meta. An object of the same kind, namespace and
  // name that already carries this task execution's annotation (a retried
  // create) is adopted: OK, never a second object. One without it is
  // FAILED_PRECONDITION naming the object and both owners. Module and
  // Kubernetes errors pass through with their codes.
  absl::StatusOr<std::string> Create(
      const LoaderClient::ModuleInfo& module,
      const flyteplug::v1::TaskContext& task_context,
      const kube::CallControl& control) const;

  // Reads the object named by `resource_meta` and returns the module's
  // get_task_phase for it, called with the status TaskContext
  // (TaskContextForStatus plus the meta's task fields). A vanished object is
  // a RETRYABLE_FAILURE phase (kResourceDeletedExternally, SYSTEM) naming
  // it. INVALID_ARGUMENT for bad resource_meta or one naming another
  // cluster; Kubernetes errors pass through.
  absl::StatusOr<flyteplug::v1::PhaseInfo> Get(
      absl::string_view task_type, int32_t task_type_version,
      absl::string_view output_prefix, absl::string_view resource_meta,
      const kube::CallControl& control) const;

  // Removes Flyte's finalizer when the object carries it, then deletes the
  // object (background propagation). An object already gone is OK.
  absl::Status Delete(absl::string_view resource_meta,
                      const kube::CallControl& control) const;

 private:
  // Decodes `resource_meta` and checks it names this client's cluster.
  absl::StatusOr<K8sResourceMeta> DecodeForThisCluster(
      absl::string_view resource_meta) const;
  // ALREADY_EXISTS on create: OK when the existing object is this task
  // execution's.
  absl::Status AdoptExisting(const K8sResourceMeta& meta,
                             absl::string_view task_execution_key,
                             const kube::CallControl& control) const;

  const LoaderClient& loader_;
  KubeAccess kube_;
};

// "<kind> <namespace>/<name>", for messages.
std::string DescribeObject(const K8sResourceMeta& meta);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_K8S_RESOURCE_TASKS_H_
