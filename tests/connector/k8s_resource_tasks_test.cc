// K8sResourceTasks with the spark module and the example Job module against
// FakeKubeApi: create (new, retried, colliding), get (each spark state, a
// vanished object, Kubernetes errors), delete (finalizer, none, gone) and
// resource_meta validation.
#include "k8s_resource_tasks.h"

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "fake_kube_api.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s_finalizer.h"
#include "k8s_manifest.h"
#include "k8s_modules.h"
#include "resource_mapping.h"
#include "table_rest_mapping.h"
#include "task_context_builder.h"

namespace flyteplug::connector {
namespace {

using ::flyteplug::testing::FakeKubeApi;
using ::testing::HasSubstr;
using Op = FakeKubeApi::Op;

class K8sResourceTasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loader_ = testing::OpenK8sModules();
    ASSERT_NE(loader_, nullptr);
    access_ = KubeAccess{&api_, testing::TableRestMapping()};
    tasks_ = std::make_unique<K8sResourceTasks>(*loader_, access_);
  }

  const LoaderClient::ModuleInfo& Module(const std::string& task_type) {
    modules_ = loader_->Modules();
    absl::StatusOr<uint32_t> index = loader_->Resolve(task_type);
    EXPECT_TRUE(index.ok()) << index.status();
    return modules_.at(index.ok() ? *index : 0);
  }

  absl::StatusOr<std::string> Create(
      const flyteidl::admin::CreateTaskRequest& request) {
    absl::StatusOr<flyteplug::v1::TaskContext> context =
        TaskContextForCreate(request);
    if (!context.ok()) return context.status();
    return tasks_->Create(Module(request.template_().type()), *context,
                          kube::CallControl());
  }

  absl::StatusOr<std::string> CreateSpark(const std::string& execution) {
    return Create(testing::SparkRequest(execution));
  }

  absl::StatusOr<flyteidl::admin::Resource> GetSpark(const std::string& meta) {
    absl::StatusOr<flyteplug::v1::PhaseInfo> info =
        tasks_->Get("spark", 0, "s3://bucket/out", meta, kube::CallControl());
    if (!info.ok()) return info.status();
    return ResourceFromPhaseInfo(*info);
  }

  static kube::ObjectRef SparkRef(const std::string& name) {
    return kube::ObjectRef{"sparkoperator.k8s.io", "v1beta2",
                           "sparkapplications", testing::kTaskNamespace, name};
  }

  FakeKubeApi api_;
  KubeAccess access_;
  std::unique_ptr<LoaderClient> loader_;
  std::vector<LoaderClient::ModuleInfo> modules_;
  std::unique_ptr<K8sResourceTasks> tasks_;
};

TEST_F(K8sResourceTasksTest, CreateStoresTheSparkApplicationAndItsMeta) {
  absl::StatusOr<std::string> meta_bytes = CreateSpark("exec1");
  ASSERT_TRUE(meta_bytes.ok()) << meta_bytes.status();
  ASSERT_EQ(api_.ObjectCount(), 1u);
  std::optional<std::string> stored = api_.Stored(SparkRef("exec1-n0-0"));
  ASSERT_TRUE(stored.has_value());
  absl::StatusOr<ObservedObject> observed =
      ReadObservedObject("stored", *stored);
  ASSERT_TRUE(observed.ok()) << observed.status();
  EXPECT_EQ(observed->kind, "SparkApplication");
  EXPECT_EQ(observed->task_execution_key, "flytesnacks/development/exec1/n0/0");
  EXPECT_THAT(observed->finalizers,
              ::testing::ElementsAre(std::string(kFlyteFinalizer)));

  absl::StatusOr<K8sResourceMeta> meta = DecodeK8sResourceMeta(*meta_bytes);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->cluster, "fake-cluster");
  EXPECT_EQ(meta->kind, "SparkApplication");
  EXPECT_EQ(meta->object.group, "sparkoperator.k8s.io");
  EXPECT_EQ(meta->object.version, "v1beta2");
  EXPECT_EQ(meta->object.resource, "sparkapplications");
  EXPECT_EQ(meta->object.namespace_name, testing::kTaskNamespace);
  EXPECT_EQ(meta->object.name, "exec1-n0-0");
  EXPECT_EQ(meta->generated_name, "exec1-n0-0");
  EXPECT_EQ(meta->unique_node_id, "n0");
  EXPECT_EQ(meta->task_execution_id.node_execution_id().execution_id().name(),
            "exec1");
  // Identical input, identical bytes; and the format round-trips.
  absl::StatusOr<std::string> again = EncodeK8sResourceMeta(*meta);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *meta_bytes);
  EXPECT_THAT(*meta_bytes,
              HasSubstr("\"format\":\"flyteplug.k8s-resource-meta/1\""));
}

