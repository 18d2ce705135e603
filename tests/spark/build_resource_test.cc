// build_resource rule by rule (docs/flyte-compatibility.md), including
// Flyte's worked example from its test fixtures and every user-error path.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "gtest/gtest.h"
#include "spark_application.h"
#include "test_util.h"

namespace flyteplug::spark::testing {

namespace json = ::flyteplug::sdk::json;
namespace {

namespace json = ::flyteplug::sdk::json;

using rapidjson::Value;

const Value& At(const Value& root, std::initializer_list<const char*> path) {
  const Value* node = &root;
  for (const char* key : path) {
    const Value* next = json::Find(*node, key);
    if (next == nullptr) {
      ADD_FAILURE() << "missing " << key;
      static const Value kNull;
      return kNull;
    }
    node = next;
  }
  return *node;
}

std::string Str(const Value& v) {
  return v.IsString() ? v.GetString() : "<not a string>";
}

std::vector<std::string> EnvNames(const Value& env) {
  std::vector<std::string> names;
  for (const Value& var : env.GetArray()) names.push_back(Str(var["name"]));
  return names;
}

std::string Conf(const Value& app, const char* key) {
  const Value* v = json::Find(At(app, {"spec", "sparkConf"}), key);
  return v == nullptr ? "<absent>" : Str(*v);
}

rapidjson::Document BuildOk(
    absl::string_view config,
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  absl::StatusOr<std::string> manifest = Build(config, context);
  EXPECT_TRUE(manifest.ok()) << manifest.status();
  return ParseJson(manifest.ok() ? *manifest : "{}");
}

std::string BuildError(
    absl::string_view config,
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  absl::StatusOr<std::string> manifest = Build(config, context);
  EXPECT_FALSE(manifest.ok());
  if (manifest.ok()) return "";
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kInvalidArgument)
      << manifest.status();
  return std::string(manifest.status().message());
}

void SetCustom(flyteplug::abi::flyteplug::v1::TaskContext& context,
               absl::string_view json) {
  *context.mutable_task_template()->mutable_custom() = StructFromJson(json);
}

// Flyte's worked example (spark_test.go fixtures), checked field by field.
TEST(SparkBuildResource, WorkedExample) {
  rapidjson::Document app = BuildOk(kFlyteTestConfig, WorkedExampleContext());
  const Value& spec = At(app, {"spec"});
  EXPECT_EQ(Str(app["apiVersion"]), "sparkoperator.k8s.io/v1beta2");
  EXPECT_EQ(Str(app["kind"]), "SparkApplication");
  EXPECT_EQ(Str(At(app, {"metadata", "name"})), "some-acceptable-name");
  EXPECT_EQ(Str(At(app, {"metadata", "namespace"})), "test-namespace");
  EXPECT_EQ(Str(spec["type"]), "Python");
  EXPECT_EQ(Str(spec["mode"]), "cluster");
  EXPECT_EQ(Str(spec["image"]), "image://");
  ASSERT_EQ(spec["arguments"].Size(), 1u);
  EXPECT_EQ(Str(spec["arguments"][0]), "execute-spark-task");
  EXPECT_EQ(Str(spec["mainClass"]), "MainClass");
  EXPECT_EQ(Str(spec["mainApplicationFile"]), "local:///spark_app.py");
  EXPECT_EQ(Str(At(spec, {"restartPolicy", "type"})), "OnFailure");
  EXPECT_EQ(At(spec, {"restartPolicy", "onSubmissionFailureRetries"}).GetInt(),
            14);
  EXPECT_EQ(Str(spec["batchScheduler"]), "volcano");

  // sparkConf: toggles replaced by the features' keys; feature3 kept.
  EXPECT_EQ(Conf(app, "spark.hadoop.feature1"), "true");
  EXPECT_EQ(Conf(app, "spark.hadoop.feature2"), "true");
  EXPECT_EQ(Conf(app, "spark.flyte.feature1.enabled"), "<absent>");
  EXPECT_EQ(Conf(app, "spark.flyteorg.feature2.enabled"), "<absent>");
  EXPECT_EQ(Conf(app, "spark.flyteorg.feature3.enabled"), "true");
  EXPECT_EQ(Conf(app, "spark.kubernetes.driver.limit.cores"), "1");
  EXPECT_EQ(Conf(app, "spark.kubernetes.executor.limit.cores"), "2");
  EXPECT_EQ(Conf(app, "spark.kubernetes.executor.podNamePrefix"),
            "some-acceptable-name");
  EXPECT_EQ(Conf(app, "spark.kubernetes.driverEnv.FLYTE_START_TIME"),
            "1700000000123");
  EXPECT_EQ(Conf(app, "spark.batchScheduler"), "volcano");
  EXPECT_EQ(Conf(app, "spark.driver.memory"), "200M");

  const Value& driver = spec["driver"];
  EXPECT_EQ(driver["cores"].GetInt(), 1);
  EXPECT_EQ(Str(driver["memory"]), "200M");
  EXPECT_EQ(Str(driver["serviceAccount"]), "new-val");
  EXPECT_EQ(
      EnvNames(driver["env"]),
      (std::vector<std::string>{
          "Env_Var", "FLYTE_INTERNAL_EXECUTION_ID",
          "FLYTE_INTERNAL_EXECUTION_PROJECT", "FLYTE_INTERNAL_EXECUTION_DOMAIN",
          "FLYTE_ATTEMPT_NUMBER", "foo", "fooEnv", "FLYTE_MAX_ATTEMPTS"}));
  EXPECT_EQ(Str(driver["env"][1]["value"]), "my_name");
  EXPECT_EQ(Str(driver["env"][4]["value"]), "0");
  EXPECT_EQ(Str(driver["env"][6]["value"]), "envVal");
  EXPECT_EQ(Str(driver["env"][7]["value"]), "1");
  ASSERT_EQ(driver["tolerations"].Size(), 1u);
  EXPECT_EQ(Str(driver["tolerations"][0]["value"]), "default");
  EXPECT_EQ(json::Write(driver["nodeSelector"]), R"({"x/default":"true"})");
  const Value& driver_terms =
      At(driver, {"affinity", "nodeAffinity",
                  "requiredDuringSchedulingIgnoredDuringExecution",
                  "nodeSelectorTerms"});
  ASSERT_EQ(driver_terms.Size(), 1u);
  EXPECT_EQ(
      json::Write(driver_terms[0]["matchExpressions"]),
      R"([{"key":"x/default","operator":"In","values":["true"]},)"
      R"({"key":"x/non-interruptible","operator":"In","values":["true"]}])");
  EXPECT_EQ(Str(driver["schedulerName"]), "custom-scheduler");
  EXPECT_TRUE(driver["hostNetwork"].GetBool());
  EXPECT_EQ(At(driver, {"podSecurityContext", "runAsUser"}).GetInt(), 1000);
  EXPECT_EQ(At(driver, {"dnsConfig", "nameservers"}).Size(), 2u);
  EXPECT_EQ(json::Write(driver["annotations"]), R"({"annotation-1":"val1"})");
  EXPECT_EQ(json::Write(driver["labels"]), R"({"label-1":"val1"})");

  const Value& executor = spec["executor"];
  EXPECT_EQ(executor["instances"].GetInt(), 3);
  EXPECT_EQ(executor["cores"].GetInt(), 2);
  EXPECT_EQ(Str(executor["memory"]), "500M");
  EXPECT_EQ(Str(executor["serviceAccount"]), "new-val");
  ASSERT_EQ(executor["tolerations"].Size(), 2u);
  EXPECT_EQ(Str(executor["tolerations"][0]["value"]), "interruptible");
  EXPECT_EQ(Str(executor["tolerations"][1]["value"]), "default");
  EXPECT_EQ(json::Write(executor["nodeSelector"]),
            R"({"x/default":"true","x/interruptible":"true"})");
  const Value& executor_terms =
      At(executor, {"affinity", "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms"});
  EXPECT_EQ(json::Write(executor_terms[0]["matchExpressions"]),
            R"([{"key":"x/default","operator":"In","values":["true"]},)"
            R"({"key":"x/interruptible","operator":"In","values":["true"]}])");
  EXPECT_EQ(EnvNames(executor["env"]), EnvNames(driver["env"]));
}

TEST(SparkBuildResource, IdentityResource) {
  EXPECT_EQ(
      SparkApplicationBuilder::BuildIdentityResource(),
      R"({"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication"})");
}

TEST(SparkBuildResource, OutputIsDeterministicAndSorted) {
  absl::StatusOr<std::string> a =
      Build(kFlyteTestConfig, WorkedExampleContext());
  absl::StatusOr<std::string> b =
      Build(kFlyteTestConfig, WorkedExampleContext());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(absl::StartsWith(*a, R"({"apiVersion":)")) << *a;
  EXPECT_LT(a->find("\"kind\""), a->find("\"metadata\""));
}

TEST(SparkBuildResource, ConcurrentBuildsAgree) {
  absl::StatusOr<std::unique_ptr<SparkApplicationBuilder>> builder =
      SparkApplicationBuilder::Create(
          *ParseModuleConfig(kFlyteTestConfig, nullptr));
  ASSERT_TRUE(builder.ok());
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  absl::StatusOr<std::string> expected =
      (*builder)->BuildResource(context, kNow);
  ASSERT_TRUE(expected.ok());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<std::string> got =
            (*builder)->BuildResource(context, kNow);
        if (!got.ok() || *got != *expected) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SparkBuildResource, ServiceAccountFallbacks) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_metadata()
      ->mutable_security_context()
      ->mutable_run_as()
      ->set_k8s_service_account("run-as-sa");
  EXPECT_EQ(Str(At(BuildOk("", context), {"spec", "driver", "serviceAccount"})),
            "run-as-sa");
  context.mutable_metadata()->clear_security_context();
  EXPECT_EQ(
      Str(At(BuildOk("", context), {"spec", "executor", "serviceAccount"})),
      "new-val");
  context.mutable_metadata()->clear_k8s_service_account();
  EXPECT_EQ(Str(At(BuildOk("", context), {"spec", "driver", "serviceAccount"})),
            "spark");
}

