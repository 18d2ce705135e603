// Direct tests of flyteplug::flytek8s's pod building, as a Kubernetes module
// other than spark would call it.
#include "flyteplug/flytek8s/pod_spec.h"

#include <string>

#include "flyteplug/flytek8s/pod_overlay.h"
#include "flyteplug/sdk/json_writer.h"
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

// A module building two pods of one task (Spark's driver and executor)
// prepares once and finishes a copy per pod: the same pods as ToK8sPodSpec,
// each unaffected by the other's interruptible half.
TEST(ToK8sPodSpec, PreparedOnceFinishedPerPodGivesTheSamePods) {
  rapidjson::Document doc;
  K8sPluginConfig k8s;
  k8s.default_node_selector = {{"pool", "general"}};
  k8s.interruptible_node_selector = {{"spot", "true"}};
  k8s.default_labels = {{"team", "a"}};
  const flyteplug::abi::flyteplug::v1::TaskContext context = ContainerTask();
  absl::StatusOr<PreparedPod> prepared =
      PreparePodSpec(context, k8s, doc.GetAllocator());
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  for (bool interruptible : {false, true}) {
    absl::StatusOr<FlytePod> want =
        ToK8sPodSpec(context, k8s, interruptible, doc.GetAllocator());
    absl::StatusOr<FlytePod> got =
        FinishPodSpec(context, k8s, interruptible, doc.GetAllocator(),
                      CopyPreparedPod(*prepared, doc.GetAllocator()));
    ASSERT_TRUE(want.ok() && got.ok()) << want.status() << got.status();
    EXPECT_EQ(json::Write(got->spec), json::Write(want->spec));
    EXPECT_EQ(got->labels, want->labels);
    EXPECT_EQ(got->annotations, want->annotations);
    EXPECT_EQ(got->primary_container_name, want->primary_container_name);
  }
  // The interruptible pod differs: the copies did not share values.
  absl::StatusOr<FlytePod> on_demand =
      FinishPodSpec(context, k8s, false, doc.GetAllocator(),
                    CopyPreparedPod(*prepared, doc.GetAllocator()));
  absl::StatusOr<FlytePod> spot = FinishPodSpec(
      context, k8s, true, doc.GetAllocator(), *std::move(prepared));
  ASSERT_TRUE(on_demand.ok() && spot.ok());
  EXPECT_EQ(json::Find(*json::Find(on_demand->spec, "nodeSelector"), "spot"),
            nullptr);
  EXPECT_EQ(Str(json::Find(*json::Find(spot->spec, "nodeSelector"), "spot")),
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

// The whole value as sorted JSON: arrays keep their order.
std::string Json(const json::Value& v) { return json::Write(v); }

json::Value Merged(const char* base, const char* overlay, bool dedupe,
                   rapidjson::Document& doc) {
  rapidjson::Document base_doc;
  base_doc.Parse(base);
  rapidjson::Document overlay_doc;
  overlay_doc.Parse(overlay);
  EXPECT_FALSE(base_doc.HasParseError() || overlay_doc.HasParseError());
  json::Value merged(base_doc, doc.GetAllocator());
  MergeOverlayPodSpec(merged, overlay_doc, dedupe, doc.GetAllocator());
  return merged;
}

TEST(MergeOverlayPodSpec, DedupedEnvKeepsOrderAndSameNameOverrides) {
  rapidjson::Document doc;
  // Two overlay containers named "main" merge, in overlay order, onto each
  // base container named "main"; the second sees what the first appended.
  // Entries equal to one already present are skipped; an entry repeated
  // within one overlay container, or with the same name but another value,
  // is kept (appended after the base's).
  json::Value merged = Merged(
      R"({"containers":[{"name":"main","image":"a",
            "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
          {"name":"aux","image":"x"},
          {"name":"main","image":"b"}]})",
      R"({"containers":[
          {"name":"main","image":"o","env":[{"value":"2","name":"B"},
            {"name":"C","value":"3"},{"name":"C","value":"3"},
            {"name":"A","value":"9"}]},
          {"name":"sidecar","image":"s"},
          {"name":"main","env":[{"name":"C","value":"3"},
            {"name":"D","value":"4"}]}]})",
      /*dedupe=*/true, doc);
  EXPECT_EQ(Json(merged),
            R"({"containers":[{"env":[{"name":"A","value":"1"},)"
            R"({"name":"B","value":"2"},{"name":"C","value":"3"},)"
            R"({"name":"C","value":"3"},{"name":"A","value":"9"},)"
            R"({"name":"D","value":"4"}],"image":"o","name":"main"},)"
            R"({"image":"x","name":"aux"},)"
            R"({"env":[{"name":"B","value":"2"},{"name":"C","value":"3"},)"
            R"({"name":"C","value":"3"},{"name":"A","value":"9"},)"
            R"({"name":"D","value":"4"}],"image":"o","name":"main"}]})");
}

