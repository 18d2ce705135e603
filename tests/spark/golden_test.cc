// Golden manifests: each rule of docs/flyte-compatibility.md on container and
// k8sPod targets, interruptible and not, with and without overlays and pod
// templates, and every improvement with its switch on and off. The golden
// files were reviewed by hand against the spec; regenerate with
// FLYTEPLUG_UPDATE_GOLDEN=1 only after reviewing the diff.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::spark::testing {
namespace {

// kFlyteTestConfig with extra `plugins.spark` keys (a JSON fragment that
// starts with a comma, or empty).
std::string FlyteConfigWith(absl::string_view spark_extra,
                            absl::string_view k8s_extra = "") {
  std::string config = kFlyteTestConfig;
  if (!spark_extra.empty()) {
    size_t at = config.find("\"features\"");
    config.insert(at, absl::StrCat(spark_extra, ", "));
  }
  if (!k8s_extra.empty()) {
    size_t at = config.find("\"default-affinity\"");
    config.insert(at, absl::StrCat(k8s_extra, ", "));
  }
  return config;
}

// Flyte v1 behaviour everywhere the improvements change it.
constexpr char kFlyteV1Switches[] =
    R"("spark-version": "", "user-spark-conf-wins": false,
       "sanitize-pod-name-prefix": false, "enforce-platform-affinity": false,
       "dedupe-overlay-containers": false,
       "overlay-primary-container-alias": false)";

void Golden(const std::string& name, absl::string_view config,
            const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  absl::StatusOr<std::string> manifest = Build(config, context);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  ExpectGolden(name, *manifest);
}

// A k8sPod-target task: primary container "primary" plus a sidecar, pod-level
// tolerations, node selector, affinity, priority class and security context.
flyteplug::abi::flyteplug::v1::TaskContext PodTargetContext(
    bool interruptible) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  flyteplug::abi::flyteidl::core::TaskTemplate& task =
      *context.mutable_task_template();
  task.clear_container();
  (*task.mutable_config())["primary_container_name"] = "primary";
  flyteplug::abi::flyteidl::core::K8sPod& pod = *task.mutable_k8s_pod();
  (*pod.mutable_metadata()->mutable_labels())["pod-label"] = "from-k8s-pod";
  (*pod.mutable_metadata()->mutable_annotations())["annotation-1"] =
      "from-k8s-pod";
  *pod.mutable_pod_spec() = StructFromJson(R"json({
    "containers": [
      {"name": "primary", "image": "repo/spark:pod",
       "args": ["pyflyte-execute", "--inputs", "{{ .Input }}", "--output-prefix", "{{.outputPrefix}}"],
       "env": [{"name": "SECRET_TOKEN", "valueFrom": {"secretKeyRef": {"name": "tokens", "key": "token"}}}],
       "securityContext": {"runAsNonRoot": true},
       "resources": {"requests": {"cpu": "2", "memory": "4Gi"}}},
      {"name": "sidecar", "image": "repo/sidecar:1", "args": ["serve"]}
    ],
    "tolerations": [{"key": "pod/own", "operator": "Exists"}],
    "nodeSelector": {"x/default": "from-pod", "pod/selector": "yes"},
    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
      "nodeSelectorTerms": [{"matchExpressions": [{"key": "pod/zone", "operator": "In", "values": ["a"]}]}]}}},
    "priorityClassName": "high-priority",
    "securityContext": {"fsGroup": 2000},
    "schedulerName": "pod-scheduler"
  })json");
  context.mutable_metadata()->set_interruptible(interruptible);
  return context;
}

// driverPod / executorPod overlays on the pod-target task.
flyteplug::abi::flyteplug::v1::TaskContext OverlayContext() {
  flyteplug::abi::flyteplug::v1::TaskContext context = PodTargetContext(true);
  flyteplug::abi::google::protobuf::Struct& custom =
      *context.mutable_task_template()->mutable_custom();
  flyteplug::abi::google::protobuf::Struct overlays = StructFromJson(R"json({
    "driverPod": {
      "metadata": {"labels": {"role": "driver"}, "annotations": {"annotation-1": "from-driver-pod"}},
      "podSpec": {
        "containers": [{"name": "primary", "image": "repo/spark:driver",
                        "args": ["pyflyte-execute", "--inputs", "{{ .Input }}", "--output-prefix", "{{.outputPrefix}}"],
                        "env": [{"name": "ROLE", "value": "driver"}]},
                       {"name": "not-in-base", "image": "dropped"}],
        "tolerations": [{"key": "driver/only", "operator": "Exists"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
          "nodeSelectorTerms": [{"matchExpressions": [{"key": "escape/zone", "operator": "In", "values": ["b"]}]}]}}},
        "priorityClassName": "driver-priority"
      },
      "primaryContainerName": "primary"
    },
    "executorPod": {
      "metadata": {"labels": {"role": "executor"}},
      "podSpec": {
        "containers": [{"name": "primary",
                        "args": ["pyflyte-execute", "--inputs", "{{ .Input }}", "--output-prefix", "{{.outputPrefix}}"],
                        "env": [{"name": "SECRET_TOKEN", "valueFrom": {"secretKeyRef": {"name": "tokens", "key": "token"}}},
                                {"name": "ROLE", "value": "executor"}]}],
        "nodeSelector": {"x/interruptible": "overridden-by-overlay"}
      }
    }
  })json");
  for (const auto& [key, value] : overlays.fields()) {
    (*custom.mutable_fields())[key] = value;
  }
  return context;
}