TEST_F(K8sResourceTasksTest, ResourceMetaHoldsNoCredential) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  std::string lower = absl::AsciiStrToLower(*meta);
  for (const char* word : {"token", "secret", "password", "authorization",
                           "bearer", "credential", "certificate", "key\""}) {
    EXPECT_THAT(lower, ::testing::Not(HasSubstr(word))) << word;
  }
  EXPECT_LT(meta->size(), 1024u);
}

TEST_F(K8sResourceTasksTest, RetriedCreateAdoptsTheObjectItMadeBefore) {
  absl::StatusOr<std::string> first = CreateSpark("exec1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::string> second = CreateSpark("exec1");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(api_.ObjectCount(), 1u);
  EXPECT_EQ(api_.Calls(Op::kCreate), 2);
}

TEST_F(K8sResourceTasksTest, CreateCollidingWithAnotherExecutionsObjectFails) {
  const std::string foreign =
      R"({"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication",)"
      R"("metadata":{"name":"exec1-n0-0","namespace":"flytesnacks-development",)"
      R"("annotations":{"flyteplug/task-execution":"p/d/other/n0/0"}}})";
  api_.Put(SparkRef("exec1-n0-0"), foreign);
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_EQ(meta.status().code(), absl::StatusCode::kFailedPrecondition)
      << meta.status();
  EXPECT_THAT(
      meta.status().message(),
      HasSubstr("SparkApplication flytesnacks-development/exec1-n0-0 "
                "already exists and belongs to another task execution"));
  EXPECT_THAT(meta.status().message(), HasSubstr("p/d/other/n0/0"));
  EXPECT_EQ(api_.Stored(SparkRef("exec1-n0-0")), foreign);
  EXPECT_EQ(api_.ObjectCount(), 1u);
}

TEST_F(K8sResourceTasksTest, CreateWithoutANamespaceIsRefusedBeforeCreating) {
  flyteidl::admin::CreateTaskRequest request = testing::SparkRequest("exec1");
  request.mutable_task_execution_metadata()->clear_namespace_();
  absl::StatusOr<std::string> meta = Create(request);
  ASSERT_EQ(meta.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(meta.status().message(),
              HasSubstr("metadata.namespace is empty"));
  EXPECT_EQ(api_.Calls(Op::kCreate), 0);
}

TEST_F(K8sResourceTasksTest, KubernetesErrorsOnCreatePassThrough) {
  api_.FailNext(Op::kCreate,
                absl::PermissionDeniedError("sparkapplications is forbidden"));
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(api_.ObjectCount(), 0u);
}

// The status the Spark operator writes, per state.
struct SparkStateCase {
  const char* status_json;
  flyteidl::core::TaskExecution::Phase phase;
  const char* link_name;  // a link that must be present, or ""
  const char* link_uri;
};

TEST_F(K8sResourceTasksTest, GetMapsEachSparkOperatorState) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  const SparkStateCase cases[] = {
      {R"({"applicationState":{"state":"SUBMITTED"},"submissionAttempts":1})",
       flyteidl::core::TaskExecution::INITIALIZING,
       "Grafana(Spark-Submit/All User Logs)",
       "https://grafana/explore?app=exec1-n0-0"},
      {R"({"applicationState":{"state":"RUNNING"},"driverInfo":{"podName":"exec1-n0-0-driver","webUIIngressAddress":"ui.example.com"}})",
       flyteidl::core::TaskExecution::RUNNING, "Kubernetes Logs(Driver Logs)",
       "http://k8s/log/flytesnacks-development/"
       "exec1-n0-0-driver?exec=exec1&try=0"},
      {R"({"applicationState":{"state":"COMPLETED"},"sparkApplicationId":"spark-42","terminationTime":"2026-01-02T04:00:00Z"})",
       flyteidl::core::TaskExecution::SUCCEEDED, "Spark History UI",
       "http://history:18080/history/spark-42"},
      {R"({"applicationState":{"state":"FAILED","errorMessage":"driver OOM"}})",
       flyteidl::core::TaskExecution::RETRYABLE_FAILED, "", ""},
  };
  for (const SparkStateCase& c : cases) {
    SCOPED_TRACE(c.status_json);
    api_.SetStatus(SparkRef("exec1-n0-0"), c.status_json);
    absl::StatusOr<flyteidl::admin::Resource> resource = GetSpark(*meta);
    ASSERT_TRUE(resource.ok()) << resource.status();
    EXPECT_EQ(resource->phase(), c.phase);
    if (*c.link_name != '\0') {
      bool found = false;
      for (const flyteidl::core::TaskLog& log : resource->log_links()) {
        if (log.name() == c.link_name) {
          found = true;
          EXPECT_EQ(log.uri(), c.link_uri);
        }
      }
      EXPECT_TRUE(found) << c.link_name;
    }
  }
  // The last case, FAILED: the operator's message, as a recoverable error.
  absl::StatusOr<flyteidl::admin::Resource> failed = GetSpark(*meta);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->message(), "Spark Job Failed with Error: driver OOM");
  EXPECT_EQ(failed->agent_error().kind(),
            flyteidl::admin::AgentError::RECOVERABLE);
  EXPECT_EQ(failed->agent_error().origin(),
            flyteidl::core::ExecutionError::USER);
}

