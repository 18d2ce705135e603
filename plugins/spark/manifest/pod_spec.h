// The pod spec Flyte derives for a task before the Spark plugin reads fields
// out of it: flytek8s.ToK8sPodSpec (BuildRawPod, ApplyFlytePodConfiguration,
// the base PodTemplate merge), and MergeOverlayPodSpecOntoBase for the
// driverPod / executorPod overlays (spark-k8s-plugin.md §1b.3-§1b.5).
//
// Pod specs are Kubernetes PodSpec JSON held in RapidJSON values allocated
// from the caller's allocator. Pure functions apart from reading the
// process environment for `default-env-vars-from-env`; thread-safe.
#ifndef FLYTEPLUG_PLUGINS_SPARK_POD_SPEC_H_
#define FLYTEPLUG_PLUGINS_SPARK_POD_SPEC_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config.h"
#include "flyteplug/v1/task_context.pb.h"
#include "json_util.h"

namespace flyteplug::spark {

// ToK8sPodSpec's result.
struct FlytePod {
  json::Value spec{rapidjson::kObjectType};        // a PodSpec
  std::map<std::string, std::string> labels;       // objectMeta.labels
  std::map<std::string, std::string> annotations;  // objectMeta.annotations
  std::string primary_container_name;
};

// Flyte's ToK8sPodSpec for `context`, with IsInterruptible() =
// `interruptible` (the driver passes false). Errors: InvalidArgumentError
// with Flyte's BadTaskSpecification text naming the field (missing pod spec,
// missing primary_container_name, primary container not defined, invalid
// resource quantity, PodTemplate '<name>' does not exist, malformed pod
// spec JSON).
absl::StatusOr<FlytePod> ToK8sPodSpec(const flyteplug::v1::TaskContext& context,
                                      const K8sPluginConfig& k8s,
                                      bool interruptible,
                                      json::Allocator& allocator);

// Renders {{.Input}}-style templates in the command and args of every
// container and init container of `spec`.
void RenderContainerTemplates(json::Value& spec,
                              const flyteplug::v1::TaskContext& context,
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

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_POD_SPEC_H_