TEST(SparkGolden, WorkedExampleContainerInterruptible) {
  Golden("worked_example_interruptible", kFlyteTestConfig,
         WorkedExampleContext());
}

TEST(SparkGolden, WorkedExampleContainerNotInterruptible) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_metadata()->set_interruptible(false);
  Golden("worked_example_not_interruptible", kFlyteTestConfig, context);
}

TEST(SparkGolden, WorkedExampleFlyteV1Switches) {
  Golden("worked_example_flyte_v1", FlyteConfigWith(kFlyteV1Switches),
         WorkedExampleContext());
}

TEST(SparkGolden, PodTargetInterruptible) {
  Golden("pod_target_interruptible", kFlyteTestConfig, PodTargetContext(true));
}

TEST(SparkGolden, PodTargetNotInterruptible) {
  Golden("pod_target_not_interruptible", kFlyteTestConfig,
         PodTargetContext(false));
}

TEST(SparkGolden, OverlaysImproved) {
  Golden("overlays_improved", kFlyteTestConfig, OverlayContext());
}

TEST(SparkGolden, OverlaysFlyteV1) {
  Golden("overlays_flyte_v1", FlyteConfigWith(kFlyteV1Switches),
         OverlayContext());
}

// flytekit's driver_pod / executor_pod on a container-target task: the
// overlay's "primary" container repeats the task container.
flyteplug::abi::flyteplug::v1::TaskContext FlytekitOverlayContext() {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  flyteplug::abi::google::protobuf::Struct& custom =
      *context.mutable_task_template()->mutable_custom();
  flyteplug::abi::google::protobuf::Struct overlays = StructFromJson(R"json({
    "driverPod": {
      "podSpec": {
        "containers": [{"name": "primary", "image": "image://",
                        "args": ["execute-spark-task"],
                        "env": [{"name": "Env_Var", "value": "Env_Val"},
                                {"name": "DRIVER_ONLY", "value": "1"}]}],
        "tolerations": [{"key": "driver/spot", "operator": "Exists"}]
      },
      "primaryContainerName": "primary"
    },
    "executorPod": {
      "podSpec": {
        "containers": [{"name": "primary", "image": "repo/executor:2",
                        "args": ["execute-spark-task"]}]
      },
      "primaryContainerName": "primary"
    }
  })json");
  for (const auto& [key, value] : overlays.fields()) {
    (*custom.mutable_fields())[key] = value;
  }
  return context;
}

TEST(SparkGolden, FlytekitOverlaysOnContainerTask) {
  Golden("flytekit_overlays_container_task", kFlyteTestConfig,
         FlytekitOverlayContext());
  // Flyte v1 drops the "primary" overlay container and then fails the
  // lookup.
  absl::StatusOr<std::string> v1 =
      Build(FlyteConfigWith(R"("overlay-primary-container-alias": false)"),
            FlytekitOverlayContext());
  ASSERT_FALSE(v1.ok());
  EXPECT_EQ(v1.status().message(),
            "invalid TaskSpecification, container [primary] not defined "
            "(driver pod, custom.driverPod.primaryContainerName)");
}

TEST(SparkGolden, BasePodTemplateAndExecutionOverrides) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  flyteplug::abi::flyteidl::core::K8sPod& base =
      *context.mutable_base_pod_template();
  (*base.mutable_metadata()->mutable_labels())["template-label"] = "t";
  (*base.mutable_metadata()->mutable_annotations())["annotation-1"] =
      "from-template-loses-to-nothing";
  *base.mutable_pod_spec() = StructFromJson(R"json({
    "containers": [
      {"name": "default", "env": [{"name": "FROM_TEMPLATE", "value": "default"}],
       "securityContext": {"allowPrivilegeEscalation": false}},
      {"name": "primary", "env": [{"name": "FROM_TEMPLATE_PRIMARY", "value": "primary"}]},
      {"name": "unrelated", "image": "dropped"}
    ],
    "tolerations": [{"key": "template/toleration", "operator": "Exists"}],
    "priorityClassName": "template-priority",
    "dnsConfig": {"nameservers": ["1.1.1.1"]}
  })json");
  context.mutable_task_template()->mutable_metadata()->set_pod_template_name(
      "spark-template");
  context.mutable_metadata()->mutable_overrides()->set_container_image(
      "repo/override:2");
  (*context.mutable_metadata()->mutable_labels())["execution-label"] = "e";
  (*context.mutable_metadata()->mutable_annotations())["annotation-1"] =
      "from-execution";
  Golden("base_pod_template", kFlyteTestConfig, context);
}

