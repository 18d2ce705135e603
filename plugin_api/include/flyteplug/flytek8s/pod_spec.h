// The pod spec Flyte derives for a Kubernetes task (flytek8s/pod_helper.go):
// ToK8sPodSpec = BuildRawPod (the task's container or k8sPod target, the
// execution's pod template override), ApplyFlytePodConfiguration (container
// customisation, UpdatePod, the base PodTemplate merge), extended resources
// and the execution's image override. Any Kubernetes module reuses it; the
// spark module reads the driver's and executor's fields out of it. See
// docs/flyte-compatibility.md.
//
// Pod specs are Kubernetes PodSpec JSON held in RapidJSON values allocated
// from the caller's allocator. Pure functions apart from reading the
// process environment for `default-env-vars-from-env`; thread-safe.
#ifndef FLYTEPLUG_FLYTEK8S_POD_SPEC_H_
#define FLYTEPLUG_FLYTEK8S_POD_SPEC_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/flytek8s/config.h"
#include "flyteplug/sdk/json.h"

namespace flyteplug::flytek8s {

namespace json = ::flyteplug::sdk::json;

namespace json = ::flyteplug::sdk::json;

// ToK8sPodSpec's result.
struct FlytePod {
  json::Value spec{rapidjson::kObjectType};        // a PodSpec
  std::map<std::string, std::string> labels;       // objectMeta.labels
  std::map<std::string, std::string> annotations;  // objectMeta.annotations
  std::string primary_container_name;
};

// Flyte's ToK8sPodSpec for `context`, with IsInterruptible() =
// `interruptible` (a module may pass false for a pod that must stay
// on-demand, as Spark's driver does). Values are allocated from `allocator`,
// which must outlive the result. Errors: InvalidArgumentError
// with Flyte's BadTaskSpecification text naming the field (missing pod spec,
// missing primary_container_name, primary container not defined, invalid
// resource quantity, PodTemplate '<name>' does not exist, malformed pod
// spec JSON).
absl::StatusOr<FlytePod> ToK8sPodSpec(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, bool interruptible, json::Allocator& allocator);

// ToK8sPodSpec in two halves, for a module that builds several pods of one
// task that differ only in IsInterruptible() (Spark's driver and executor):
// the first half once, a copy of it per pod, the second half per pod.
// FinishPodSpec(context, k8s, i, allocator, *PreparePodSpec(context, k8s,
// allocator)) is ToK8sPodSpec(context, k8s, i, allocator), errors included.
struct PreparedPod {
  FlytePod pod;                          // containers customised
  std::set<std::string> resource_names;  // resources the pod uses
};
// BuildRawPod, the pod template check and the container customisation.
absl::StatusOr<PreparedPod> PreparePodSpec(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator);
// UpdatePod with `interruptible`, the default security context, the base
// PodTemplate merge and the execution's extras, on `prepared` (consumed).
absl::StatusOr<FlytePod> FinishPodSpec(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, bool interruptible, json::Allocator& allocator,
    PreparedPod prepared);
// A deep copy of `prepared`, its values allocated from `allocator`.
PreparedPod CopyPreparedPod(const PreparedPod& prepared,
                            json::Allocator& allocator);

// Renders {{.Input}}-style templates in the command and args of every
// container and init container of `spec`.
void RenderContainerTemplates(
    json::Value& spec,
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    json::Allocator& allocator);

// Appends `requirement` to every required node-selector term of `affinity`
// (an object), creating one term when there is none (Flyte's
// ApplyInterruptibleNodeSelectorRequirement). With `skip_present`, terms that
// already hold an equal requirement are left alone.
void AddRequiredNodeSelectorRequirement(json::Value& affinity,
                                        const json::Value& requirement,
                                        bool skip_present,
                                        json::Allocator& allocator);

// The container named `name` in spec.containers, or nullptr.
json::Value* FindContainer(json::Value& spec, absl::string_view name);

}  // namespace flyteplug::flytek8s

#endif  // FLYTEPLUG_FLYTEK8S_POD_SPEC_H_