TEST_F(K8sResourceTasksTest, RunningCarriesTheDriverUiInCustomInfo) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  api_.SetStatus(SparkRef("exec1-n0-0"),
                 R"({"applicationState":{"state":"RUNNING"},)"
                 R"("driverInfo":{"webUIIngressAddress":"ui.example.com"}})");
  absl::StatusOr<flyteidl::admin::Resource> resource = GetSpark(*meta);
  ASSERT_TRUE(resource.ok()) << resource.status();
  EXPECT_EQ(resource->custom_info().fields().at("sparkDriverUI").string_value(),
            "https://ui.example.com");
}

TEST_F(K8sResourceTasksTest, AVanishedObjectIsARetryableFailureNamingIt) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  ASSERT_FALSE(api_.Stored(SparkRef("exec1-n0-0")).has_value());
  absl::StatusOr<flyteidl::admin::Resource> resource = GetSpark(*meta);
  ASSERT_TRUE(resource.ok()) << resource.status();
  EXPECT_EQ(resource->phase(), flyteidl::core::TaskExecution::RETRYABLE_FAILED);
  EXPECT_EQ(resource->message(),
            "SparkApplication flytesnacks-development/exec1-n0-0 not found: "
            "it was deleted outside Flyte");
  EXPECT_EQ(resource->agent_error().code(), "ResourceDeletedExternally");
  EXPECT_EQ(resource->agent_error().kind(),
            flyteidl::admin::AgentError::RECOVERABLE);
  EXPECT_EQ(resource->agent_error().origin(),
            flyteidl::core::ExecutionError::SYSTEM);
}

TEST_F(K8sResourceTasksTest, KubernetesErrorsOnGetPassThrough) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  api_.FailNext(Op::kGet, absl::UnavailableError("API server: 503"));
  absl::StatusOr<flyteidl::admin::Resource> resource = GetSpark(*meta);
  EXPECT_EQ(resource.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(resource.status().message(), "API server: 503");
}

TEST_F(K8sResourceTasksTest, DeleteRemovesFlytesFinalizerThenTheObject) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  EXPECT_EQ(api_.Calls(Op::kPatch), 1);
  EXPECT_EQ(api_.Calls(Op::kDelete), 1);
  EXPECT_EQ(api_.ObjectCount(), 0u);
}

TEST_F(K8sResourceTasksTest, DeleteWithoutFinalizerOnlyDeletes) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_TRUE(api_.JsonPatch(SparkRef("exec1-n0-0"),
                             RemoveFinalizerPatch(0, kFlyteFinalizer),
                             kube::CallControl())
                  .ok());
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  EXPECT_EQ(api_.Calls(Op::kPatch), 1);  // only the test's own
  EXPECT_EQ(api_.ObjectCount(), 0u);
}