TEST(SparkBuildResource, LabelAndAnnotationPrecedence) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  auto* task_meta =
      context.mutable_task_template()->mutable_metadata()->mutable_metadata();
  (*task_meta->mutable_annotations())["a"] = "task-metadata";
  (*task_meta->mutable_annotations())["b"] = "task-metadata";
  (*context.mutable_metadata()->mutable_annotations())["b"] = "execution";
  (*context.mutable_metadata()->mutable_annotations())["c"] = "execution";
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "driverPod": {"metadata": {"annotations": {"c": "driver-pod"}}}})json");
  rapidjson::Document app = BuildOk(
      R"({"k8s": {"default-annotations": {"a": "default", "b": "default",
          "c": "default", "d": "default"}}})",
      context);
  // Object: defaults < TaskMetadata.metadata < execution.
  EXPECT_EQ(
      json::Write(At(app, {"metadata", "annotations"})),
      R"({"a":"task-metadata","b":"execution","c":"execution","d":"default"})");
  // Pods: defaults < objectMeta < execution < role overlay; the task
  // metadata's K8sObjectMetadata does not reach the pods.
  EXPECT_EQ(
      json::Write(At(app, {"spec", "driver", "annotations"})),
      R"({"a":"default","b":"execution","c":"driver-pod","d":"default"})");
  EXPECT_EQ(json::Write(At(app, {"spec", "executor", "annotations"})),
            R"({"a":"default","b":"execution","c":"execution","d":"default"})");
}

