// The parts of a Kubernetes object's JSON the connector reads or sets: the
// manifest a module's build_resource returns, and objects the API server
// returns. Nothing here talks to the API server.
#ifndef FLYTEPLUG_CONNECTOR_K8S_MANIFEST_H_
#define FLYTEPLUG_CONNECTOR_K8S_MANIFEST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteidl/core/identifier.pb.h"

namespace flyteplug::connector {

// The annotation the connector stamps on every object it creates: which task
// execution (attempt) owns it. A create that finds an object of the same
// name carrying another value (or none) refuses to adopt it.
inline constexpr absl::string_view kTaskExecutionAnnotation =
    "flyteplug/task-execution";

// Flyte's finalizer (flytek8s `inject-finalizer`): DeleteTask removes it so
// the deletion completes.
inline constexpr absl::string_view kFlyteFinalizer = "flyte.org/finalizer-k8s";

// "<project>/<domain>/<execution name>/<node id>/<retry attempt>": one task
// execution attempt, the value of kTaskExecutionAnnotation.
std::string TaskExecutionKey(const flyteidl::core::TaskExecutionIdentifier& id);

// A manifest ready to create.
struct PreparedManifest {
  std::string api_version;
  std::string kind;
  std::string namespace_name;
  std::string name;
  std::string json;  // the object to POST, keys sorted
};

// Reads apiVersion, kind and metadata.name of `manifest_json` (a module's
// build_resource output) and sets metadata.namespace to
// `default_namespace` when the module left it empty, and the
// kTaskExecutionAnnotation to `task_execution_key`. INVALID_ARGUMENT naming
// the module and the field when the manifest is not a JSON object, or
// apiVersion, kind or metadata.name are missing or empty, or the namespace
// is empty in both.
absl::StatusOr<PreparedManifest> PrepareManifest(
    absl::string_view module_id, absl::string_view manifest_json,
    absl::string_view default_namespace, absl::string_view task_execution_key);

// What the connector reads from an object the API server returned.
struct ObservedObject {
  std::string kind;
  std::string task_execution_key;  // kTaskExecutionAnnotation, or ""
  std::vector<std::string> finalizers;
};

// INVALID_ARGUMENT naming `what` when `object_json` is not a JSON object or
// the fields above have the wrong types.
absl::StatusOr<ObservedObject> ReadObservedObject(
    absl::string_view what, absl::string_view object_json);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_K8S_MANIFEST_H_
