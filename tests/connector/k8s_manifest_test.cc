// The connector's reading and stamping of Kubernetes objects
// (k8s_manifest.h), its finalizer patch (k8s_finalizer.h) and the
// resource_meta format (k8s_resource_meta.h).
#include "k8s_manifest.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s_finalizer.h"
#include "k8s_resource_meta.h"

namespace flyteplug::connector {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PrepareManifestTest, DefaultsTheNamespaceAndStampsTheAnnotation) {
  absl::StatusOr<PreparedManifest> manifest = PrepareManifest(
      "m", R"({"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j"}})",
      "ns", "p/d/e/n0/1");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->api_version, "batch/v1");
  EXPECT_EQ(manifest->kind, "Job");
  EXPECT_EQ(manifest->name, "j");
  EXPECT_EQ(manifest->namespace_name, "ns");
  EXPECT_EQ(
      manifest->json,
      R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"annotations":)"
      R"({"flyteplug/task-execution":"p/d/e/n0/1"},"name":"j",)"
      R"("namespace":"ns"}})");
}

TEST(PrepareManifestTest, KeepsTheModulesNamespaceAndAnnotations) {
  absl::StatusOr<PreparedManifest> manifest = PrepareManifest(
      "m",
      R"({"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j",)"
      R"("namespace":"mine","annotations":{"a":"b"}}})",
      "ns", "k");
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->namespace_name, "mine");
  EXPECT_THAT(manifest->json,
              HasSubstr(R"({"a":"b","flyteplug/task-execution":"k"})"));
}

TEST(PrepareManifestTest, BadManifestsNameTheModuleAndTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "module m's manifest is not JSON"},
      {"[]", "module m's manifest: expected an object, got an array"},
      {R"({"kind":"Job","metadata":{"name":"j"}})",
       "module m's manifest: apiVersion is empty or missing"},
      {R"({"apiVersion":"v1","kind":7,"metadata":{"name":"j"}})",
       "module m's manifest: kind: expected a string, got a number"},
      {R"({"apiVersion":"v1","kind":"Job"})",
       "module m's manifest: metadata.name is empty or missing"},
      {R"({"apiVersion":"v1","kind":"Job","metadata":[]})",
       "module m's manifest: metadata: expected an object"},
      {R"({"apiVersion":"v1","kind":"Job","metadata":{"name":"j","annotations":1}})",
       "metadata.annotations: expected an object, got a number"},
  };
  for (const auto& [json, message] : cases) {
    SCOPED_TRACE(json);
    absl::StatusOr<PreparedManifest> manifest =
        PrepareManifest("m", json, "ns", "k");
    EXPECT_EQ(manifest.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(manifest.status().message(), HasSubstr(message));
  }
  absl::StatusOr<PreparedManifest> no_namespace = PrepareManifest(
      "m", R"({"apiVersion":"v1","kind":"Job","metadata":{"name":"j"}})", "",
      "k");
  EXPECT_THAT(no_namespace.status().message(),
              HasSubstr("metadata.namespace is empty and the request's "
                        "task_execution_metadata.namespace is empty too"));
}

TEST(ReadObservedObjectTest, ReadsKindAnnotationAndFinalizers) {
  absl::StatusOr<ObservedObject> object = ReadObservedObject(
      "o", R"({"kind":"Job","metadata":{"annotations":)"
           R"({"flyteplug/task-execution":"p/d/e/n/0"},)"
           R"("finalizers":["a","flyte.org/finalizer-k8s"]}})");
  ASSERT_TRUE(object.ok()) << object.status();
  EXPECT_EQ(object->kind, "Job");
  EXPECT_EQ(object->task_execution_key, "p/d/e/n/0");
  EXPECT_THAT(object->finalizers, ElementsAre("a", "flyte.org/finalizer-k8s"));
  absl::StatusOr<ObservedObject> bare = ReadObservedObject("o", "{}");
  ASSERT_TRUE(bare.ok());
  EXPECT_TRUE(bare->finalizers.empty());
  absl::StatusOr<ObservedObject> bad =
      ReadObservedObject("o", R"({"metadata":{"finalizers":["a",3]}})");
  EXPECT_EQ(bad.status().message(),
            "o: metadata.finalizers[1]: expected a string, got a number");
}

TEST(TaskExecutionKeyTest, NamesTheAttempt) {
  flyteidl::core::TaskExecutionIdentifier id;
  id.set_retry_attempt(2);
  id.mutable_node_execution_id()->set_node_id("n3");
  id.mutable_node_execution_id()->mutable_execution_id()->set_project("p");
  id.mutable_node_execution_id()->mutable_execution_id()->set_domain("d");
  id.mutable_node_execution_id()->mutable_execution_id()->set_name("e");
  EXPECT_EQ(TaskExecutionKey(id), "p/d/e/n3/2");
}

