// The resource_meta of a Kubernetes-resource task: everything GetTask and
// DeleteTask need, as deterministic JSON (docs/connector.md, "Spark
// (k8s-resource modules) through the connector"). Never a credential.
//
// Format 1 (keys sorted byte-wise, compact):
//   {"format":"flyteplug.k8s-resource-meta/1",
//    "object":{"cluster","group","kind","name","namespace","resource",
//              "version"},
//    "task":{"config":{<TaskTemplate.config>},"generatedName",
//            "executionId":<TaskExecutionIdentifier, proto3 JSON>,
//            "uniqueNodeId"}}
// "task" is what a module's get_task_phase reads from the TaskContext (the
// log-link template inputs and the task config dynamic links read).
#ifndef FLYTEPLUG_CONNECTOR_K8S_RESOURCE_META_H_
#define FLYTEPLUG_CONNECTOR_K8S_RESOURCE_META_H_

#include <cstddef>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteidl/core/identifier.pb.h"
#include "kube_api.h"

namespace flyteplug::connector {

inline constexpr absl::string_view kK8sResourceMetaFormat =
    "flyteplug.k8s-resource-meta/1";
// The largest resource_meta encoded or accepted.
inline constexpr size_t kMaxK8sResourceMetaBytes = 64 << 10;

struct K8sResourceMeta {
  std::string cluster;  // KubeApi::cluster_name() at create
  std::string kind;     // the manifest's kind, for messages
  kube::ObjectRef object;
  flyteidl::core::TaskExecutionIdentifier task_execution_id;
  std::string unique_node_id;
  std::string generated_name;
  std::map<std::string, std::string> task_config;
};

// The format-1 bytes of `meta`. INVALID_ARGUMENT when they would exceed
// kMaxK8sResourceMetaBytes (a task config too large), naming the size.
absl::StatusOr<std::string> EncodeK8sResourceMeta(const K8sResourceMeta& meta);

// Parses and validates format-1 bytes. INVALID_ARGUMENT "resource_meta: ..."
// naming the field for bytes that are too large, not JSON, of another
// format, or missing/mistyped fields (cluster, kind, version, resource,
// namespace and name must be non-empty; group may be empty for the core
// group).
absl::StatusOr<K8sResourceMeta> DecodeK8sResourceMeta(absl::string_view bytes);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_K8S_RESOURCE_META_H_
