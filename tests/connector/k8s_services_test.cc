// The connector services in process, over a real loopback gRPC channel,
// serving the spark module and the example batch/v1 Job module through
// FakeKubeApi: announced, created, watched and deleted; and refused when the
// connector has no Kubernetes access.
#include <chrono>
#include <memory>
#include <string>

#include "fake_kube_api.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "in_process_server.h"
#include "k8s_modules.h"
#include "table_rest_mapping.h"

namespace flyteplug::connector {
namespace {

using ::flyteplug::testing::FakeKubeApi;
using ::testing::HasSubstr;

void Deadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
}

class K8sServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loader_ = testing::OpenK8sModules();
    ASSERT_NE(loader_, nullptr);
    access_ = KubeAccess{&api_, testing::TableRestMapping()};
    server_ = std::make_unique<testing::InProcessServer>(*loader_, &access_);
  }

  grpc::Status CreateTask(const flyteidl::admin::CreateTaskRequest& request,
                          std::string* meta) {
    grpc::ClientContext context;
    Deadline(&context);
    flyteidl::admin::CreateTaskResponse response;
    grpc::Status status =
        server_->tasks->CreateTask(&context, request, &response);
    *meta = response.resource_meta();
    return status;
  }

  grpc::Status GetTask(const std::string& task_type, const std::string& meta,
                       flyteidl::admin::Resource* resource) {
    grpc::ClientContext context;
    Deadline(&context);
    flyteidl::admin::GetTaskRequest request;
    request.mutable_task_category()->set_name(task_type);
    request.set_resource_meta(meta);
    flyteidl::admin::GetTaskResponse response;
    grpc::Status status = server_->tasks->GetTask(&context, request, &response);
    *resource = response.resource();
    return status;
  }

  grpc::Status DeleteTask(const std::string& task_type,
                          const std::string& meta) {
    grpc::ClientContext context;
    Deadline(&context);
    flyteidl::admin::DeleteTaskRequest request;
    request.mutable_task_category()->set_name(task_type);
    request.set_resource_meta(meta);
    flyteidl::admin::DeleteTaskResponse response;
    return server_->tasks->DeleteTask(&context, request, &response);
  }

  FakeKubeApi api_;
  KubeAccess access_;
  std::unique_ptr<LoaderClient> loader_;
  std::unique_ptr<testing::InProcessServer> server_;
};

TEST_F(K8sServicesTest, KubernetesResourceModulesAreAnnouncedAsAgents) {
  grpc::ClientContext context;
  Deadline(&context);
  flyteidl::admin::ListAgentsResponse list;
  ASSERT_TRUE(
      server_->agents
          ->ListAgents(&context, flyteidl::admin::ListAgentsRequest(), &list)
          .ok());
  std::vector<std::string> names;
  for (const flyteidl::admin::Agent& agent : list.agents()) {
    names.push_back(agent.name() + ":" +
                    agent.supported_task_categories(0).name());
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("spark:spark",
                                                     "k8s-job:batch-job"));
  grpc::ClientContext get_context;
  flyteidl::admin::GetAgentRequest get;
  get.set_name("k8s-job");
  flyteidl::admin::GetAgentResponse agent;
  ASSERT_TRUE(server_->agents->GetAgent(&get_context, get, &agent).ok());
  EXPECT_EQ(agent.agent().supported_task_categories(0).name(), "batch-job");
}

