// Shape checks of Kubernetes PodSpec JSON coming from users (k8sPod targets,
// driverPod / executorPod overlays, pod templates).
#ifndef FLYTEPLUG_FLYTEK8S_POD_SPEC_CHECK_H_
#define FLYTEPLUG_FLYTEK8S_POD_SPEC_CHECK_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "flyteplug/sdk/json.h"

namespace flyteplug::flytek8s {

namespace json = ::flyteplug::sdk::json;

namespace json = ::flyteplug::sdk::json;

// Checks that the parts of a PodSpec the module reads have the right JSON
// types (containers and init containers with their name, image, args,
// command, env, resources, securityContext; tolerations, nodeSelector,
// affinity terms, securityContext, dnsConfig, hostNetwork and the string
// fields). Errors: InvalidArgumentError naming `what` and the path, e.g.
// "Unable to unmarshal driver pod spec: containers[0].args[1]: expected a
// string, got a number". Pure; thread-safe.
absl::Status CheckPodSpec(const json::Value& spec, absl::string_view what);

}  // namespace flyteplug::flytek8s

#endif  // FLYTEPLUG_FLYTEK8S_POD_SPEC_CHECK_H_