TEST_F(K8sResourceTasksTest, DeleteLeavesOtherFinalizersToTheirOwners) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_TRUE(
      api_.JsonPatch(
              SparkRef("exec1-n0-0"),
              R"([{"op":"add","path":"/metadata/finalizers/0","value":"other/keep"}])",
              kube::CallControl())
          .ok());
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  std::optional<std::string> stored = api_.Stored(SparkRef("exec1-n0-0"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_THAT(*stored, HasSubstr(R"("finalizers":["other/keep"])"));
  EXPECT_THAT(*stored, HasSubstr("deletionTimestamp"));
}

TEST_F(K8sResourceTasksTest, AFinalizerPatchConflictIsRetriedOnce) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  api_.FailNext(Op::kPatch, absl::AbortedError("the object has been modified"));
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  EXPECT_EQ(api_.Calls(Op::kPatch), 2);
  EXPECT_EQ(api_.ObjectCount(), 0u);
}

TEST_F(K8sResourceTasksTest, DeletingAGoneObjectSucceeds) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  // Gone between the read and the delete.
  ASSERT_TRUE(CreateSpark("exec1").ok());
  api_.FailNext(Op::kDelete, absl::NotFoundError("gone"));
  EXPECT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
}

TEST_F(K8sResourceTasksTest, DeleteErrorsPassThrough) {
  absl::StatusOr<std::string> meta = CreateSpark("exec1");
  ASSERT_TRUE(meta.ok()) << meta.status();
  api_.FailNext(Op::kDelete, absl::PermissionDeniedError("forbidden"));
  EXPECT_EQ(tasks_->Delete(*meta, kube::CallControl()).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(K8sResourceTasksTest, BadResourceMetaIsInvalidArgumentNamingTheField) {
  absl::StatusOr<std::string> good = CreateSpark("exec1");
  ASSERT_TRUE(good.ok()) << good.status();
  std::string other_cluster = *good;
  other_cluster.replace(other_cluster.find("fake-cluster"), 12, "prod-cluster");
  std::string no_name = *good;
  no_name.replace(no_name.find("\"name\""), 6, "\"nome\"");
  const std::pair<std::string, std::string> cases[] = {
      {"legacy-run-1", "resource_meta: not JSON"},
      {"[]", "resource_meta: expected an object, got an array"},
      {"{}", "resource_meta: format is missing"},
      {R"({"format":"flyteplug.k8s-resource-meta/9"})", "is not"},
      {no_name, "resource_meta: object.name is missing"},
      {other_cluster,
       "is in cluster \"prod-cluster\", but this connector "
       "talks to cluster \"fake-cluster\""},
      {std::string(kMaxK8sResourceMetaBytes + 1, ' '), "over the limit"},
  };
  for (const auto& [meta, message] : cases) {
    SCOPED_TRACE(meta.substr(0, 80));
    absl::StatusOr<flyteidl::admin::Resource> got = GetSpark(meta);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(got.status().message(), HasSubstr(message));
    absl::Status deleted = tasks_->Delete(meta, kube::CallControl());
    EXPECT_EQ(deleted.code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(api_.Calls(Op::kGet), 0);
}

TEST_F(K8sResourceTasksTest, TheJobModulesObjectLivesAndDies) {
  absl::StatusOr<std::string> meta = Create(testing::JobRequest("exec2"));
  ASSERT_TRUE(meta.ok()) << meta.status();
  kube::ObjectRef ref{"batch", "v1", "jobs", testing::kTaskNamespace,
                      "exec2-n0-0"};
  ASSERT_TRUE(api_.Stored(ref).has_value());
  api_.SetStatus(ref, R"({"active":1})");
  absl::StatusOr<flyteplug::v1::PhaseInfo> info = tasks_->Get(
      "batch-job", 0, "s3://bucket/out", *meta, kube::CallControl());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->phase(), flyteplug::v1::RUNNING);
  ASSERT_TRUE(tasks_->Delete(*meta, kube::CallControl()).ok());
  EXPECT_FALSE(api_.Stored(ref).has_value());
}

}  // namespace
}  // namespace flyteplug::connector