TEST(SparkBuildResource, LimitCoresDerivation) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.driver.cores": "2",
                    "spark.kubernetes.driver.request.cores": "500m",
                    "spark.executor.cores": "4",
                    "spark.kubernetes.executor.limit.cores": "3",
                    "spark.kubernetes.executor.request.cores": "1"}})json");
  rapidjson::Document app = BuildOk("", context);
  // Request cores win over spark.driver.cores; explicit limits untouched.
  EXPECT_EQ(Conf(app, "spark.kubernetes.driver.limit.cores"), "500m");
  EXPECT_EQ(Conf(app, "spark.kubernetes.executor.limit.cores"), "3");
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.kubernetes.driver.limit.cores": ""}})json");
  app = BuildOk("", context);
  EXPECT_EQ(Conf(app, "spark.kubernetes.driver.limit.cores"), "");
  EXPECT_EQ(Conf(app, "spark.kubernetes.executor.limit.cores"), "<absent>");
  EXPECT_EQ(json::Find(At(app, {"spec", "driver"}), "cores"), nullptr);
}

TEST(SparkBuildResource, TypedFieldsFollowGoParsing) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.driver.cores": "0.5", "spark.executor.cores": "0",
                    "spark.executor.instances": "+4", "spark.driver.memory": ""}})json");
  rapidjson::Document app = BuildOk("", context);
  EXPECT_EQ(json::Find(At(app, {"spec", "driver"}), "cores"), nullptr);
  EXPECT_EQ(json::Find(At(app, {"spec", "executor"}), "cores"), nullptr);
  EXPECT_EQ(json::Find(At(app, {"spec", "driver"}), "memory"), nullptr);
  EXPECT_EQ(At(app, {"spec", "executor", "instances"}).GetInt(), 4);
}

