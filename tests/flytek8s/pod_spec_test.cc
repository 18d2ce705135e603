// Direct tests of flyteplug::flytek8s's pod building, as a Kubernetes module
// other than spark would call it.
#include "flyteplug/flytek8s/pod_spec.h"

#include <string>

#include "flyteplug/flytek8s/pod_overlay.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace flyteplug::flytek8s {
namespace {

flyteplug::abi::flyteplug::v1::TaskContext ContainerTask() {
  flyteplug::abi::flyteplug::v1::TaskContext context;
  context.mutable_metadata()->set_generated_name("a8x2kq-n0-0");
  context.mutable_io()->set_input_path("s3://b/inputs.pb");
  auto* container = context.mutable_task_template()->mutable_container();
  container->set_image("ghcr.io/x/job:1");
  container->add_args("--in");
  container->add_args("{{.Input}}");
  auto* cpu = container->mutable_resources()->add_requests();
  cpu->set_name(flyteplug::abi::flyteidl::core::Resources::CPU);
  cpu->set_value("500m");
  return context;
}

std::string Str(const json::Value* v) {
  return v != nullptr && v->IsString() ? v->GetString() : "<missing>";
}

TEST(ToK8sPodSpec, ContainerTaskBecomesOnePodWithFlyteDefaults) {
  rapidjson::Document doc;
  K8sPluginConfig k8s;
  k8s.default_node_selector = {{"pool", "general"}};
  absl::StatusOr<FlytePod> pod = ToK8sPodSpec(
      ContainerTask(), k8s, /*interruptible=*/false, doc.GetAllocator());
  ASSERT_TRUE(pod.ok()) << pod.status();
  EXPECT_EQ(pod->primary_container_name, "a8x2kq-n0-0");
  json::Value* container = FindContainer(pod->spec, "a8x2kq-n0-0");
  ASSERT_NE(container, nullptr);
  EXPECT_EQ(Str(json::Find(*container, "image")), "ghcr.io/x/job:1");
  const json::Value* args = json::Find(*container, "args");
  ASSERT_TRUE(args != nullptr && args->IsArray() && args->Size() == 2);
  EXPECT_STREQ((*args)[1].GetString(), "s3://b/inputs.pb");
  const json::Value* requests =
      json::Find(*json::Find(*container, "resources"), "requests");
  EXPECT_EQ(Str(json::Find(*requests, "cpu")), "500m");
  EXPECT_EQ(Str(json::Find(pod->spec, "restartPolicy")), "Never");
  EXPECT_EQ(Str(json::Find(*json::Find(pod->spec, "nodeSelector"), "pool")),
            "general");
}

TEST(ToK8sPodSpec, InterruptiblePodGetsTheInterruptibleSelector) {
  rapidjson::Document doc;
  K8sPluginConfig k8s;
  k8s.interruptible_node_selector = {{"spot", "true"}};
  absl::StatusOr<FlytePod> pod = ToK8sPodSpec(
      ContainerTask(), k8s, /*interruptible=*/true, doc.GetAllocator());
  ASSERT_TRUE(pod.ok()) << pod.status();
  EXPECT_EQ(Str(json::Find(*json::Find(pod->spec, "nodeSelector"), "spot")),
            "true");
}

TEST(ToK8sPodSpec, ErrorsNameWhatIsWrong) {
  rapidjson::Document doc;
  K8sPluginConfig k8s;
  flyteplug::abi::flyteplug::v1::TaskContext no_target;
  EXPECT_EQ(ToK8sPodSpec(no_target, k8s, false, doc.GetAllocator())
                .status()
                .message(),
            "invalid TaskSpecification, unable to determine Pod configuration");

  flyteplug::abi::flyteplug::v1::TaskContext bad_quantity = ContainerTask();
  bad_quantity.mutable_task_template()
      ->mutable_container()
      ->mutable_resources()
      ->mutable_requests(0)
      ->set_value("lots");
  absl::Status status =
      ToK8sPodSpec(bad_quantity, k8s, false, doc.GetAllocator()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("taskTemplate.container.resources"),
            std::string::npos)
      << status.message();

  flyteplug::abi::flyteplug::v1::TaskContext missing_template = ContainerTask();
  missing_template.mutable_task_template()
      ->mutable_metadata()
      ->set_pod_template_name("gpu-template");
  EXPECT_EQ(ToK8sPodSpec(missing_template, k8s, false, doc.GetAllocator())
                .status()
                .message(),
            "PodTemplate 'gpu-template' does not exist");
}

TEST(MergeOverlayPodSpec, OverlayContainersMergeByNameOthersDropped) {
  rapidjson::Document doc;
  json::Allocator& a = doc.GetAllocator();
  rapidjson::Document overlay;
  overlay.Parse(R"({"containers":[{"name":"main","args":["x"]},
                                   {"name":"sidecar","image":"s"}],
                   "priorityClassName":"high"})");
  rapidjson::Document base_doc;
  base_doc.Parse(
      R"({"containers":[{"name":"main","image":"a","args":["x"]}]})");
  json::Value merged(base_doc, a);
  MergeOverlayPodSpec(merged, overlay, /*dedupe=*/true, a);
  const json::Value& containers = *json::Find(merged, "containers");
  ASSERT_EQ(containers.Size(), 1u);
  EXPECT_EQ(containers[0]["args"].Size(), 1u);  // deduplicated
  EXPECT_EQ(Str(json::Find(merged, "priorityClassName")), "high");

  json::Value appended(base_doc, a);
  MergeOverlayPodSpec(appended, overlay, /*dedupe=*/false, a);
  EXPECT_EQ((*json::Find(appended, "containers"))[0]["args"].Size(), 2u);
}

}  // namespace
}  // namespace flyteplug::flytek8s
