// The connector services in process, over a real loopback gRPC channel,
// serving a web-API module built against ABI 1.0 (modules/legacy_1_0_module.c)
// through a 1.1 loader: it loads, is announced and serves every call.
#include <chrono>
#include <memory>

#include "agent_services.h"
#include "deprecated_fields.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "in_process_server.h"
#include "legacy_module.h"

namespace flyteplug::connector {
namespace {

class ServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loader_ = testing::OpenLegacyModule();
    ASSERT_NE(loader_, nullptr);
    server_ = std::make_unique<testing::InProcessServer>(*loader_, nullptr);
    tasks_ = server_->tasks.get();
    agents_ = server_->agents.get();
  }

  static void Deadline(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(10));
  }

  flyteidl::admin::TaskCategory Legacy() {
    flyteidl::admin::TaskCategory category;
    category.set_name("legacy10");
    return category;
  }

  std::unique_ptr<LoaderClient> loader_;
  std::unique_ptr<testing::InProcessServer> server_;
  flyteidl::service::AsyncAgentService::Stub* tasks_ = nullptr;  // server_'s
  flyteidl::service::AgentMetadataService::Stub* agents_ =
      nullptr;  // server_'s
};

TEST_F(ServicesTest, TheAbi10ModuleIsLoadedAtMinor0AndAnnounced) {
  std::vector<LoaderClient::ModuleInfo> modules = loader_->Modules();
  ASSERT_EQ(modules.size(), 1u);
  EXPECT_EQ(modules[0].abi_minor, 0u);
  grpc::ClientContext context;
  Deadline(&context);
  flyteidl::admin::ListAgentsResponse list;
  ASSERT_TRUE(
      agents_->ListAgents(&context, flyteidl::admin::ListAgentsRequest(), &list)
          .ok());
  ASSERT_EQ(list.agents_size(), 1);
  EXPECT_EQ(list.agents(0).name(), "legacy10");
  EXPECT_EQ(list.agents(0).supported_task_categories(0).name(), "legacy10");

  grpc::ClientContext get_context;
  flyteidl::admin::GetAgentRequest get;
  get.set_name("legacy10");
  flyteidl::admin::GetAgentResponse agent;
  EXPECT_TRUE(agents_->GetAgent(&get_context, get, &agent).ok());
  EXPECT_EQ(agent.agent().name(), "legacy10");
}

TEST_F(ServicesTest, CreateGetDeleteThroughTheAbi10Module) {
  flyteidl::admin::CreateTaskRequest create;
  create.mutable_template_()->set_type("legacy10");
  flyteidl::admin::CreateTaskResponse created;
  {
    grpc::ClientContext context;
    Deadline(&context);
    grpc::Status s = tasks_->CreateTask(&context, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(created.resource_meta(), "legacy-run-1");

  flyteidl::admin::GetTaskRequest get;
  get.set_resource_meta(created.resource_meta());
  *get.mutable_task_category() = Legacy();
  flyteidl::admin::GetTaskResponse got;
  {
    grpc::ClientContext context;
    Deadline(&context);
    grpc::Status s = tasks_->GetTask(&context, get, &got);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(got.resource().phase(), flyteidl::core::TaskExecution::RUNNING);
  EXPECT_EQ(DeprecatedState(got.resource()), flyteidl::admin::RUNNING);
  EXPECT_EQ(got.resource().message(), "legacy ok");

  flyteidl::admin::DeleteTaskRequest del;
  del.set_resource_meta(created.resource_meta());
  *del.mutable_task_category() = Legacy();
  flyteidl::admin::DeleteTaskResponse deleted;
  grpc::ClientContext context;
  Deadline(&context);
  EXPECT_TRUE(tasks_->DeleteTask(&context, del, &deleted).ok());
}

TEST_F(ServicesTest, ErrorCodes) {
  flyteidl::admin::GetTaskRequest get;
  get.set_resource_meta("garbage");
  *get.mutable_task_category() = Legacy();
  flyteidl::admin::GetTaskResponse got;
  {
    grpc::ClientContext context;
    Deadline(&context);
    grpc::Status s = tasks_->GetTask(&context, get, &got);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(), "resource_meta: not a legacy10 run");
  }
  get.mutable_task_category()->set_name("nope");
  {
    grpc::ClientContext context;
    Deadline(&context);
    grpc::Status s = tasks_->GetTask(&context, get, &got);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(s.error_message(), "Cannot find connector for task type: nope.");
  }
  {
    grpc::ClientContext context;
    Deadline(&context);
    flyteidl::admin::CreateTaskResponse created;
    grpc::Status s = tasks_->CreateTask(
        &context, flyteidl::admin::CreateTaskRequest(), &created);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext context;
    Deadline(&context);
    flyteidl::admin::GetAgentRequest request;
    request.set_name("nope");
    flyteidl::admin::GetAgentResponse agent;
    EXPECT_EQ(agents_->GetAgent(&context, request, &agent).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    Deadline(&context);
    flyteidl::admin::GetTaskMetricsResponse metrics;
    EXPECT_EQ(
        tasks_
            ->GetTaskMetrics(&context, flyteidl::admin::GetTaskMetricsRequest(),
                             &metrics)
            .error_code(),
        grpc::StatusCode::UNIMPLEMENTED);
  }
}

}  // namespace
}  // namespace flyteplug::connector
