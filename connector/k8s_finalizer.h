// Removing Flyte's finalizer from an object so that its deletion completes
// (DeleteTask of a Kubernetes-resource task).
#ifndef FLYTEPLUG_CONNECTOR_K8S_FINALIZER_H_
#define FLYTEPLUG_CONNECTOR_K8S_FINALIZER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "kube_api.h"

namespace flyteplug::connector {

// The JSON Patch that removes `finalizer` at `index` of metadata.finalizers,
// guarded by a `test` op on that index (so a list changed meanwhile makes
// the patch fail instead of removing another finalizer).
std::string RemoveFinalizerPatch(size_t index, absl::string_view finalizer);

// Removes kFlyteFinalizer (k8s_manifest.h) from the object at `ref`, whose
// current JSON is `object_json`: nothing when it does not carry it. When the
// patch fails with ABORTED (a conflict) or INVALID_ARGUMENT (the `test` op
// failed: the list changed), reads the object again and retries once.
// NOT_FOUND (the object is gone) is OK. `what` names the object in errors.
absl::Status RemoveFlyteFinalizer(kube::KubeApi& api,
                                  const kube::ObjectRef& ref,
                                  absl::string_view what,
                                  absl::string_view object_json,
                                  const kube::CallControl& control);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_K8S_FINALIZER_H_
