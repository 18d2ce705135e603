// Test support for the Kubernetes-resource path: a loader holding the spark
// module and the example batch/v1 Job module, and CreateTask requests for
// them.
#ifndef FLYTEPLUG_TESTS_CONNECTOR_K8S_MODULES_H_
#define FLYTEPLUG_TESTS_CONNECTOR_K8S_MODULES_H_

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "flyteidl/admin/agent.pb.h"
#include "flyteplug/loader_client.h"
#include "flyteplug/v1/task_context.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace flyteplug::testing {

inline constexpr char kTaskNamespace[] = "flytesnacks-development";

// Spark log links that read the task execution (executionName,
// taskRetryAttempt, generatedName) and Flyte's finalizer.
inline constexpr char kK8sModulesConfig[] = R"({
  "plugins": {
    "k8s": {"inject-finalizer": true},
    "spark": {
      "spark-history-server-url": "http://history:18080",
      "logs": {
        "mixed": {"kubernetes-enabled": true,
          "kubernetes-template-uri": "http://k8s/log/{{ .namespace }}/{{ .podName }}?exec={{ .executionName }}&try={{ .taskRetryAttempt }}"},
        "all-user": {"templates": [{"displayName": "Grafana",
          "templateUris": ["https://grafana/explore?app={{ .generatedName }}"]}]}
      }
    }
  }
})";

// The loader, or null after a gtest failure naming the error.
inline std::unique_ptr<LoaderClient> OpenK8sModules() {
  LoaderClient::Options options;
  options.module_paths = {SPARK_SO, K8S_JOB_SO};
  options.skip_default_paths = true;
  options.config_json = kK8sModulesConfig;
  absl::StatusOr<LoaderClient> loader = LoaderClient::Open(options);
  EXPECT_TRUE(loader.ok()) << loader.status();
  if (!loader.ok()) return nullptr;
  return std::make_unique<LoaderClient>(*std::move(loader));
}

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(FLYTEPLUG_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A CreateTaskRequest for `template_json` (a TaskTemplate in proto3 JSON)
// as propeller sends it for execution `execution`, node n0, attempt 0.
inline flyteidl::admin::CreateTaskRequest CreateRequest(
    const std::string& template_json, const std::string& execution) {
  flyteidl::admin::CreateTaskRequest request;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                  template_json, request.mutable_template_(), options)
                  .ok());
  request.set_output_prefix("s3://bucket/metadata/" + execution + "/n0/0");
  flyteidl::admin::TaskExecutionMetadata* metadata =
      request.mutable_task_execution_metadata();
  flyteidl::core::TaskExecutionIdentifier* id =
      metadata->mutable_task_execution_id();
  *id->mutable_task_id() = request.template_().id();
  id->mutable_node_execution_id()->set_node_id("n0");
  flyteidl::core::WorkflowExecutionIdentifier* run =
      id->mutable_node_execution_id()->mutable_execution_id();
  run->set_project("flytesnacks");
  run->set_domain("development");
  run->set_name(execution);
  metadata->set_namespace_(kTaskNamespace);
  (*metadata->mutable_labels())["execution-id"] = execution;
  metadata->set_k8s_service_account("default");
  return request;
}

inline flyteidl::admin::CreateTaskRequest SparkRequest(
    const std::string& execution) {
  return CreateRequest(ReadSourceFile("examples/tasks/pyspark_task.json"),
                       execution);
}

inline flyteidl::admin::CreateTaskRequest JobRequest(
    const std::string& execution) {
  // The example is a TaskContext; its taskTemplate is the request's.
  flyteplug::v1::TaskContext context;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                  ReadSourceFile("examples/third_party_job/example_task.json"),
                  &context, options)
                  .ok());
  std::string template_json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(
                  context.task_template(), &template_json)
                  .ok());
  return CreateRequest(template_json, execution);
}

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_CONNECTOR_K8S_MODULES_H_