TEST(SparkBuildResource, BatchSchedulerPresentEvenWhenEmpty) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.batchScheduler": ""}})json");
  rapidjson::Document app = BuildOk("", context);
  EXPECT_EQ(Str(At(app, {"spec", "batchScheduler"})), "");
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py"})json");
  app = BuildOk("", context);
  EXPECT_EQ(json::Find(At(app, {"spec"}), "batchScheduler"), nullptr);
}

TEST(SparkBuildResource, ExecutorPathAndSparkConfPrecedence) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "executorPath": "/opt/venv/bin/python",
      "sparkConf": {"spark.pyspark.driver.python": "/usr/bin/python3.11",
                    "spark.kubernetes.executor.podNamePrefix": "user-value"}})json");
  rapidjson::Document app = BuildOk(
      R"({"spark": {"spark-config-default": {"spark.pyspark.python": "/default",
          "spark.blacklist.enabled": "true"}}})",
      context);
  EXPECT_EQ(Conf(app, "spark.pyspark.python"), "/opt/venv/bin/python");
  EXPECT_EQ(Conf(app, "spark.pyspark.driver.python"), "/usr/bin/python3.11");
  EXPECT_EQ(Conf(app, "spark.blacklist.enabled"), "true");
  EXPECT_EQ(Conf(app, "spark.kubernetes.executor.podNamePrefix"),
            "some-acceptable-name");
}