TEST_F(K8sServicesTest, SparkCreateGetDelete) {
  std::string meta;
  grpc::Status created = CreateTask(testing::SparkRequest("exec1"), &meta);
  ASSERT_TRUE(created.ok()) << created.error_message();
  // The caller's deadline reached the Kubernetes calls.
  EXPECT_LT(api_.LastControl().deadline, absl::Now() + absl::Seconds(11));
  EXPECT_TRUE(static_cast<bool>(api_.LastControl().cancelled));
  // A retried create (propeller's create timed out): the same object.
  std::string retried;
  ASSERT_TRUE(CreateTask(testing::SparkRequest("exec1"), &retried).ok());
  EXPECT_EQ(retried, meta);
  EXPECT_EQ(api_.ObjectCount(), 1u);

  kube::ObjectRef ref{"sparkoperator.k8s.io", "v1beta2", "sparkapplications",
                      testing::kTaskNamespace, "exec1-n0-0"};
  flyteidl::admin::Resource resource;
  ASSERT_TRUE(GetTask("spark", meta, &resource).ok());
  EXPECT_EQ(resource.phase(), flyteidl::core::TaskExecution::QUEUED);
  api_.SetStatus(ref, R"({"applicationState":{"state":"RUNNING"},)"
                      R"("driverInfo":{"podName":"exec1-n0-0-driver"}})");
  ASSERT_TRUE(GetTask("spark", meta, &resource).ok());
  EXPECT_EQ(resource.phase(), flyteidl::core::TaskExecution::RUNNING);
  ASSERT_GE(resource.log_links_size(), 1);
  EXPECT_EQ(resource.log_links(0).uri(),
            "http://k8s/log/flytesnacks-development/exec1-n0-0-driver"
            "?exec=exec1&try=0");
  api_.SetStatus(ref, R"({"applicationState":{"state":"COMPLETED"}})");
  ASSERT_TRUE(GetTask("spark", meta, &resource).ok());
  EXPECT_EQ(resource.phase(), flyteidl::core::TaskExecution::SUCCEEDED);

  grpc::Status deleted = DeleteTask("spark", meta);
  ASSERT_TRUE(deleted.ok()) << deleted.error_message();
  EXPECT_EQ(api_.ObjectCount(), 0u);
  EXPECT_TRUE(DeleteTask("spark", meta).ok());  // already gone
  ASSERT_TRUE(GetTask("spark", meta, &resource).ok());
  EXPECT_EQ(resource.phase(), flyteidl::core::TaskExecution::RETRYABLE_FAILED);
  EXPECT_THAT(resource.message(),
              HasSubstr("SparkApplication flytesnacks-development/exec1-n0-0"));
}

TEST_F(K8sServicesTest, JobCreateGetDelete) {
  std::string meta;
  grpc::Status created = CreateTask(testing::JobRequest("exec2"), &meta);
  ASSERT_TRUE(created.ok()) << created.error_message();
  kube::ObjectRef ref{"batch", "v1", "jobs", testing::kTaskNamespace,
                      "exec2-n0-0"};
  ASSERT_TRUE(api_.Stored(ref).has_value());
  flyteidl::admin::Resource resource;
  api_.SetStatus(ref, R"({"conditions":[{"type":"Complete","status":"True"}],)"
                      R"("succeeded":1})");
  ASSERT_TRUE(GetTask("batch-job", meta, &resource).ok());
  EXPECT_EQ(resource.phase(), flyteidl::core::TaskExecution::SUCCEEDED);
  ASSERT_TRUE(DeleteTask("batch-job", meta).ok());
  EXPECT_FALSE(api_.Stored(ref).has_value());
}

TEST_F(K8sServicesTest, ErrorsBecomeGrpcCodes) {
  std::string meta;
  ASSERT_TRUE(CreateTask(testing::SparkRequest("exec1"), &meta).ok());
  flyteidl::admin::Resource resource;
  api_.FailNext(FakeKubeApi::Op::kGet,
                absl::UnavailableError("API server unreachable"));
  grpc::Status unavailable = GetTask("spark", meta, &resource);
  EXPECT_EQ(unavailable.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(unavailable.error_message(), "API server unreachable");
  grpc::Status bad = GetTask("spark", "not-a-meta", &resource);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("resource_meta: not JSON"));
}

TEST(K8sServicesWithoutKubeTest, KubernetesResourceTaskTypesAreRefused) {
  std::unique_ptr<LoaderClient> loader = testing::OpenK8sModules();
  ASSERT_NE(loader, nullptr);
  testing::InProcessServer server(*loader, nullptr);
  grpc::ClientContext list_context;
  flyteidl::admin::ListAgentsResponse list;
  ASSERT_TRUE(server.agents
                  ->ListAgents(&list_context,
                               flyteidl::admin::ListAgentsRequest(), &list)
                  .ok());
  EXPECT_EQ(list.agents_size(), 0);

  grpc::ClientContext context;
  Deadline(&context);
  flyteidl::admin::CreateTaskResponse response;
  grpc::Status status = server.tasks->CreateTask(
      &context, testing::SparkRequest("exec1"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "Cannot find connector for task type: spark. Module spark is a "
            "Kubernetes-resource module, and this connector has no Kubernetes "
            "access configured.");
}

}  // namespace
}  // namespace flyteplug::connector
