#include "test_util.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include "abi_json.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/struct_json.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gtest/gtest.h"
#include "manifest_validator.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "spark_application.h"

namespace flyteplug::spark::testing {

const char kFlyteTestConfig[] = R"json({
  "spark": {
    "features": [
      {"name": "feature1", "spark-config": {"spark.hadoop.feature1": "true", "spark.sql.shuffle.partitions": "100"}},
      {"name": "feature2", "spark-config": {"spark.hadoop.feature2": "true"}}
    ]
  },
  "k8s": {
    "default-affinity": {
      "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {
          "nodeSelectorTerms": [
            {"matchExpressions": [{"key": "x/default", "operator": "In", "values": ["true"]}]}
          ]
        }
      }
    },
    "default-tolerations": [{"key": "x/flyte", "value": "default", "operator": "Equal", "effect": "NoSchedule"}],
    "default-node-selector": {"x/default": "true"},
    "interruptible-tolerations": [{"key": "x/flyte", "value": "interruptible", "operator": "Equal", "effect": "NoSchedule"}],
    "interruptible-node-selector": {"x/interruptible": "true"},
    "interruptible-node-selector-requirement": {"key": "x/interruptible", "operator": "In", "values": ["true"]},
    "non-interruptible-node-selector-requirement": {"key": "x/non-interruptible", "operator": "In", "values": ["true"]},
    "scheduler-name": "custom-scheduler",
    "default-pod-dns-config": {
      "nameservers": ["8.8.8.8", "8.8.4.4"],
      "options": [{"name": "ndots", "value": "1"}, {"name": "single-request-reopen"}, {"name": "timeout", "value": "1"}, {"name": "attempts", "value": "3"}],
      "searches": ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"]
    },
    "default-pod-security-context": {"runAsUser": 1000},
    "enable-host-networking-pod": true,
    "default-env-vars": {"foo": "bar"},
    "default-env-vars-from-env": {"fooEnv": "TEST_VAR_FROM_ENV_KEY"},
    "default-labels": {"label-1": "val1"},
    "default-annotations": {"annotation-1": "val1"}
  }
})json";

namespace {

constexpr char kWorkedExample[] = R"json({
  "taskTemplate": {
    "id": {"resourceType": "TASK", "project": "test", "domain": "dev", "name": "spark_task", "version": "1"},
    "type": "container",
    "custom": {
      "applicationType": "PYTHON",
      "mainClass": "MainClass",
      "mainApplicationFile": "local:///spark_app.py",
      "sparkConf": {
        "spark.driver.memory": "200M",
        "spark.driver.cores": "1",
        "spark.executor.cores": "2",
        "spark.executor.instances": "3",
        "spark.executor.memory": "500M",
        "spark.flyte.feature1.enabled": "true",
        "spark.flyteorg.feature2.enabled": "true",
        "spark.flyteorg.feature3.enabled": "true",
        "spark.batchScheduler": "volcano"
      }
    },
    "container": {
      "image": "image://",
      "args": ["execute-spark-task"],
      "env": [{"key": "Env_Var", "value": "Env_Val"}]
    }
  },
  "metadata": {
    "taskExecutionId": {
      "nodeExecutionId": {
        "nodeId": "unique-node",
        "executionId": {"project": "my_project", "domain": "my_domain", "name": "my_name"}
      },
      "retryAttempt": 0
    },
    "generatedName": "some-acceptable-name",
    "namespace": "test-namespace",
    "k8sServiceAccount": "new-val",
    "interruptible": true,
    "maxAttempts": 1,
    "overrides": {"resources": {}}
  },
  "io": {"inputPath": "/input/inputs.pb", "outputPrefix": "/output"}
})json";