TEST(SparkBuildResource, UserSparkConfWinsOverFeatureWhateverTheOrder) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  // feature1 injects spark.sql.shuffle.partitions=100; the explicit key
  // sorts before the toggle ("spark.f" < "spark.s"), so in key order the
  // feature would win; with the switch on, the user's value wins.
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.flyte.feature1.enabled": "TRUE ",
                    "spark.sql.shuffle.partitions": "7",
                    "spark.hadoop.feature1": "user"}})json");
  rapidjson::Document improved = BuildOk(kFlyteTestConfig, context);
  EXPECT_EQ(Conf(improved, "spark.sql.shuffle.partitions"), "7");
  EXPECT_EQ(Conf(improved, "spark.hadoop.feature1"), "user");
  EXPECT_EQ(Conf(improved, "spark.flyte.feature1.enabled"), "<absent>");
  std::string v1_config = kFlyteTestConfig;
  v1_config.insert(v1_config.find("\"features\""),
                   "\"user-spark-conf-wins\": false, ");
  rapidjson::Document v1 = BuildOk(v1_config, context);
  // Key order: spark.flyte... < spark.hadoop... < spark.sql...
  EXPECT_EQ(Conf(v1, "spark.hadoop.feature1"), "user");
  EXPECT_EQ(Conf(v1, "spark.sql.shuffle.partitions"), "7");
  // A toggle that is not "true" or names no feature is kept verbatim.
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.flyte.feature1.enabled": "false",
                    "spark.flyte.unknown.enabled": "true"}})json");
  rapidjson::Document kept = BuildOk(kFlyteTestConfig, context);
  EXPECT_EQ(Conf(kept, "spark.flyte.feature1.enabled"), "false");
  EXPECT_EQ(Conf(kept, "spark.flyte.unknown.enabled"), "true");
  EXPECT_EQ(Conf(kept, "spark.hadoop.feature1"), "<absent>");
}

TEST(SparkBuildResource, ExecutionUrlOnlyWithLinkType) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_metadata()->set_console_url("https://console.example.com//");
  context.mutable_metadata()->set_unique_node_id("n0-unique");
  auto has_url = [&](const rapidjson::Document& app) {
    for (const Value& var : At(app, {"spec", "driver", "env"}).GetArray()) {
      if (Str(var["name"]) == "FLYTE_EXECUTION_URL") return Str(var["value"]);
    }
    return std::string();
  };
  EXPECT_EQ(has_url(BuildOk("", context)), "");
  (*context.mutable_task_template()->mutable_config())["link_type"] = "vscode";
  EXPECT_EQ(has_url(BuildOk("", context)),
            "https://console.example.com/projects/my_project/domains/"
            "my_domain/executions/my_name/nodeId/n0-unique/nodes");
}

TEST(SparkBuildResource, TaskIdEnvAndExecutionEnvOrder) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  auto* task_id = context.mutable_metadata()
                      ->mutable_task_execution_id()
                      ->mutable_task_id();
  task_id->set_project("p");
  task_id->set_domain("d");
  task_id->set_name("n");
  task_id->set_version("v");
  (*context.mutable_metadata()->mutable_environment_variables())["Z_EXEC"] =
      "z";
  (*context.mutable_metadata()->mutable_environment_variables())["A_EXEC"] =
      "a";
  rapidjson::Document app = BuildOk(kFlyteTestConfig, context);
  EXPECT_EQ(EnvNames(At(app, {"spec", "executor", "env"})),
            (std::vector<std::string>{
                "Env_Var", "FLYTE_INTERNAL_EXECUTION_ID",
                "FLYTE_INTERNAL_EXECUTION_PROJECT",
                "FLYTE_INTERNAL_EXECUTION_DOMAIN", "FLYTE_ATTEMPT_NUMBER",
                "FLYTE_INTERNAL_TASK_PROJECT", "FLYTE_INTERNAL_TASK_DOMAIN",
                "FLYTE_INTERNAL_TASK_NAME", "FLYTE_INTERNAL_TASK_VERSION",
                "A_EXEC", "Z_EXEC", "foo", "fooEnv", "FLYTE_MAX_ATTEMPTS"}));
}

TEST(SparkBuildResource, ResourceTolerationsComeFirst) {
  rapidjson::Document app = BuildOk(
      R"({"k8s": {"resource-tolerations": {"memory": [{"key": "mem", "operator": "Exists"}]},
                  "default-tolerations": [{"key": "default", "operator": "Exists"}]}})",
      WorkedExampleContext());
  const Value& tolerations = At(app, {"spec", "executor", "tolerations"});
  ASSERT_EQ(tolerations.Size(), 2u);
  EXPECT_EQ(Str(tolerations[0]["key"]), "mem");
  EXPECT_EQ(Str(tolerations[1]["key"]), "default");
}

