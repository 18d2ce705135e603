// Steps 3-4 of the Spark module's BuildResource: one role's (driver's or
// executor's) SparkPodSpec, as Flyte's createDriverSpec / createExecutorSpec
// build it from Flyte's pod spec, with the improvement switches that shape
// it (README.md, "Improvements over Flyte v1").
#ifndef FLYTEPLUG_PLUGINS_SPARK_ROLE_SPEC_H_
#define FLYTEPLUG_PLUGINS_SPARK_ROLE_SPEC_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "config.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/flytek8s/pod_spec.h"
#include "flyteplug/sdk/json.h"
#include "spark_job.h"

namespace flyteplug::spark {

namespace json = ::flyteplug::sdk::json;
using ::flyteplug::flytek8s::FlytePod;
using ::flyteplug::flytek8s::PreparedPod;

// Everything the steps of one build read. Borrowed for the build.
struct BuildInputs {
  const flyteplug::abi::flyteplug::v1::TaskContext& context;
  const SparkPluginConfig& spark;
  const K8sPluginConfig& k8s;
  json::Allocator& allocator;
};

// One role (driver or executor) being built.
struct Role {
  Role(bool is_driver, const RolePod& role_overlay, bool is_interruptible)
      : driver(is_driver),
        overlay(role_overlay),
        interruptible(is_interruptible) {}

  const char* name() const { return driver ? "driver" : "executor"; }
  // The SparkJob field holding the role's overlay.
  const char* overlay_field() const {
    return driver ? "driverPod" : "executorPod";
  }

  const bool driver;
  const RolePod& overlay;    // custom.driverPod / custom.executorPod
  const bool interruptible;  // the driver is always on-demand
  FlytePod pod;              // Flyte's pod spec with the overlay merged
  std::string primary;       // name of the role's primary container
  json::Value spec{rapidjson::kObjectType};  // SparkPodSpec
  std::string template_container;            // for podTemplateContainerName
};

// Builds role.spec: Flyte's pod spec for the role (ToK8sPodSpec finished
// from `prepared`, flytek8s::PreparePodSpec of the task, the role's
// overlay merged with `overlay-primary-container-alias`,
// `dedupe-overlay-containers` and `enforce-platform-affinity`), then labels,
// annotations, env, image, scheduling fields, service account, the typed
// sparkConf fields, container resources (`propagate-container-resources`)
// and the pod template (`enable-pod-template`, which also sets
// role.template_container). Returns the role's primary container, inside
// role.pod.spec. Errors: InvalidArgumentError from ToK8sPodSpec, a malformed
// overlay pod spec, or a primary container the pod does not define.
absl::StatusOr<const json::Value*> BuildRoleSpec(
    const BuildInputs& in, const std::map<std::string, std::string>& conf,
    PreparedPod prepared, Role& role);

// Drops the role's empty labels and annotations, close to Go's omitempty.
void PruneEmptyRoleMaps(json::Value& spec);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_ROLE_SPEC_H_