TEST(MergeOverlayPodSpec, WithoutDedupeEveryOverlayEntryIsAppended) {
  rapidjson::Document doc;
  json::Value merged = Merged(
      R"({"containers":[{"name":"main","env":[{"name":"A","value":"1"}]}]})",
      R"({"containers":[{"name":"main","env":[{"name":"A","value":"1"},
            {"name":"A","value":"1"}]}]})",
      /*dedupe=*/false, doc);
  EXPECT_EQ(Json(*json::Find(merged, "containers")),
            R"([{"env":[{"name":"A","value":"1"},{"name":"A","value":"1"},)"
            R"({"name":"A","value":"1"}],"name":"main"}])");
}

TEST(MergeOverlayPodSpec, EnvReplacedByANonArrayIsReindexed) {
  rapidjson::Document doc;
  // "x" replaces the env list; the next overlay list replaces "x" (mergo);
  // the last repeats that list's entry and is dropped.
  json::Value merged = Merged(
      R"({"containers":[{"name":"main","env":[{"name":"A","value":"1"}]}]})",
      R"({"containers":[{"name":"main","env":"x"},
          {"name":"main","env":[{"name":"B","value":"2"}]},
          {"name":"main","env":[{"name":"B","value":"2"},
            {"name":"A","value":"1"}]}]})",
      /*dedupe=*/true, doc);
  EXPECT_EQ(Json(*json::Find(merged, "containers")),
            R"([{"env":[{"name":"B","value":"2"},{"name":"A","value":"1"}],)"
            R"("name":"main"}])");
}

TEST(MergeOverlayPodSpec, ContainerNamesMatchExactlyAndNonStringNamesByValue) {
  rapidjson::Document doc;
  json::Value merged = Merged(
      R"({"containers":[{"name":"Main"},{"name":7},{"image":"unnamed"}]})",
      R"({"containers":[{"name":"main","image":"lower"},
          {"name":7,"image":"seven"},{"image":"no-name"}]})",
      /*dedupe=*/true, doc);
  EXPECT_EQ(Json(*json::Find(merged, "containers")),
            R"([{"name":"Main"},{"image":"seven","name":7},)"
            R"({"image":"unnamed"}])");
}

TEST(ApplyPlatformConstraints, TolerationsDedupedInFirstSeenOrder) {
  rapidjson::Document doc;
  json::Allocator& a = doc.GetAllocator();
  rapidjson::Document lists;
  lists.Parse(R"({"default":[{"key":"t1"},{"key":"t2"}],
                  "interruptible":[{"key":"t2"},{"key":"t3"}],
                  "spec":{"tolerations":[{"key":"t1"},{"key":"t4"},
                                         {"key":"t4"}]}})");
  K8sPluginConfig k8s;
  k8s.default_tolerations.CopyFrom(lists["default"], a);
  k8s.interruptible_tolerations.CopyFrom(lists["interruptible"], a);
  json::Value spec(lists["spec"], a);
  ApplyPlatformConstraints(spec, /*interruptible=*/true, k8s, a);
  EXPECT_EQ(Json(*json::Find(spec, "tolerations")),
            R"([{"key":"t2"},{"key":"t3"},{"key":"t1"},{"key":"t4"}])");
}

}  // namespace
}  // namespace flyteplug::flytek8s