TEST(SparkBuildResource, SparkVersionConfigurable) {
  EXPECT_EQ(
      Str(At(BuildOk("", WorkedExampleContext()), {"spec", "sparkVersion"})),
      "3.5.0");
  EXPECT_EQ(Str(At(BuildOk(R"({"spark": {"spark-version": "3.4.1"}})",
                           WorkedExampleContext()),
                   {"spec", "sparkVersion"})),
            "3.4.1");
}

TEST(SparkBuildResource, EnforcedAffinityReachesOverlayTerms) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "executorPod": {"podSpec": {"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
          {"matchExpressions": [{"key": "escape", "operator": "Exists"}]}]}}}}}})json");
  rapidjson::Document app = BuildOk(kFlyteTestConfig, context);
  const Value& terms =
      At(app, {"spec", "executor", "affinity", "nodeAffinity",
               "requiredDuringSchedulingIgnoredDuringExecution",
               "nodeSelectorTerms"});
  ASSERT_EQ(terms.Size(), 2u);
  for (const Value& term : terms.GetArray()) {
    EXPECT_TRUE(absl::StrContains(json::Write(term), "x/interruptible"))
        << json::Write(term);
  }
}

TEST(SparkBuildResource, PlatformObjectsCheckedAgainstTheSchemaAtInit) {
  struct Case {
    const char* config;
    const char* message;
  } cases[] = {
      {R"({"k8s": {"default-tolerations": [{"key": "a", "tolerationSeconds": "10"}]}})",
       "plugins.k8s.default-tolerations[0].tolerationSeconds: violates type "
       "\"integer\" (got a string) (checked against the SparkApplication "
       "CRD schema)"},
      {R"({"k8s": {"gpu-unpartitioned-toleration": {"operator": 5}}})",
       "plugins.k8s.gpu-unpartitioned-toleration.operator: violates type "
       "\"string\" (got 5)"},
      {R"({"k8s": {"default-affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}}}})",
       "plugins.k8s.default-affinity.nodeAffinity."
       "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: "
       "required field is missing"},
      {R"({"k8s": {"default-pod-security-context": {"runAsUser": "root"}}})",
       "plugins.k8s.default-pod-security-context.runAsUser: violates type"},
      {R"({"k8s": {"resource-tolerations": {"nvidia.com/gpu": [{"effect": 3}]}}})",
       "plugins.k8s.resource-tolerations.nvidia.com/gpu[0].effect: violates "
       "type"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ModuleConfig> config = ParseModuleConfig(c.config, nullptr);
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<std::unique_ptr<SparkApplicationBuilder>> builder =
        SparkApplicationBuilder::Create(*std::move(config));
    ASSERT_FALSE(builder.ok()) << c.config;
    EXPECT_EQ(builder.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(builder.status().message(), c.message))
        << builder.status().message();
  }
  // The Flyte test configuration is valid.
  EXPECT_TRUE(SparkApplicationBuilder::Create(
                  *ParseModuleConfig(kFlyteTestConfig, nullptr))
                  .ok());
}

// ---- user errors ---------------------------------------------------------

TEST(SparkBuildResourceErrors, MissingCustom) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_task_template()->clear_custom();
  EXPECT_TRUE(
      absl::StrContains(BuildError("", context), "nil Struct object passed"));
}

TEST(SparkBuildResourceErrors, NeitherMainFileNorClass) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"sparkConf": {}})json");
  EXPECT_TRUE(
      absl::StrContains(BuildError("", context),
                        "either MainApplicationFile or MainClass must be set"));
}

