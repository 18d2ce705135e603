// flyteplug_task_context_from_json: full TaskContext, bare TaskTemplate and
// the documented default context, errors naming the field.
#include <string>

#include "flyteplug/loader_client.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flyteplug::testing {
namespace {

using ::testing::HasSubstr;

flyteplug::v1::TaskContext Parse(const std::string& json) {
  auto bytes = LoaderClient::TaskContextFromJson(json);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  flyteplug::v1::TaskContext context;
  EXPECT_TRUE(context.ParseFromString(bytes.ok() ? *bytes : ""));
  return context;
}

TEST(TaskContextJsonTest, FullContextKeepsEverything) {
  auto context = Parse(R"({
    "taskTemplate": {"type": "spark", "custom": {"mainClass": "Main"},
                     "unknownKey": 1},
    "metadata": {"generatedName": "abc-n0-0", "namespace": "ns",
                 "maxAttempts": 3,
                 "taskExecutionId": {"retryAttempt": 2}},
    "io": {"outputPrefix": "s3://b/out"},
    "pluginState": {"phase": "RUNNING", "phaseVersion": 4}
  })");
  EXPECT_EQ(context.task_template().type(), "spark");
  EXPECT_EQ(
      context.task_template().custom().fields().at("mainClass").string_value(),
      "Main");
  EXPECT_EQ(context.metadata().generated_name(), "abc-n0-0");
  EXPECT_EQ(context.metadata().namespace_(), "ns");
  EXPECT_EQ(context.metadata().max_attempts(), 3u);
  EXPECT_EQ(context.metadata().task_execution_id().retry_attempt(), 2u);
  EXPECT_EQ(context.io().output_prefix(), "s3://b/out");
  EXPECT_EQ(context.plugin_state().phase(), flyteplug::v1::RUNNING);
  EXPECT_EQ(context.plugin_state().phase_version(), 4u);
}

TEST(TaskContextJsonTest, BareTemplateGetsTheDefaultContext) {
  const std::string json = R"({
    "id": {"resourceType": "TASK", "project": "flytesnacks",
           "domain": "development", "name": "wf.hello_spark", "version": "v1"},
    "type": "spark", "custom": {"sparkConf": {"a": "b"}},
    "container": {"image": "img", "args": ["pyflyte-execute"]}
  })";
  auto context = Parse(json);
  EXPECT_EQ(context.task_template().type(), "spark");
  EXPECT_EQ(context.task_template().container().image(), "img");
  const auto& md = context.metadata();
  EXPECT_EQ(md.namespace_(), "flytesnacks-development");
  const auto& exec = md.task_execution_id().node_execution_id().execution_id();
  EXPECT_EQ(exec.project(), "flytesnacks");
  EXPECT_EQ(exec.domain(), "development");
  ASSERT_EQ(exec.name().size(), 17u);
  EXPECT_EQ(exec.name()[0], 'f');
  EXPECT_EQ(md.generated_name(), exec.name() + "-n0-0");
  EXPECT_EQ(md.task_execution_id().task_id().name(), "wf.hello_spark");
  EXPECT_EQ(md.task_execution_id().retry_attempt(), 0u);
  EXPECT_EQ(md.max_attempts(), 1u);
  EXPECT_EQ(md.k8s_service_account(), "default");
  EXPECT_EQ(context.io().input_path().rfind("s3://flyte-demo/", 0), 0u);
  EXPECT_EQ(context.io().output_prefix().rfind("s3://flyte-demo/", 0), 0u);
  // Deterministic: the same template id gives the same names.
  EXPECT_EQ(Parse(json).metadata().generated_name(), md.generated_name());
  // A different template id gives a different execution name.
  auto other = Parse(R"({"id": {"name": "other"}, "type": "spark"})");
  EXPECT_NE(other.metadata().generated_name(), md.generated_name());
}

TEST(TaskContextJsonTest, ErrorsNameTheProblem) {
  auto bad_json = LoaderClient::TaskContextFromJson("{\"type\": ");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_json.status().message(), HasSubstr("invalid JSON at offset"));

  auto neither = LoaderClient::TaskContextFromJson(R"({"hello": 1})");
  ASSERT_FALSE(neither.ok());
  EXPECT_THAT(neither.status().message(), HasSubstr("neither a TaskContext"));

  auto wrong_type =
      LoaderClient::TaskContextFromJson(R"({"taskTemplate": {"type": [1]}})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_THAT(wrong_type.status().message(),
              HasSubstr("flyteplug.v1.TaskContext"));
  EXPECT_THAT(wrong_type.status().message(), HasSubstr("type"));

  auto array = LoaderClient::TaskContextFromJson("[1,2]");
  ASSERT_FALSE(array.ok());
  EXPECT_THAT(array.status().message(), HasSubstr("expected an object"));
}

TEST(TaskContextJsonTest, PhaseInfoToJsonRejectsGarbage) {
  auto json = LoaderClient::PhaseInfoToJson(std::string("\xff\xff\xff", 3));
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(json.status().message(), HasSubstr("flyteplug.v1.PhaseInfo"));
}

}  // namespace
}  // namespace flyteplug::testing
