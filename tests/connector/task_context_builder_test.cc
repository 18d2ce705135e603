#include "task_context_builder.h"

#include "gtest/gtest.h"

namespace flyteplug::connector {
namespace {

flyteidl::admin::CreateTaskRequest Request() {
  flyteidl::admin::CreateTaskRequest request;
  request.mutable_template_()->set_type("databricks");
  request.mutable_template_()->set_task_type_version(2);
  request.set_output_prefix("s3://bucket/out/0");
  flyteidl::admin::TaskExecutionMetadata* md =
      request.mutable_task_execution_metadata();
  flyteidl::core::TaskExecutionIdentifier* id = md->mutable_task_execution_id();
  id->mutable_task_id()->set_name("my.task");
  id->mutable_node_execution_id()->set_node_id("n3");
  id->mutable_node_execution_id()->mutable_execution_id()->set_name("f12ab");
  id->mutable_node_execution_id()->mutable_execution_id()->set_project("p");
  id->set_retry_attempt(2);
  md->set_namespace_("p-d");
  (*md->mutable_labels())["l"] = "1";
  (*md->mutable_annotations())["a"] = "2";
  md->set_k8s_service_account("sa");
  (*md->mutable_environment_variables())["E"] = "3";
  md->set_max_attempts(4);
  md->set_interruptible(true);
  md->mutable_identity()->set_k8s_service_account("run-as");
  md->mutable_overrides()->set_container_image("img:2");
  md->mutable_overrides()->mutable_resources();
  return request;
}

TEST(TaskContextForCreateTest, MapsEveryField) {
  absl::StatusOr<flyteplug::v1::TaskContext> ctx =
      TaskContextForCreate(Request());
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_EQ(ctx->task_template().type(), "databricks");
  EXPECT_EQ(ctx->task_template().task_type_version(), 2);
  const flyteplug::v1::TaskExecutionMetadata& md = ctx->metadata();
  EXPECT_EQ(md.task_execution_id().task_id().name(), "my.task");
  EXPECT_EQ(md.task_execution_id().retry_attempt(), 2u);
  EXPECT_EQ(md.generated_name(), "f12ab-n3-2");
  EXPECT_EQ(md.unique_node_id(), "n3");
  EXPECT_EQ(md.namespace_(), "p-d");
  EXPECT_EQ(md.labels().at("l"), "1");
  EXPECT_EQ(md.annotations().at("a"), "2");
  EXPECT_EQ(md.k8s_service_account(), "sa");
  EXPECT_EQ(md.environment_variables().at("E"), "3");
  EXPECT_EQ(md.max_attempts(), 4u);
  EXPECT_TRUE(md.interruptible());
  EXPECT_EQ(md.security_context().run_as().k8s_service_account(), "run-as");
  EXPECT_EQ(md.overrides().container_image(), "img:2");
  EXPECT_TRUE(md.overrides().has_resources());
  EXPECT_EQ(ctx->io().output_prefix(), "s3://bucket/out/0");
  EXPECT_EQ(ctx->plugin_state().phase(), flyteplug::v1::UNDEFINED);
}

TEST(TaskContextForCreateTest, SameRequestSameBytes) {
  // A retried create must reach the module as the identical context (the
  // idempotency token is derived from it).
  EXPECT_EQ(TaskContextForCreate(Request())->SerializeAsString(),
            TaskContextForCreate(Request())->SerializeAsString());
}

TEST(TaskContextForCreateTest, NegativeMaxAttemptsIsZero) {
  flyteidl::admin::CreateTaskRequest request = Request();
  request.mutable_task_execution_metadata()->set_max_attempts(-1);
  EXPECT_EQ(TaskContextForCreate(request)->metadata().max_attempts(), 0u);
}

TEST(TaskContextForCreateTest, UnknownTemplateFieldsReachTheModule) {
  flyteidl::admin::CreateTaskRequest request = Request();
  // Field 4 (TaskTemplate.interface upstream), a length-delimited message
  // this schema does not declare.
  std::string bytes = request.template_().SerializeAsString() +
                      std::string("\x22\x02\x08\x01", 4);
  ASSERT_TRUE(request.mutable_template_()->ParseFromString(bytes));
  absl::StatusOr<flyteplug::v1::TaskContext> ctx =
      TaskContextForCreate(request);
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_EQ(ctx->task_template().SerializeAsString(), bytes);
}

TEST(TaskContextForCreateTest, MissingTemplateOrTypeIsInvalidArgument) {
  flyteidl::admin::CreateTaskRequest request = Request();
  request.clear_template_();
  absl::Status s = TaskContextForCreate(request).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("template is missing"), std::string::npos) << s;
  request = Request();
  request.mutable_template_()->clear_type();
  s = TaskContextForCreate(request).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("template.type"), std::string::npos) << s;
}

TEST(TaskContextForStatusTest, CarriesTypeVersionAndOutputPrefix) {
  flyteplug::v1::TaskContext ctx =
      TaskContextForStatus("databricks", 3, "s3://o");
  EXPECT_EQ(ctx.task_template().type(), "databricks");
  EXPECT_EQ(ctx.task_template().task_type_version(), 3);
  EXPECT_EQ(ctx.io().output_prefix(), "s3://o");
  EXPECT_EQ(ctx.plugin_state().phase(), flyteplug::v1::UNDEFINED);
}

TEST(RoutedTaskTypeTest, CategoryWinsThenDeprecatedTaskType) {
  flyteidl::admin::TaskCategory category;
  category.set_name("spark");
  EXPECT_EQ(*RoutedTaskType(category, "databricks"), "spark");
  EXPECT_EQ(*RoutedTaskType(flyteidl::admin::TaskCategory(), "databricks"),
            "databricks");
  EXPECT_EQ(RoutedTaskType(flyteidl::admin::TaskCategory(), "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace flyteplug::connector