TEST(RemoveFinalizerPatchTest, TestsTheIndexBeforeRemovingIt) {
  EXPECT_EQ(RemoveFinalizerPatch(1, kFlyteFinalizer),
            R"([{"op":"test","path":"/metadata/finalizers/1",)"
            R"("value":"flyte.org/finalizer-k8s"},)"
            R"({"op":"remove","path":"/metadata/finalizers/1"}])");
}

TEST(K8sResourceMetaTest, EncodesSortedVersionedJson) {
  K8sResourceMeta meta;
  meta.cluster = "c";
  meta.kind = "Job";
  meta.object = kube::ObjectRef{"batch", "v1", "jobs", "ns", "j"};
  meta.task_execution_id.set_retry_attempt(1);
  meta.task_execution_id.mutable_node_execution_id()->set_node_id("n0");
  meta.unique_node_id = "n0";
  meta.generated_name = "e-n0-1";
  meta.task_config = {{"link_type", "k"}};
  absl::StatusOr<std::string> bytes = EncodeK8sResourceMeta(meta);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(
      *bytes,
      R"({"format":"flyteplug.k8s-resource-meta/1","object":{"cluster":"c",)"
      R"("group":"batch","kind":"Job","name":"j","namespace":"ns",)"
      R"("resource":"jobs","version":"v1"},"task":{"config":)"
      R"({"link_type":"k"},"executionId":{"nodeExecutionId":)"
      R"({"nodeId":"n0"},"retryAttempt":1},"generatedName":"e-n0-1",)"
      R"("uniqueNodeId":"n0"}})");
  absl::StatusOr<K8sResourceMeta> decoded = DecodeK8sResourceMeta(*bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->object.group, "batch");
  EXPECT_EQ(decoded->task_config.at("link_type"), "k");
  EXPECT_EQ(decoded->task_execution_id.retry_attempt(), 1u);
  EXPECT_EQ(*EncodeK8sResourceMeta(*decoded), *bytes);
}

TEST(K8sResourceMetaTest, RefusesAnOversizedTaskConfigBeforeCreating) {
  K8sResourceMeta meta;
  meta.task_config["big"] = std::string(kMaxK8sResourceMetaBytes, 'x');
  absl::StatusOr<std::string> bytes = EncodeK8sResourceMeta(meta);
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bytes.status().message(), HasSubstr("over the limit of 65536"));
}

TEST(K8sResourceMetaTest, DecodeNamesTheWrongField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"format":"flyteplug.k8s-resource-meta/1"})",
       "resource_meta: object is missing"},
      {R"({"format":"flyteplug.k8s-resource-meta/1","object":{"cluster":"c",)"
       R"("kind":"Job","group":"","version":"v1","resource":"jobs",)"
       R"("namespace":"ns","name":7}})",
       "resource_meta: object.name: expected a string, got a number"},
      {R"({"format":"flyteplug.k8s-resource-meta/1","object":{"cluster":"c",)"
       R"("kind":"Job","group":"","version":"v1","resource":"jobs",)"
       R"("namespace":"","name":"j"}})",
       "resource_meta: object.namespace is empty"},
      {R"({"format":"flyteplug.k8s-resource-meta/1","object":{"cluster":"c",)"
       R"("kind":"Job","group":"","version":"v1","resource":"jobs",)"
       R"("namespace":"ns","name":"j"},"task":{"uniqueNodeId":"",)"
       R"("generatedName":"","config":{"a":1},"executionId":{}}})",
       "resource_meta: task.config[\"a\"]: expected a string, got a number"},
      {R"({"format":"flyteplug.k8s-resource-meta/1","object":{"cluster":"c",)"
       R"("kind":"Job","group":"","version":"v1","resource":"jobs",)"
       R"("namespace":"ns","name":"j"},"task":{"uniqueNodeId":"",)"
       R"("generatedName":"","config":{},"executionId":{"retryAttempt":"x"}}})",
       "resource_meta: task.executionId is not a TaskExecutionIdentifier"},
  };
  for (const auto& [bytes, message] : cases) {
    SCOPED_TRACE(bytes);
    absl::StatusOr<K8sResourceMeta> meta = DecodeK8sResourceMeta(bytes);
    EXPECT_EQ(meta.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(meta.status().message(), HasSubstr(message));
  }
}

}  // namespace
}  // namespace flyteplug::connector