TEST(SparkGolden, ExecutionOverridePodTemplate) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  flyteplug::abi::flyteidl::core::K8sPod& override_pod =
      *context.mutable_metadata()->mutable_overrides()->mutable_pod_template();
  override_pod.set_primary_container_name("main");
  (*override_pod.mutable_metadata()->mutable_labels())["override-label"] = "o";
  *override_pod.mutable_pod_spec() = StructFromJson(R"json({
    "containers": [{"name": "main", "image": "repo/override-pod:1",
                    "args": ["run", "{{.Input}}"]}],
    "hostNetwork": false
  })json");
  Golden("execution_override_pod_template", kFlyteTestConfig, context);
}

TEST(SparkGolden, PysparkExampleDefaultConfig) {
  Golden("pyspark_example", "", ExampleContext("pyspark_context.json"));
}

TEST(SparkGolden, PysparkBareTemplateDefaultConfig) {
  Golden("pyspark_task", "", ExampleContext("pyspark_task.json"));
}

TEST(SparkGolden, ScalaExampleDefaultConfig) {
  Golden("scala_task", "", ExampleContext("scala_task.json"));
}

TEST(SparkGolden, PropagateContainerResources) {
  flyteplug::abi::flyteplug::v1::TaskContext context =
      ExampleContext("scala_task.json");
  auto* container = context.mutable_task_template()->mutable_container();
  container->mutable_resources()->Clear();
  auto* request = container->mutable_resources()->add_requests();
  request->set_name(flyteplug::abi::flyteidl::core::Resources::CPU);
  request->set_value("1500m");
  auto* limit = container->mutable_resources()->add_limits();
  limit->set_name(flyteplug::abi::flyteidl::core::Resources::MEMORY);
  limit->set_value("3Gi");
  auto* gpu = container->mutable_resources()->add_limits();
  gpu->set_name(flyteplug::abi::flyteidl::core::Resources::GPU);
  gpu->set_value("1");
  // sparkConf decides driver/executor memory; cores from coreRequest/Limit.
  auto& conf = *(*context.mutable_task_template()
                      ->mutable_custom()
                      ->mutable_fields())["sparkConf"]
                    .mutable_struct_value()
                    ->mutable_fields();
  conf.erase("spark.executor.memory");
  Golden("propagate_resources_on",
         R"({"spark": {"propagate-container-resources": true}})", context);
  Golden("propagate_resources_off", "", context);
}

TEST(SparkGolden, PodTemplatePassthrough) {
  Golden("pod_template_passthrough_overlays",
         FlyteConfigWith(R"("enable-pod-template": true)"), OverlayContext());
  Golden("pod_template_passthrough_container",
         R"({"spark": {"enable-pod-template": true}})",
         ExampleContext("pyspark_context.json"));
}

TEST(SparkGolden, GpuAcceleratorAndExtendedResourceTolerations) {
  flyteplug::abi::flyteplug::v1::TaskContext context =
      ExampleContext("pyspark_context.json");
  auto* container = context.mutable_task_template()->mutable_container();
  auto* gpu = container->mutable_resources()->add_limits();
  gpu->set_name(flyteplug::abi::flyteidl::core::Resources::GPU);
  gpu->set_value("1");
  auto* accelerator = context.mutable_task_template()
                          ->mutable_extended_resources()
                          ->mutable_gpu_accelerator();
  accelerator->set_device("nvidia-tesla-a100");
  accelerator->set_partition_size("1g.5gb");
  Golden(
      "gpu_accelerator",
      R"({"k8s": {"add-tolerations-for-extended-resources": ["nvidia.com/gpu"],
                     "resource-tolerations": {"nvidia.com/gpu": [{"key": "gpu", "operator": "Exists"}]}}})",
      context);
}

TEST(SparkGolden, LongGeneratedNameSanitizedAndFinalizer) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_metadata()->set_generated_name(
      "Averyveryverylongexecutionname1234567890abcdefgh-n0-0_Retry");
  Golden("long_generated_name", R"({"k8s": {"inject-finalizer": true}})",
         context);
}

}  // namespace
}  // namespace flyteplug::spark::testing
