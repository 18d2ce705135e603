// What the connector needs to serve Kubernetes-resource modules: a
// Kubernetes API client and the REST mapping from a manifest's
// apiVersion/kind to the resource path (docs/connector.md, "Spark
// (k8s-resource modules) through the connector").
#ifndef FLYTEPLUG_CONNECTOR_KUBE_ACCESS_H_
#define FLYTEPLUG_CONNECTOR_KUBE_ACCESS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kube_api.h"

namespace flyteplug::connector {

// The REST mapping seam: (apiVersion, kind, namespace, name) of a manifest
// -> the ObjectRef its API path is built from (group, version, the
// lower-case plural resource, namespace, name). NOT_FOUND when the cluster
// serves no such kind; other errors as kube_api.h describes them.
// THREADING: called concurrently.
using ResolveResource = std::function<absl::StatusOr<kube::ObjectRef>(
    absl::string_view api_version, absl::string_view kind,
    absl::string_view namespace_name, absl::string_view name,
    const kube::CallControl& control)>;

// Both or neither: `api` null means the connector has no Kubernetes access
// and refuses Kubernetes-resource task types. LIFETIME: `api` outlives every
// service using it.
struct KubeAccess {
  kube::KubeApi* api = nullptr;
  ResolveResource resolve;

  bool enabled() const { return api != nullptr && resolve != nullptr; }
};

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_KUBE_ACCESS_H_