TEST(SparkBuildResourceErrors, MainClassOnlyIsRejectedBySchema) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context,
            R"json({"applicationType": "JAVA", "mainClass": "a.B"})json");
  EXPECT_EQ(BuildError("", context),
            "SparkApplication rejected by the CRD schema at "
            "spec.mainApplicationFile: required field is missing (required: "
            "mainApplicationFile)");
  // With validation off the manifest is produced (as Flyte v1 does).
  EXPECT_TRUE((*SparkApplicationBuilder::Create(*ParseModuleConfig(
                   R"({"spark":{"validate-manifest":false}})", nullptr)))
                  ->BuildResource(context, kNow)
                  .ok());
}

TEST(SparkBuildResourceErrors, NegativeCoresRejectedBySchema) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.executor.cores": "-2"}})json");
  EXPECT_EQ(BuildError("", context),
            "SparkApplication rejected by the CRD schema at "
            "spec.executor.cores: violates minimum 1 (got -2)");
}

TEST(SparkBuildResourceErrors, SparkConfValueNotAString) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "sparkConf": {"spark.executor.cores": 2}})json");
  EXPECT_EQ(BuildError("", context),
            "invalid TaskSpecification, failed to unmarshal custom into "
            "SparkJob: custom.sparkConf[\"spark.executor.cores\"]: map values "
            "must be strings, got a number");
}

TEST(SparkBuildResourceErrors, NoTarget) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_task_template()->clear_container();
  EXPECT_EQ(BuildError("", context),
            "invalid TaskSpecification, unable to determine Pod configuration");
}

TEST(SparkBuildResourceErrors, PodTargetWithoutPodSpec) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_task_template()->mutable_k8s_pod();
  EXPECT_TRUE(absl::StrContains(BuildError("", context),
                                "should specify their target as a K8sPod with "
                                "a defined pod spec"));
}

TEST(SparkBuildResourceErrors, PodTargetWithoutPrimaryContainerName) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  *context.mutable_task_template()->mutable_k8s_pod()->mutable_pod_spec() =
      StructFromJson(R"json({"containers": [{"name": "primary"}]})json");
  EXPECT_TRUE(absl::StrContains(BuildError("", context),
                                "config missing [primary_container_name]"));
  (*context.mutable_task_template()
        ->mutable_config())["primary_container_name"] = "main";
  EXPECT_EQ(BuildError("", context),
            "invalid TaskSpecification, primary container [main] not defined");
}

TEST(SparkBuildResourceErrors, MalformedPodSpec) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  (*context.mutable_task_template()
        ->mutable_config())["primary_container_name"] = "primary";
  *context.mutable_task_template()->mutable_k8s_pod()->mutable_pod_spec() =
      StructFromJson(
          R"json({"containers": [{"name": "primary", "args": ["a", 3]}]})json");
  EXPECT_EQ(BuildError("", context),
            "Unable to unmarshal taskTemplate.k8sPod.podSpec: "
            "containers[0].args[1]: expected a string, got a number");
}

TEST(SparkBuildResourceErrors, OverlayPrimaryContainerMissing) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "driverPod": {"primaryContainerName": "primary"}})json");
  EXPECT_EQ(BuildError("", context),
            "invalid TaskSpecification, container [primary] not defined "
            "(driver pod, custom.driverPod.primaryContainerName)");
}

TEST(SparkBuildResourceErrors, OverlayPodSpecMalformed) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"mainApplicationFile": "local:///a.py",
      "executorPod": {"pod_spec": {"tolerations": {"key": "x"}}}})json");
  EXPECT_EQ(
      BuildError("", context),
      "Unable to unmarshal executor pod spec (custom.executorPod.podSpec): "
      "tolerations: expected an array, got an object");
}