std::unique_ptr<ManifestValidator>& Validator(const char* path) {
  static auto* cached = new std::unique_ptr<ManifestValidator>();
  auto& slot = *cached;
  if (slot == nullptr) {
    std::string text = ReadFile(path);
    if (text.empty()) return slot;
    absl::StatusOr<std::unique_ptr<ManifestValidator>> v =
        ManifestValidator::Create(text);
    EXPECT_TRUE(v.ok()) << v.status();
    if (v.ok()) slot = *std::move(v);
  }
  return slot;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

flyteplug::abi::flyteplug::v1::TaskContext ContextFromJson(
    absl::string_view json) {
  setenv("TEST_VAR_FROM_ENV_KEY", "envVal", 1);
  flyteplug::abi::flyteplug::v1::TaskContext context;
  auto status =
      abi_test::LiteFromJson<flyteplug::v1::TaskContext>(json, &context);
  EXPECT_TRUE(status.ok()) << status;
  return context;
}

flyteplug::abi::google::protobuf::Struct StructFromJson(
    absl::string_view json) {
  auto value = sdk::StructFromJson(json);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *std::move(value)
                    : flyteplug::abi::google::protobuf::Struct();
}

flyteplug::abi::flyteplug::v1::TaskContext WorkedExampleContext() {
  return ContextFromJson(kWorkedExample);
}

flyteplug::abi::flyteplug::v1::TaskContext ExampleContext(
    absl::string_view file) {
  std::string text = ReadFile(
      absl::StrCat(FLYTEPLUG_SPARK_SOURCE_DIR, "/examples/tasks/", file));
  EXPECT_FALSE(text.empty()) << file;
  rapidjson::Document document = ParseJson(text);
  if (document.IsObject() && document.HasMember("taskTemplate")) {
    return ContextFromJson(text);
  }
  // A bare TaskTemplate: wrap it with a minimal execution context.
  flyteplug::abi::flyteplug::v1::TaskContext context = ContextFromJson(
      R"json({"metadata": {"generatedName": "abc123-n0-0",
                           "namespace": "flytesnacks-development",
                           "maxAttempts": 1,
                           "taskExecutionId": {"nodeExecutionId": {"nodeId": "n0",
                             "executionId": {"project": "flytesnacks", "domain": "development", "name": "abc123"}}}},
             "io": {"inputPath": "s3://bucket/inputs.pb", "outputPrefix": "s3://bucket/out",
                    "rawOutputPrefix": "s3://bucket/raw", "checkpointPrefix": "s3://bucket/ckpt"}})json");
  auto status = abi_test::LiteFromJson<flyteidl::core::TaskTemplate>(
      text, context.mutable_task_template());
  EXPECT_TRUE(status.ok()) << status;
  return context;
}

rapidjson::Document ParseJson(absl::string_view json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  EXPECT_FALSE(document.HasParseError()) << json;
  return document;
}

void ExpectSchemaValid(absl::string_view manifest) {
  rapidjson::Document document = ParseJson(manifest);
  const char* path = FLYTEPLUG_SPARK_SCHEMA_COPY;
  std::unique_ptr<ManifestValidator>& validator = Validator(path);
  ASSERT_NE(validator, nullptr) << "schema missing: " << path;
  absl::Status status = validator->Validate(document);
  EXPECT_TRUE(status.ok()) << path << ": " << status;
}

absl::StatusOr<std::string> Build(
    absl::string_view config_json,
    const flyteplug::abi::flyteplug::v1::TaskContext& context, int64_t now) {
  // Builders (and their compiled schema) are cached per configuration to
  // keep the suite fast.
  static auto* builders =
      new std::map<std::string, std::unique_ptr<SparkApplicationBuilder>>();
  std::unique_ptr<SparkApplicationBuilder>& builder =
      (*builders)[std::string(config_json)];
  if (builder == nullptr) {
    std::vector<std::string> unknown;
    absl::StatusOr<ModuleConfig> config =
        ParseModuleConfig(config_json, &unknown);
    EXPECT_TRUE(config.ok()) << config.status();
    if (!config.ok()) return config.status();
    EXPECT_TRUE(unknown.empty()) << unknown.front();
    absl::StatusOr<std::unique_ptr<SparkApplicationBuilder>> created =
        SparkApplicationBuilder::Create(*std::move(config));
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return created.status();
    builder = *std::move(created);
  }
  absl::StatusOr<std::string> manifest = builder->BuildResource(context, now);
  if (manifest.ok()) ExpectSchemaValid(*manifest);
  return manifest;
}

void ExpectGolden(const std::string& name, absl::string_view manifest) {
  rapidjson::Document document = ParseJson(manifest);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  document.Accept(writer);  // `manifest` is already key-sorted
  std::string pretty = absl::StrCat(buffer.GetString(), "\n");
  std::string path =
      absl::StrCat(FLYTEPLUG_SPARK_GOLDEN_DIR, "/", name, ".json");
  const char* update = std::getenv("FLYTEPLUG_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary);
    out << pretty;
    return;
  }
  std::string expected = ReadFile(path);
  ASSERT_FALSE(expected.empty()) << "missing golden file " << path;
  EXPECT_EQ(pretty, expected) << "golden mismatch: " << path;
}

}  // namespace flyteplug::spark::testing
