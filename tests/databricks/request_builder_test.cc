// The runs/submit body on every configuration shape of the reference, in
// both request formats; every body built here is checked against the Jobs
// API 2.1 field list (jobs_api_fields.txt).
#include "request_builder.h"

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "instance.h"
#include "rapidjson/document.h"
#include "test_support.h"

namespace flyteplug::databricks {
namespace {

using testing::ContextFromTemplateJson;
using testing::ExampleContext;
using ::testing::IsEmpty;
using testing::JobsApiFieldErrors;

rapidjson::Document Body(const SubmitRequest& request) {
  rapidjson::Document doc;
  doc.Parse(request.body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << request.body;
  EXPECT_TRUE(doc.IsObject());
  return doc;
}

// A template with `conf` as databricksConf and `extra` custom keys.
flyteplug::abi::flyteplug::v1::TaskContext Template(
    const std::string& conf, const std::string& extra = "",
    const std::string& type = "databricks") {
  std::string json = absl::StrCat(
      R"({"type":")", type, R"(","custom":{"databricksConf":)", conf,
      R"(,"databricksInstance":"acme.cloud.databricks.com","sparkConf":{"spark.x":"1"})",
      extra,
      R"(},"container":{"image":"repo/img:tag","args":["pyflyte-execute","--inputs","{{.input}}","--output-prefix","{{.outputPrefix}}"],"env":[{"key":"A","value":"from-container"}]}})");
  return ContextFromTemplateJson(json);
}

// Builds the request; a body that was built must pass the field check.
absl::StatusOr<SubmitRequest> Build(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    DatabricksConfig config = {}, absl::string_view env = "") {
  absl::StatusOr<SubmitRequest> request =
      BuildSubmitRequest(context, config, env);
  if (request.ok()) {
    rapidjson::Document body;
    body.Parse(request->body.c_str());
    EXPECT_THAT(JobsApiFieldErrors(
                    body, config.request_format == RequestFormat::kSingleTask),
                IsEmpty())
        << request->body;
  }
  return request;
}

// flytekit's body: `requestFormat: single-task`.
absl::StatusOr<SubmitRequest> BuildSingleTask(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    DatabricksConfig config = {}, absl::string_view env = "") {
  config.request_format = RequestFormat::kSingleTask;
  return Build(context, config, env);
}

TEST(RequestBuilderTest, SingleTaskExampleIsFlytekitsClassicShape) {
  // The example names no instance: it comes from the configuration.
  DatabricksConfig config;
  config.databricks_instance = "dbc-a53b7a3c-614c.cloud.databricks.com/";
  auto request = BuildSingleTask(ExampleContext(), config);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->instance,
            "https://dbc-a53b7a3c-614c.cloud.databricks.com");
  EXPECT_EQ(request->url,
            "https://dbc-a53b7a3c-614c.cloud.databricks.com/api/2.1/jobs/runs/"
            "submit");
  rapidjson::Document body = Body(*request);
  EXPECT_STREQ(body["run_name"].GetString(),
               "flytekit databricks plugin example");
  // Whole numbers stay integers although the Struct carried doubles.
  EXPECT_TRUE(body["timeout_seconds"].IsInt64());
  EXPECT_EQ(body["timeout_seconds"].GetInt64(), 3600);
  EXPECT_TRUE(body["max_retries"].IsInt64());
  const auto& cluster = body["new_cluster"];
  EXPECT_TRUE(cluster["num_workers"].IsInt64());
  EXPECT_EQ(cluster["num_workers"].GetInt64(), 2);
  EXPECT_NE(request->body.find("\"num_workers\":2,"), std::string::npos)
      << request->body;
  EXPECT_STREQ(cluster["spark_version"].GetString(), "13.3.x-scala2.12");
  EXPECT_STREQ(cluster["aws_attributes"]["availability"].GetString(),
               "ON_DEMAND");
  EXPECT_STREQ(cluster["docker_image"]["url"].GetString(),
               "ghcr.io/flyteorg/flytecookbook:databricks_plugin-latest");
  EXPECT_STREQ(cluster["spark_conf"]["spark.driver.memory"].GetString(),
               "1000M");
  EXPECT_STREQ(cluster["spark_env_vars"]["FLYTE_FAIL_ON_ERROR"].GetString(),
               "true");
  EXPECT_STREQ(cluster["spark_env_vars"]["FLYTE_INTERNAL_IMAGE"].GetString(),
               "ghcr.io/flyteorg/flytecookbook:databricks_plugin-latest");
  const auto& task = body["spark_python_task"];
  EXPECT_STREQ(task["python_file"].GetString(), kDefaultEntrypoint);
  EXPECT_STREQ(task["source"].GetString(), "GIT");
  const auto& params = task["parameters"];
  ASSERT_TRUE(params.IsArray());
  ASSERT_GE(params.Size(), 11u);
  EXPECT_STREQ(params[0].GetString(), "pyflyte-execute");
  EXPECT_STREQ(params[2].GetString(), "s3://bucket/inputs.pb");
  EXPECT_STREQ(params[4].GetString(), "s3://bucket/out/n0/0");
  EXPECT_STREQ(params[6].GetString(), "s3://bucket/raw");
  EXPECT_STREQ(params[8].GetString(), "s3://bucket/ckpt/n0/0");
  EXPECT_STREQ(params[10].GetString(), "\"\"");
  EXPECT_STREQ(body["git_source"]["git_url"].GetString(), kDefaultGitUrl);
  EXPECT_STREQ(body["git_source"]["git_provider"].GetString(), "gitHub");
  EXPECT_STREQ(body["git_source"]["git_commit"].GetString(), kDefaultGitCommit);
  // The body is written canonically (every object's keys sorted), so an
  // identical task gives identical bytes; flytekit's dict order, and the
  // unspecified order of a Struct's map, are not kept.
  for (auto it = body.MemberBegin(); it + 1 != body.MemberEnd(); ++it) {
    EXPECT_LT(std::string(it->name.GetString()),
              std::string((it + 1)->name.GetString()));
  }
  for (int i = 0; i < 3; ++i) {
    auto again = BuildSingleTask(ExampleContext(), config);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->body, request->body);
  }
  EXPECT_EQ(body["idempotency_token"].GetString(), request->idempotency_token);
  EXPECT_LE(request->idempotency_token.size(), 64u);
  EXPECT_FALSE(body.HasMember("existing_cluster_id"));
  EXPECT_FALSE(body.HasMember("tasks"));
}

TEST(RequestBuilderTest, ExistingClusterIsLeftAlone) {
  auto request = BuildSingleTask(
      Template(R"({"existing_cluster_id":"0123-abc","run_name":"r"})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_STREQ(body["existing_cluster_id"].GetString(), "0123-abc");
  EXPECT_FALSE(body.HasMember("new_cluster"));
  EXPECT_EQ(request->body.find("docker_image"), std::string::npos);
  EXPECT_EQ(request->body.find("spark_env_vars"), std::string::npos);
  EXPECT_STREQ(body["spark_python_task"]["python_file"].GetString(),
               kDefaultEntrypoint);
  EXPECT_STREQ(body["spark_python_task"]["parameters"][2].GetString(),
               "s3://bucket/inputs.pb");
}

TEST(RequestBuilderTest, UserClusterSettingsWinExceptFlyteEnv) {
  auto request = BuildSingleTask(Template(
      R"({"new_cluster":{"docker_image":{"url":"mine:1"},"spark_conf":{"k":"v"},)"
      R"("spark_env_vars":{"A":"user","B":"user"}},)"
      R"("spark_python_task":{"python_file":"lost.py"},"libraries":[{"pypi":{"package":"x"}}]})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  const auto& cluster = body["new_cluster"];
  EXPECT_STREQ(cluster["docker_image"]["url"].GetString(), "mine:1");
  EXPECT_STREQ(cluster["spark_conf"]["k"].GetString(), "v");
  EXPECT_FALSE(cluster["spark_conf"].HasMember("spark.x"));
  EXPECT_STREQ(cluster["spark_env_vars"]["A"].GetString(), "from-container");
  EXPECT_STREQ(cluster["spark_env_vars"]["B"].GetString(), "user");
  EXPECT_STREQ(cluster["spark_env_vars"]["FLYTE_FAIL_ON_ERROR"].GetString(),
               "true");
  // spark_python_task is overwritten; other keys pass through.
  EXPECT_STREQ(body["spark_python_task"]["python_file"].GetString(),
               kDefaultEntrypoint);
  EXPECT_STREQ(body["libraries"][0]["pypi"]["package"].GetString(), "x");
}

TEST(RequestBuilderTest, MissingSparkConfGivesEmptyObject) {
  auto context = Template(R"({"new_cluster":{"spark_version":"x"}})");
  context.mutable_task_template()->mutable_custom()->mutable_fields()->erase(
      "sparkConf");
  auto request = BuildSingleTask(context);
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_TRUE(body["new_cluster"]["spark_conf"].IsObject());
  EXPECT_EQ(body["new_cluster"]["spark_conf"].MemberCount(), 0u);
}

TEST(RequestBuilderTest, ServerlessEnvironmentKeyBuildsTasksForm) {
  auto request = BuildSingleTask(
      Template(R"({"environment_key":"gpu","run_name":"s"})",
               R"(,"databricksServiceCredentialProvider":"prov")"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_FALSE(body.HasMember("environment_key"));
  EXPECT_FALSE(body.HasMember("spark_python_task"));
  ASSERT_TRUE(body["tasks"].IsArray());
  ASSERT_EQ(body["tasks"].Size(), 1u);
  const auto& task = body["tasks"][0];
  EXPECT_STREQ(task["task_key"].GetString(), "flyte_task");
  EXPECT_STREQ(task["environment_key"].GetString(), "gpu");
  EXPECT_STREQ(task["spark_python_task"]["python_file"].GetString(),
               kDefaultServerlessEntrypoint);
  const auto& params = task["spark_python_task"]["parameters"];
  EXPECT_STREQ(params[params.Size() - 1].GetString(),
               "--flyte-credential-provider=prov");
  ASSERT_EQ(body["environments"].Size(), 1u);
  const auto& env = body["environments"][0];
  EXPECT_STREQ(env["environment_key"].GetString(), "gpu");
  EXPECT_STREQ(env["spec"]["client"].GetString(), "1");
  EXPECT_STREQ(env["spec"]["environment_vars"]["A"].GetString(),
               "from-container");
  EXPECT_STREQ(
      env["spec"]["environment_vars"]["FLYTE_FAIL_ON_ERROR"].GetString(),
      "true");
  EXPECT_TRUE(body.HasMember("git_source"));
}

TEST(RequestBuilderTest, ServerlessEnvironmentsMergeIntoMatchingEntry) {
  auto request = BuildSingleTask(Template(
      R"({"environments":[{"environment_key":"other","spec":{"client":"2"}},)"
      R"({"environment_key":"default","spec":{"client":"3","environment_vars":{"A":"user","C":"c"}}}]})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  ASSERT_EQ(body["environments"].Size(), 2u);
  const auto& entry = body["environments"][1];
  EXPECT_STREQ(entry["spec"]["client"].GetString(), "3");
  EXPECT_STREQ(entry["spec"]["environment_vars"]["A"].GetString(),
               "from-container");
  EXPECT_STREQ(entry["spec"]["environment_vars"]["C"].GetString(), "c");
  EXPECT_FALSE(body["environments"][0]["spec"].HasMember("environment_vars"));
  EXPECT_STREQ(body["tasks"][0]["environment_key"].GetString(), "default");
}

TEST(RequestBuilderTest, ClusterWinsOverServerlessKeys) {
  auto request = BuildSingleTask(
      Template(R"({"existing_cluster_id":"c1","environment_key":"gpu"})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_FALSE(body.HasMember("tasks"));
  EXPECT_TRUE(body.HasMember("spark_python_task"));
}

TEST(RequestBuilderTest, NotebookClassic) {
  auto request = BuildSingleTask(Template(
      R"({"existing_cluster_id":"c1"})",
      R"(,"notebookPath":"/Users/me/nb","notebookBaseParameters":{"x":"1","n":3.0})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_FALSE(body.HasMember("spark_python_task"));
  EXPECT_FALSE(body.HasMember("git_source"));
  const auto& nb = body["notebook_task"];
  EXPECT_STREQ(nb["notebook_path"].GetString(), "/Users/me/nb");
  EXPECT_STREQ(nb["base_parameters"]["x"].GetString(), "1");
  EXPECT_TRUE(nb["base_parameters"]["n"].IsInt64());
  EXPECT_FALSE(nb.HasMember("source"));
}

TEST(RequestBuilderTest, NotebookServerlessWithUserGitSource) {
  auto request = BuildSingleTask(Template(
      R"({"environment_key":"e","git_source":{"git_url":"https://g/r","git_provider":"gitHub","git_branch":"main"}})",
      R"(,"notebookPath":"notebooks/nb")"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  const auto& task = body["tasks"][0];
  EXPECT_STREQ(task["task_key"].GetString(), "flyte_notebook_task");
  EXPECT_STREQ(task["notebook_task"]["notebook_path"].GetString(),
               "notebooks/nb");
  EXPECT_STREQ(task["notebook_task"]["source"].GetString(), "GIT");
  EXPECT_STREQ(body["git_source"]["git_url"].GetString(), "https://g/r");
}

TEST(RequestBuilderTest, UserPythonFileAndGitSource) {
  auto request = BuildSingleTask(Template(
      R"({"existing_cluster_id":"c","python_file":"my/entry.py","git_source":{"git_url":"https://g/x","git_provider":"gitHub"}})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_FALSE(body.HasMember("python_file"));
  EXPECT_STREQ(body["spark_python_task"]["python_file"].GetString(),
               "my/entry.py");
  EXPECT_STREQ(body["git_source"]["git_url"].GetString(), "https://g/x");
}

TEST(RequestBuilderTest, ConfiguredEntrypointFileLikeGoPlugin) {
  DatabricksConfig config;
  config.entrypoint_file = "dbfs:///FileStore/tables/entrypoint.py";
  auto request =
      BuildSingleTask(Template(R"({"existing_cluster_id":"c"})"), config);
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_STREQ(body["spark_python_task"]["python_file"].GetString(),
               "dbfs:///FileStore/tables/entrypoint.py");
  EXPECT_FALSE(body["spark_python_task"].HasMember("source"));
  EXPECT_FALSE(body.HasMember("git_source"));
}

TEST(RequestBuilderTest, LegacySparkTaskTypeWithDatabricksConf) {
  auto request =
      Build(Template(R"({"new_cluster":{"num_workers":1.0}})", "", "spark"));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_NE(request->body.find("\"num_workers\":1,"), std::string::npos)
      << request->body;
}

TEST(RequestBuilderTest, FractionalNumbersStayDoubles) {
  // (A fractional value inside spark_conf: the field check admits no
  // invented new_cluster key.)
  auto request = BuildSingleTask(Template(
      R"({"new_cluster":{"autoscale":{"min_workers":1.0,"max_workers":4.0},"spark_conf":{"ratio":0.5}}})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_TRUE(body["new_cluster"]["autoscale"]["max_workers"].IsInt64());
  EXPECT_TRUE(body["new_cluster"]["spark_conf"]["ratio"].IsDouble());
  EXPECT_DOUBLE_EQ(body["new_cluster"]["spark_conf"]["ratio"].GetDouble(), 0.5);
}

TEST(RequestBuilderTest, NoComputeIsAUserErrorNamingTheKeys) {
  auto request = Build(Template(R"({"run_name":"x"})"));
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* key :
       {"existing_cluster_id", "new_cluster", "environment_key", "environments",
        "taskTemplate.custom.databricksConf"}) {
    EXPECT_NE(request.status().message().find(key), std::string::npos)
        << request.status();
  }
}

TEST(RequestBuilderTest, BadShapesNameTheField) {
  struct Case {
    std::string conf;
    std::string extra;
    std::string expected;
  } cases[] = {
      {R"({"new_cluster":"big"})", "", "databricksConf.new_cluster"},
      {R"({"new_cluster":{"spark_env_vars":[1]}})", "",
       "new_cluster.spark_env_vars"},
      {R"({"environments":{"a":1}})", "", "databricksConf.environments"},
      {R"({"existing_cluster_id":"c","git_source":"x"})", "",
       "databricksConf.git_source"},
      {R"("notanobject")", "", "taskTemplate.custom.databricksConf"},
      {R"({"existing_cluster_id":"c"})", R"(,"notebookPath":5)",
       "custom.notebookPath"},
  };
  for (const Case& c : cases) {
    auto request = Build(Template(c.conf, c.extra));
    ASSERT_FALSE(request.ok()) << c.conf;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(request.status().message().find(c.expected), std::string::npos)
        << request.status();
  }
}

TEST(RequestBuilderTest, MissingPiecesAreErrors) {
  auto no_conf = ContextFromTemplateJson(
      R"({"type":"spark","custom":{"sparkConf":{}},"container":{"image":"i"}})");
  auto request = Build(no_conf, {}, "acme");
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.status().message().find("databricksConf: missing"),
            std::string::npos)
      << request.status();

  auto no_container = ContextFromTemplateJson(
      R"({"type":"databricks","custom":{"databricksConf":{"existing_cluster_id":"c"}}})");
  request = Build(no_container, {}, "acme");
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.status().message().find("taskTemplate.container"),
            std::string::npos);

  auto no_custom = ContextFromTemplateJson(R"({"type":"databricks"})");
  request = Build(no_custom, {}, "acme");
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.status().message().find("taskTemplate.custom"),
            std::string::npos);
}

TEST(RequestBuilderTest, InstanceResolutionOrder) {
  auto context = Template(R"({"existing_cluster_id":"c"})");
  auto& fields =
      *context.mutable_task_template()->mutable_custom()->mutable_fields();
  DatabricksConfig config;
  config.databricks_instance = "https://config.example.com/";
  EXPECT_EQ(Build(context, config, "env.example.com")->instance,
            "https://acme.cloud.databricks.com");
  fields.erase("databricksInstance");
  EXPECT_EQ(Build(context, config, "env.example.com")->instance,
            "https://config.example.com");
  EXPECT_EQ(Build(context, {}, "env.example.com")->instance,
            "https://env.example.com");
  auto missing = Build(context, {}, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("FLYTE_DATABRICKS_INSTANCE"),
            std::string::npos);
  EXPECT_NE(
      missing.status().message().find("plugins.databricks.databricksInstance"),
      std::string::npos);
}

TEST(RequestBuilderTest, TaskTokenOnlyWhenAllowed) {
  auto context = Template(R"({"existing_cluster_id":"c"})",
                          R"(,"databricksToken":"dapi-in-task")");
  auto ignored = Build(context);
  ASSERT_TRUE(ignored.ok());
  EXPECT_FALSE(ignored->task_token.has_value());
  ASSERT_EQ(ignored->warnings.size(), 1u);
  EXPECT_EQ(ignored->warnings[0].find("dapi-in-task"), std::string::npos);
  EXPECT_EQ(ignored->body.find("dapi-in-task"), std::string::npos);
  DatabricksConfig allow;
  allow.allow_token_in_task = true;
  auto used = Build(context, allow);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(used->task_token.value_or(""), "dapi-in-task");
  EXPECT_EQ(used->body.find("dapi-in-task"), std::string::npos);
}

TEST(RequestBuilderTest, BodyIsByteIdenticalWhateverTheMapOrder) {
  // databricksConf's cluster tags and Spark settings with many keys, given
  // in opposite orders (the protobuf Struct maps hold them in hash order).
  std::string forward_conf, backward_conf, forward_cluster, backward_cluster;
  for (int i = 0; i < 48; ++i) {
    const int j = 47 - i;
    absl::StrAppend(&forward_conf, ",\"spark.k", i, "\":\"", i, "\"");
    absl::StrAppend(&backward_conf, ",\"spark.k", j, "\":\"", j, "\"");
    absl::StrAppend(&forward_cluster, ",\"tag", i, "\":\"t\"");
    absl::StrAppend(&backward_cluster, ",\"tag", j, "\":\"t\"");
  }
  auto make = [](const std::string& conf, const std::string& cluster) {
    return Template(
        absl::StrCat(R"({"run_name":"r","new_cluster":{"spark_version":"13",)"
                     R"("custom_tags":{"z":"1")",
                     cluster, R"(},"spark_conf":{"spark.y":"2")", conf, "}}}"));
  };
  auto a = Build(make(forward_conf, forward_cluster));
  ASSERT_TRUE(a.ok()) << a.status();
  for (int round = 0; round < 5; ++round) {
    auto b = Build(make(backward_conf, backward_cluster));
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_EQ(a->body, b->body);
  }
  EXPECT_NE(a->body.find("\"spark.k47\":\"47\""), std::string::npos) << a->body;
}

TEST(RequestBuilderTest, TaskTokenThatCouldInjectHeadersIsRefused) {
  DatabricksConfig allow;
  allow.allow_token_in_task = true;
  auto context = Template(R"({"existing_cluster_id":"c"})",
                          R"(,"databricksToken":"dapi-x\r\nX-Evil: 1")");
  auto refused = Build(context, allow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find(
                "taskTemplate.custom.databricksToken contains a carriage "
                "return (CR) at byte 6"),
            std::string::npos)
      << refused.status();
  EXPECT_EQ(refused.status().message().find("dapi-x"), std::string::npos);
  // Ignored (not allowed) tokens are not sent, so not checked.
  EXPECT_TRUE(Build(context).ok());
}

// ---- Jobs API 2.1 multi-task form (the default) ----

// The one task of a multi-task body.
const rapidjson::Value& OnlyTask(const rapidjson::Document& body) {
  static const rapidjson::Value kNull;
  const auto it = body.FindMember("tasks");
  EXPECT_TRUE(it != body.MemberEnd() && it->value.IsArray() &&
              it->value.Size() == 1);
  if (it == body.MemberEnd() || !it->value.IsArray() || it->value.Empty()) {
    return kNull;
  }
  return it->value[0];
}

// `body` with its one task's members at the top level and no task_key: the
// same content whatever the form.
std::string Flattened(const std::string& json) {
  rapidjson::Document body;
  body.Parse(json.c_str());
  auto tasks = body.FindMember("tasks");
  if (tasks != body.MemberEnd() && tasks->value.Size() == 1) {
    rapidjson::Value task = std::move(tasks->value[0]);
    body.RemoveMember("tasks");
    for (auto& m : task.GetObject()) {
      EXPECT_FALSE(body.HasMember(m.name)) << m.name.GetString();
      body.AddMember(m.name, m.value, body.GetAllocator());
    }
  }
  body.RemoveMember("task_key");
  return sdk::json::Write(body);
}

TEST(RequestBuilderTest, MultiTaskExampleHasTaskFieldsInItsOneTask) {
  DatabricksConfig config;
  config.databricks_instance = "dbc-a53b7a3c-614c.cloud.databricks.com";
  auto request = Build(ExampleContext(), config);
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  const auto& task = OnlyTask(body);
  EXPECT_STREQ(task["task_key"].GetString(), kTaskKey);
  EXPECT_EQ(task["new_cluster"]["num_workers"].GetInt64(), 2);
  EXPECT_STREQ(task["new_cluster"]["docker_image"]["url"].GetString(),
               "ghcr.io/flyteorg/flytecookbook:databricks_plugin-latest");
  EXPECT_STREQ(task["spark_python_task"]["python_file"].GetString(),
               kDefaultEntrypoint);
  EXPECT_STREQ(task["spark_python_task"]["parameters"][2].GetString(),
               "s3://bucket/inputs.pb");
  EXPECT_EQ(task["max_retries"].GetInt64(), 1);
  // Run-level fields stay at the top; the legacy top-level
  // timeout_seconds is the run's (both levels define it).
  EXPECT_STREQ(body["run_name"].GetString(),
               "flytekit databricks plugin example");
  EXPECT_EQ(body["timeout_seconds"].GetInt64(), 3600);
  EXPECT_FALSE(task.HasMember("timeout_seconds"));
  EXPECT_STREQ(body["git_source"]["git_url"].GetString(), kDefaultGitUrl);
  EXPECT_EQ(body["idempotency_token"].GetString(), request->idempotency_token);
  for (const char* key : {"new_cluster", "spark_python_task", "max_retries"}) {
    EXPECT_FALSE(body.HasMember(key)) << key;
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Build(ExampleContext(), config)->body, request->body);
  }
}

// Every shape, in both formats: the same content, only placed differently.
TEST(RequestBuilderTest, EveryShapeInBothFormatsHoldsTheSameContent) {
  struct Shape {
    const char* name;
    flyteplug::abi::flyteplug::v1::TaskContext context;
    bool serverless;
  } shapes[] = {
      {"example", ExampleContext("acme.cloud.databricks.com"), false},
      {"new cluster",
       Template(
           R"({"run_name":"r","new_cluster":{"spark_version":"13"},)"
           R"("max_retries":2.0,"min_retry_interval_millis":1000.0,)"
           R"("retry_on_timeout":true,"timeout_seconds":60.0,)"
           R"("libraries":[{"pypi":{"package":"x"}}],)"
           R"("access_control_list":[{"user_name":"u","permission_level":"CAN_VIEW"}],)"
           R"("queue":{"enabled":true}})"),
       false},
      {"existing cluster",
       Template(R"({"existing_cluster_id":"0123-abc","run_name":"r"})"), false},
      {"serverless key",
       Template(R"({"environment_key":"gpu","max_retries":1.0})",
                R"(,"databricksServiceCredentialProvider":"prov")"),
       true},
      {"serverless environments",
       Template(
           R"({"environments":[{"environment_key":"default","spec":{"client":"2"}}]})"),
       true},
      {"notebook classic",
       Template(R"({"existing_cluster_id":"c1"})",
                R"(,"notebookPath":"/Users/me/nb")"),
       false},
      {"notebook serverless",
       Template(R"({"environment_key":"e"})", R"(,"notebookPath":"nb")"), true},
      {"legacy spark route",
       Template(R"({"new_cluster":{"num_workers":1.0}})", "", "spark"), false},
      {"scala jar",
       Template(R"({"new_cluster":{"spark_version":"13"}})",
                R"(,"applicationType":"SCALA","mainClass":"org.Main",)"
                R"("mainApplicationFile":"dbfs:/jars/app.jar")"),
       false},
  };
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(shape.name);
    auto multi = Build(shape.context);
    auto single = BuildSingleTask(shape.context);
    ASSERT_TRUE(multi.ok()) << multi.status();
    ASSERT_TRUE(single.ok()) << single.status();
    rapidjson::Document body = Body(*multi);
    const auto& task = OnlyTask(body);
    EXPECT_TRUE(task.HasMember("task_key"));
    EXPECT_EQ(Flattened(multi->body), Flattened(single->body));
    rapidjson::Document legacy = Body(*single);
    EXPECT_EQ(legacy.HasMember("tasks"), shape.serverless);
    EXPECT_EQ(multi->idempotency_token, single->idempotency_token);
  }
}

TEST(RequestBuilderTest, TaskKeysAreStable) {
  auto python = Build(Template(R"({"existing_cluster_id":"c"})"));
  auto notebook = Build(
      Template(R"({"existing_cluster_id":"c"})", R"(,"notebookPath":"/nb")"));
  ASSERT_TRUE(python.ok() && notebook.ok());
  EXPECT_STREQ(OnlyTask(Body(*python))["task_key"].GetString(), "flyte_task");
  EXPECT_STREQ(OnlyTask(Body(*notebook))["task_key"].GetString(),
               "flyte_notebook_task");
}

TEST(RequestBuilderTest, UserTasksFormIsHonouredAndNormalised) {
  const std::string task_fields =
      R"("existing_cluster_id":"c","max_retries":2.0,"libraries":[{"jar":"dbfs:/x.jar"}])";
  auto tasks_form = Template(absl::StrCat(
      R"({"run_name":"r","timeout_seconds":60.0,"tasks":[{"task_key":"mine",)",
      task_fields, "}]}"));
  auto legacy_form = Template(absl::StrCat(
      R"({"run_name":"r","timeout_seconds":60.0,)", task_fields, "}"));
  auto multi = Build(tasks_form);
  ASSERT_TRUE(multi.ok()) << multi.status();
  rapidjson::Document body = Body(*multi);
  const auto& task = OnlyTask(body);
  EXPECT_STREQ(task["task_key"].GetString(), "mine");
  EXPECT_STREQ(task["existing_cluster_id"].GetString(), "c");
  EXPECT_EQ(task["max_retries"].GetInt64(), 2);
  EXPECT_STREQ(task["spark_python_task"]["python_file"].GetString(),
               kDefaultEntrypoint);
  EXPECT_EQ(body["timeout_seconds"].GetInt64(), 60);
  // Either form of the same job gives the same body (but the task_key).
  auto from_legacy = Build(legacy_form);
  ASSERT_TRUE(from_legacy.ok()) << from_legacy.status();
  EXPECT_EQ(Flattened(multi->body), Flattened(from_legacy->body));
  EXPECT_STREQ(OnlyTask(Body(*from_legacy))["task_key"].GetString(), kTaskKey);
  // single-task: the user's task is flattened, task_key dropped, and the
  // body equals the legacy form's.
  auto single = BuildSingleTask(tasks_form);
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(single->body, BuildSingleTask(legacy_form)->body);
  EXPECT_FALSE(Body(*single).HasMember("task_key"));
}

TEST(RequestBuilderTest, UserTasksFormErrorsNameThePlace) {
  struct Case {
    std::string conf;
    std::string expected;
  } cases[] = {
      {R"({"tasks":[{"existing_cluster_id":"a"},{"existing_cluster_id":"b"}]})",
       "databricksConf.tasks: 2 tasks given; a Flyte task runs as exactly one "
       "Databricks task"},
      {R"({"tasks":[]})", "databricksConf.tasks: 0 tasks given"},
      {R"({"tasks":{"existing_cluster_id":"a"}})",
       "databricksConf.tasks: expected an array"},
      {R"({"tasks":["x"]})", "databricksConf.tasks[0]: expected an object"},
      {R"({"max_retries":1.0,"tasks":[{"existing_cluster_id":"a","max_retries":2.0}]})",
       "databricksConf.max_retries: also set in "
       "taskTemplate.custom.databricksConf.tasks[0]"},
      {R"({"tasks":[{"new_cluster":"big"}]})",
       "databricksConf.tasks[0].new_cluster: expected an object"},
  };
  for (const Case& c : cases) {
    auto request = Build(Template(c.conf));
    ASSERT_FALSE(request.ok()) << c.conf;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(request.status().message().find(c.expected), std::string::npos)
        << request.status();
  }
  // A field at both levels fits only the multi-task form.
  auto both = Template(
      R"({"timeout_seconds":60.0,"tasks":[{"existing_cluster_id":"a","timeout_seconds":30.0}]})");
  auto multi = Build(both);
  ASSERT_TRUE(multi.ok()) << multi.status();
  EXPECT_EQ(OnlyTask(Body(*multi))["timeout_seconds"].GetInt64(), 30);
  auto single = BuildSingleTask(both);
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.status().message().find(
                "databricksConf.tasks[0].timeout_seconds: also set at the run "
                "level"),
            std::string::npos)
      << single.status();
}

TEST(RequestBuilderTest, ServerlessMultiTaskCarriesTheTaskFields) {
  auto request = Build(Template(
      R"({"environment_key":"gpu","max_retries":1.0,"run_name":"s"})"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  const auto& task = OnlyTask(body);
  EXPECT_STREQ(task["task_key"].GetString(), kTaskKey);
  EXPECT_STREQ(task["environment_key"].GetString(), "gpu");
  EXPECT_EQ(task["max_retries"].GetInt64(), 1);
  EXPECT_FALSE(body.HasMember("max_retries"));
  EXPECT_FALSE(body.HasMember("environment_key"));
  EXPECT_STREQ(body["environments"][0]["environment_key"].GetString(), "gpu");
}

// ---- JAR applications ----

// A Scala/Java SparkJob as flytekit's GenericSparkTask serializes it.
flyteplug::abi::flyteplug::v1::TaskContext JarTemplate(
    const std::string& conf, const std::string& application) {
  return ContextFromTemplateJson(absl::StrCat(
      R"({"type":"spark","custom":{"databricksConf":)", conf,
      R"(,"databricksInstance":"acme.cloud.databricks.com")", application,
      R"(},"container":{"image":"apache/spark:3.5.0","args":["1000","--in","{{.input}}"]}})"));
}

TEST(RequestBuilderTest, ScalaAndJavaBecomeSparkJarTasks) {
  for (const char* type : {R"("SCALA")", R"("JAVA")", "2", "1"}) {
    SCOPED_TRACE(type);
    auto context = JarTemplate(
        R"({"new_cluster":{"spark_version":"13"},"libraries":[{"maven":{"coordinates":"a:b:1"}}]})",
        absl::StrCat(R"(,"applicationType":)", type,
                     R"(,"mainClass":"org.apache.spark.examples.SparkPi",)"
                     R"("mainApplicationFile":"dbfs:/jars/examples.jar")"));
    auto request = Build(context);
    ASSERT_TRUE(request.ok()) << request.status();
    rapidjson::Document body = Body(*request);
    const auto& task = OnlyTask(body);
    EXPECT_FALSE(task.HasMember("spark_python_task"));
    const auto& jar = task["spark_jar_task"];
    EXPECT_STREQ(jar["main_class_name"].GetString(),
                 "org.apache.spark.examples.SparkPi");
    ASSERT_EQ(jar["parameters"].Size(), 3u);
    EXPECT_STREQ(jar["parameters"][0].GetString(), "1000");
    EXPECT_STREQ(jar["parameters"][2].GetString(), "s3://bucket/inputs.pb");
    ASSERT_EQ(task["libraries"].Size(), 2u);
    EXPECT_STREQ(task["libraries"][0]["maven"]["coordinates"].GetString(),
                 "a:b:1");
    EXPECT_STREQ(task["libraries"][1]["jar"].GetString(),
                 "dbfs:/jars/examples.jar");
    EXPECT_FALSE(body.HasMember("git_source"));  // no Python entrypoint
    EXPECT_STREQ(task["new_cluster"]["docker_image"]["url"].GetString(),
                 "apache/spark:3.5.0");
    // flytekit's body form: the same task at the top level.
    auto single = BuildSingleTask(context);
    ASSERT_TRUE(single.ok()) << single.status();
    rapidjson::Document legacy = Body(*single);
    EXPECT_STREQ(legacy["spark_jar_task"]["main_class_name"].GetString(),
                 "org.apache.spark.examples.SparkPi");
    EXPECT_STREQ(legacy["libraries"][1]["jar"].GetString(),
                 "dbfs:/jars/examples.jar");
  }
}

TEST(RequestBuilderTest, JarAlreadyInLibrariesIsNotAddedTwice) {
  auto request = Build(JarTemplate(
      R"({"existing_cluster_id":"c","libraries":[{"jar":"dbfs:/a.jar"}]})",
      R"(,"applicationType":"JAVA","mainClass":"M","mainApplicationFile":"dbfs:/a.jar")"));
  ASSERT_TRUE(request.ok()) << request.status();
  rapidjson::Document body = Body(*request);
  EXPECT_EQ(OnlyTask(body)["libraries"].Size(), 1u);
  // Without mainApplicationFile, a jar in libraries is enough.
  auto in_libraries = Build(JarTemplate(
      R"({"existing_cluster_id":"c","libraries":[{"jar":"dbfs:/a.jar"}]})",
      R"(,"applicationType":"SCALA","mainClass":"M")"));
  ASSERT_TRUE(in_libraries.ok()) << in_libraries.status();
  EXPECT_EQ(OnlyTask(Body(*in_libraries))["libraries"].Size(), 1u);
}

TEST(RequestBuilderTest, JarAndOtherApplicationErrorsAreClear) {
  struct Case {
    std::string conf;
    std::string application;
    std::string expected;
  } cases[] = {
      {R"({"existing_cluster_id":"c"})",
       R"(,"applicationType":"SCALA","mainApplicationFile":"dbfs:/a.jar")",
       "taskTemplate.custom.mainClass: missing; a JAVA or SCALA application "
       "runs on Databricks as a spark_jar_task"},
      {R"({"existing_cluster_id":"c"})",
       R"(,"applicationType":"JAVA","mainClass":"M")",
       "taskTemplate.custom.mainApplicationFile: missing"},
      {R"({"existing_cluster_id":"c","libraries":{"jar":"x"}})",
       R"(,"applicationType":"JAVA","mainClass":"M","mainApplicationFile":"a.jar")",
       "databricksConf.libraries: expected an array"},
      {R"({"existing_cluster_id":"c"})",
       R"(,"applicationType":"R","mainApplicationFile":"dbfs:/a.R")",
       "taskTemplate.custom.applicationType: R is not run by the databricks "
       "module (supported: PYTHON, JAVA, SCALA)"},
      {R"({"existing_cluster_id":"c"})", R"(,"applicationType":7)",
       "taskTemplate.custom.applicationType: 7 is not a SparkApplication type"},
      {R"({"existing_cluster_id":"c"})", R"(,"applicationType":"GO")",
       "custom.applicationType: unknown SparkApplication.Type"},
      {R"({"environment_key":"e"})",
       R"(,"applicationType":"SCALA","mainClass":"M","mainApplicationFile":"a.jar")",
       "a JAVA or SCALA application needs cluster compute"},
  };
  for (const Case& c : cases) {
    auto request = Build(JarTemplate(c.conf, c.application));
    ASSERT_FALSE(request.ok()) << c.application;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(request.status().message().find(c.expected), std::string::npos)
        << request.status();
  }
}

TEST(RequestBuilderTest, NotebookPathWinsOverApplicationType) {
  auto request = Build(JarTemplate(
      R"({"existing_cluster_id":"c"})",
      R"(,"applicationType":"SCALA","notebookPath":"/Users/me/scala_nb")"));
  ASSERT_TRUE(request.ok()) << request.status();
  const auto body = Body(*request);
  EXPECT_STREQ(OnlyTask(body)["notebook_task"]["notebook_path"].GetString(),
               "/Users/me/scala_nb");
}

TEST(JobsApiFieldCheckTest, MisplacedKeysFail) {
  rapidjson::Document body;
  body.Parse(
      R"({"run_name":"r","max_retries":1,"tasks":[{"task_key":"k","run_name":"x",)"
      R"("new_cluster":{"num_workers":1,"ratio":2}}]})");
  EXPECT_THAT(JobsApiFieldErrors(body, /*single_task=*/false),
              ::testing::ElementsAre("max_retries", "tasks[0].run_name",
                                     "tasks[0].new_cluster.ratio"));
  rapidjson::Document legacy;
  legacy.Parse(R"({"run_name":"r","max_retries":1,"task_key":"k"})");
  EXPECT_THAT(JobsApiFieldErrors(legacy, /*single_task=*/true),
              ::testing::ElementsAre("task_key"));
}

TEST(IdempotencyTokenTest, DeterministicPerAttempt) {
  auto a = ExampleContext();
  auto b = ExampleContext();
  auto token_a = IdempotencyToken(a);
  ASSERT_TRUE(token_a.ok());
  EXPECT_EQ(*token_a, *IdempotencyToken(b));
  EXPECT_EQ(token_a->size(), 50u);
  EXPECT_EQ(token_a->rfind("flyteplug-", 0), 0u);
  b.mutable_metadata()->mutable_task_execution_id()->set_retry_attempt(1);
  EXPECT_NE(*token_a, *IdempotencyToken(b));
  auto c = ExampleContext();
  c.mutable_metadata()
      ->mutable_task_execution_id()
      ->mutable_node_execution_id()
      ->set_node_id("n1");
  EXPECT_NE(*token_a, *IdempotencyToken(c));
  flyteplug::abi::flyteplug::v1::TaskContext empty;
  auto none = IdempotencyToken(empty);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(InstanceTest, Normalization) {
  EXPECT_EQ(*NormalizeInstance("acme.cloud.databricks.com", "x"),
            "https://acme.cloud.databricks.com");
  EXPECT_EQ(*NormalizeInstance(" https://acme.com// ", "x"),
            "https://acme.com");
  EXPECT_EQ(*NormalizeInstance("HTTPS://acme.com:8443/", "x"),
            "https://acme.com:8443");
  EXPECT_EQ(*NormalizeInstance("http://127.0.0.1:9999/", "x"),
            "http://127.0.0.1:9999");
  EXPECT_EQ(*NormalizeInstance("http://localhost:1", "x"),
            "http://localhost:1");
  EXPECT_EQ(*NormalizeInstance("http://[::1]:80", "x"), "http://[::1]:80");
  for (const char* bad :
       {"http://acme.com", "http://127.0.0.1.evil.com", "ftp://acme.com", "",
        "https://user:pw@acme.com", "https://acme.com?x=1", "acme.com:99999",
        "https://", "acme .com"}) {
    auto result = NormalizeInstance(bad, "where.key");
    EXPECT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message().rfind("where.key", 0), 0u)
        << result.status();
  }
}

}  // namespace
}  // namespace flyteplug::databricks