TEST(SparkBuildResourceErrors, MalformedPodSpecsNeverCrash) {
  struct Case {
    const char* pod_spec;
    const char* message;
  } cases[] = {
      {R"({"containers": {}})", "containers: expected an array, got an object"},
      {R"({"containers": ["x"]})",
       "containers[0]: expected an object, got a string"},
      {R"({"containers": [{"name": 1}]})",
       "containers[0].name: expected a string, got a number"},
      {R"({"containers": [{"env": [{"value": "v"}]}]})",
       "containers[0].env[0].name: an environment variable needs a string "
       "name"},
      {R"({"containers": [{"env": "A=B"}]})",
       "containers[0].env: expected an array, got a string"},
      {R"({"containers": [{"resources": []}]})",
       "containers[0].resources: expected an object, got an array"},
      {R"({"containers": [{"resources": {"limits": "1"}}]})",
       "containers[0].resources.limits: expected an object, got a string"},
      {R"({"initContainers": [{"command": "sh"}]})",
       "initContainers[0].command: expected an array, got a string"},
      {R"({"nodeSelector": {"a": 1}})",
       "nodeSelector.a: expected a string, got a number"},
      {R"({"affinity": []})", "affinity: expected an object, got an array"},
      {R"({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": {}}}}})",
       "nodeSelectorTerms: expected an array, got an object"},
      {R"({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": 1}]}}}})",
       "nodeSelectorTerms[0].matchExpressions: expected an array, got a "
       "number"},
      {R"({"hostNetwork": "yes"})", "hostNetwork: expected a boolean"},
      {R"({"priorityClassName": 5})", "priorityClassName: expected a string"},
      {R"({"securityContext": "root"})", "securityContext: expected an object"},
  };
  for (const Case& c : cases) {
    for (const char* where : {"driverPod", "base", "override"}) {
      flyteplug::abi::flyteplug::v1::TaskContext context =
          WorkedExampleContext();
      std::string w = where;
      if (w == "driverPod") {
        SetCustom(
            context,
            std::string(
                R"({"mainApplicationFile": "a", "driverPod": {"podSpec": )") +
                c.pod_spec + "}}");
      } else if (w == "base") {
        *context.mutable_base_pod_template()->mutable_pod_spec() =
            StructFromJson(c.pod_spec);
      } else {
        auto* pod = context.mutable_metadata()
                        ->mutable_overrides()
                        ->mutable_pod_template();
        pod->set_primary_container_name("some-acceptable-name");
        *pod->mutable_pod_spec() = StructFromJson(c.pod_spec);
      }
      std::string message = BuildError("", context);
      EXPECT_TRUE(absl::StrContains(message, c.message))
          << where << ": " << message;
      EXPECT_TRUE(absl::StartsWith(message, "Unable to unmarshal ")) << message;
    }
  }
}

TEST(SparkBuildResourceErrors, MissingNamedPodTemplate) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_task_template()->mutable_metadata()->set_pod_template_name(
      "gone");
  EXPECT_EQ(BuildError("", context), "PodTemplate 'gone' does not exist");
}

TEST(SparkBuildResourceErrors, InvalidResourceQuantity) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  auto* entry = context.mutable_task_template()
                    ->mutable_container()
                    ->mutable_resources()
                    ->add_limits();
  entry->set_name(flyteplug::abi::flyteidl::core::Resources::MEMORY);
  entry->set_value("lots");
  EXPECT_EQ(BuildError("", context),
            "invalid TaskSpecification: taskTemplate.container.resources."
            "limits[0]: resource memory value \"lots\" is not a valid "
            "Kubernetes quantity");
}

TEST(SparkBuildResourceErrors, EmptyGeneratedName) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  context.mutable_metadata()->clear_generated_name();
  EXPECT_TRUE(
      absl::StrContains(BuildError("", context), "metadata.generatedName"));
}

TEST(SparkBuildResourceErrors, ErrorsNeverEchoSecrets) {
  flyteplug::abi::flyteplug::v1::TaskContext context = WorkedExampleContext();
  SetCustom(context, R"json({"databricksToken": "dapi-SECRET",
      "sparkConf": {"spark.password": "hunter2"}})json");
  std::string message = BuildError("", context);
  EXPECT_FALSE(absl::StrContains(message, "SECRET"));
  EXPECT_FALSE(absl::StrContains(message, "hunter2"));
}

}  // namespace
}  // namespace flyteplug::spark::testing
