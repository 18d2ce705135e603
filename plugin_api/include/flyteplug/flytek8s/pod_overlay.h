// Pod spec overlays: Flyte's MergeOverlayPodSpecOntoBase (e.g. Spark's
// driverPod / executorPod) and Flyte 2's platform scheduling constraints for
// a pod spec that did not go through ToK8sPodSpec
// (docs/flyte-compatibility.md, "Spark: the base pod spec (flytek8s)").
#ifndef FLYTEPLUG_FLYTEK8S_POD_OVERLAY_H_
#define FLYTEPLUG_FLYTEK8S_POD_OVERLAY_H_

#include "flyteplug/flytek8s/config.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_merge.h"

namespace flyteplug::flytek8s {

namespace json = ::flyteplug::sdk::json;

namespace json = ::flyteplug::sdk::json;

// Flyte's MergeOverlayPodSpecOntoBase: `overlay` is merged onto `base` with
// override + append-slice semantics, then the containers (and init
// containers) are rebuilt from `base`'s list, each merged with the overlay
// containers of the same name; other overlay containers are dropped. With
// `dedupe`, an overlay container's args are not appended when they equal
// the base container's, and env entries equal to one already present are
// skipped. Pure; thread-safe.
void MergeOverlayPodSpec(json::Value& base, const json::Value& overlay,
                         bool dedupe, json::Allocator& allocator);

// Flyte 2's ApplyPlatformSchedulingConstraints on a pod spec that did not go
// through Flyte's pod building (a custom pod template passed through): the
// default affinity when there is none, the (non-)interruptible requirement
// on every required term, the default and interruptible node selectors and
// the platform tolerations (deduplicated).
void ApplyPlatformConstraints(json::Value& spec, bool interruptible,
                              const K8sPluginConfig& k8s,
                              json::Allocator& allocator);

}  // namespace flyteplug::flytek8s

#endif  // FLYTEPLUG_FLYTEK8S_POD_OVERLAY_H_
