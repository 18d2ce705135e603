#include "log_links.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace flyteplug::spark {

using ::flyteplug::tasklog::TaskLogInput;

namespace {

using ::flyteplug::abi::flyteidl::core::TaskLog;
using Logs = google::protobuf::RepeatedPtrField<TaskLog>;

TaskLogInput DriverInput() {
  TaskLogInput input;
  input.pod_name = "driver-pod";
  input.namespace_name = "ns";
  input.log_name = "(Driver Logs)";
  input.pod_unix_start_time = 100;
  input.pod_rfc3339_start_time = "1970-01-01T00:01:40Z";
  input.pod_rfc3339_finish_time = "1970-01-01T00:00:00Z";
  return input;
}

Logs Generate(const LogConfig& config, const TaskLogInput& input) {
  Logs logs;
  AppendTaskLogs(config, input, &logs);
  return logs;
}

void ExpectLog(const TaskLog& log, absl::string_view uri,
               absl::string_view name,
               TaskLog::MessageFormat format = TaskLog::JSON,
               bool show_while_pending = false,
               bool hide_once_finished = false) {
  EXPECT_EQ(log.uri(), uri);
  EXPECT_EQ(log.name(), name);
  EXPECT_EQ(log.message_format(), format);
  EXPECT_EQ(log.showwhilepending(), show_while_pending);
  EXPECT_EQ(log.hideoncefinished(), hide_once_finished);
  EXPECT_FALSE(log.has_ttl());
}

TEST(LogLinksTest, NothingConfiguredGivesNothing) {
  EXPECT_TRUE(Generate(LogConfig(), DriverInput()).empty());
}

TEST(LogLinksTest, KubernetesFromUrl) {
  LogConfig config;
  config.kubernetes_enabled = true;
  config.kubernetes_url = "http://dash:8080";
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 1);
  ExpectLog(logs[0], "http://dash:8080/#!/log/ns/driver-pod/pod?namespace=ns",
            "Kubernetes Logs(Driver Logs)");
}

TEST(LogLinksTest, KubernetesTemplateWinsOverUrl) {
  LogConfig config;
  config.kubernetes_enabled = true;
  config.kubernetes_url = "http://ignored";
  config.kubernetes_template_uri =
      "https://k/{{ .podName }}?t={{.podUnixStartTime}}";
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 1);
  ExpectLog(logs[0], "https://k/driver-pod?t=100",
            "Kubernetes Logs(Driver Logs)");
}

TEST(LogLinksTest, CloudwatchLegacyKeys) {
  LogConfig config;
  config.cloudwatch_enabled = true;
  config.cloudwatch_region = "us-east-1";
  config.cloudwatch_log_group = "/eks/cluster";
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 1);
  // Spark passes no container name or id: those placeholders remain.
  ExpectLog(logs[0],
            "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1"
            "#logEventViewer:group=/eks/cluster;stream=var.log.containers."
            "driver-pod_ns_{{ .containerName }}-{{ .containerId }}.log",
            "Cloudwatch Logs(Driver Logs)");
}

TEST(LogLinksTest, CloudwatchTemplate) {
  LogConfig config;
  config.cloudwatch_enabled = true;
  config.cloudwatch_region = "ignored";
  config.cloudwatch_template_uri = "https://cw/{{ .namespace }}/{{ .podName }}";
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 1);
  ExpectLog(logs[0], "https://cw/ns/driver-pod",
            "Cloudwatch Logs(Driver Logs)");
}

TEST(LogLinksTest, StackdriverLegacyKeys) {
  LogConfig config;
  config.stackdriver_enabled = true;
  config.gcp_project = "my-proj";
  config.stackdriver_log_resource_name = "k8s_container";
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 1);
  ExpectLog(logs[0],
            "https://console.cloud.google.com/logs/viewer?project=my-proj"
            "&angularJsUrl=%2Flogs%2Fviewer%3Fproject%3Dmy-proj"
            "&resource=k8s_container"
            "&advancedFilter=resource.labels.pod_name%3Ddriver-pod",
            "Stackdriver Logs(Driver Logs)");
}

TEST(LogLinksTest, StackdriverTemplate) {
  LogConfig config;
  config.stackdriver_enabled = true;
  config.stackdriver_template_uri = "https://sd/{{ .podName }}";
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 1);
  ExpectLog(logs[0], "https://sd/driver-pod", "Stackdriver Logs(Driver Logs)");
}

TEST(LogLinksTest, StaticTemplatesKeepTheirSettings) {
  LogConfig config;
  TemplateLogPluginConfig t;
  t.display_name = "Grafana {{ .namespace }}";
  t.template_uris = {"https://g/{{ .podName }}", "https://g2/{{ .logName }}"};
  t.message_format = TaskLog::CSV;
  t.show_while_pending = true;
  t.hide_once_finished = true;
  config.templates.push_back(t);
  TemplateLogPluginConfig plain;
  plain.display_name = "Plain";
  plain.template_uris = {"u"};
  config.templates.push_back(plain);
  Logs logs = Generate(config, DriverInput());
  ASSERT_EQ(logs.size(), 3);
  ExpectLog(logs[0], "https://g/driver-pod", "Grafana ns(Driver Logs)",
            TaskLog::CSV, true, true);
  ExpectLog(logs[1], "https://g2/(Driver Logs)", "Grafana ns(Driver Logs)",
            TaskLog::CSV, true, true);
  // A configured template's format defaults to UNKNOWN, as in Flyte.
  ExpectLog(logs[2], "u", "Plain(Driver Logs)", TaskLog::UNKNOWN);
}

TEST(LogLinksTest, FixedOrderAcrossKinds) {
  LogConfig config;
  config.stackdriver_enabled = true;
  config.stackdriver_template_uri = "sd";
  config.cloudwatch_enabled = true;
  config.cloudwatch_template_uri = "cw";
  config.kubernetes_enabled = true;
  config.kubernetes_template_uri = "k8s";
  TemplateLogPluginConfig t;
  t.display_name = "T";
  t.template_uris = {"t"};
  config.templates.push_back(t);
  TemplateLogPluginConfig dyn;
  dyn.name = "d";
  dyn.display_name = "D";
  dyn.dynamic_template_uris = {"dyn"};
  dyn.message_format = TaskLog::JSON;
  config.dynamic_log_links["d"] = dyn;
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "d";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(config, input);
  std::vector<std::string> uris;
  for (const TaskLog& log : logs) uris.push_back(log.uri());
  EXPECT_EQ(uris, std::vector<std::string>({"k8s", "cw", "sd", "t", "dyn"}));
}

LogConfig DynamicConfig() {
  LogConfig config;
  TemplateLogPluginConfig vscode;
  vscode.name = "vscode";
  vscode.display_name = "VS Code";
  vscode.dynamic_template_uris = {
      "https://{{ .podName }}:{{ .taskConfig.port }}/{{.taskConfig.path}}"};
  vscode.message_format = TaskLog::JSON;
  vscode.show_while_pending = true;
  config.dynamic_log_links["vscode"] = vscode;
  TemplateLogPluginConfig alpha;
  alpha.name = "alpha";
  alpha.display_name = "Alpha";
  alpha.dynamic_template_uris = {"a1", "a2"};
  alpha.message_format = TaskLog::JSON;
  config.dynamic_log_links["alpha"] = alpha;
  return config;
}

TEST(LogLinksTest, DynamicLinksSelectedByLinkType) {
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "vscode";
  (*task.mutable_config())["port"] = "8080";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(DynamicConfig(), input);
  ASSERT_EQ(logs.size(), 1);
  // {{ .taskConfig.path }} has no config entry and stays.
  ExpectLog(logs[0], "https://driver-pod:8080/{{.taskConfig.path}}",
            "VS Code(Driver Logs)", TaskLog::JSON, true, false);
}

TEST(LogLinksTest, DynamicLinksInNameOrderThenUriOrder) {
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "vscode,alpha";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(DynamicConfig(), input);
  std::vector<std::string> uris;
  for (const TaskLog& log : logs) uris.push_back(log.uri());
  EXPECT_EQ(
      uris,
      std::vector<std::string>(
          {"a1", "a2",
           "https://driver-pod:{{ .taskConfig.port }}/{{.taskConfig.path}}"}));
  EXPECT_EQ(logs[0].name(), "Alpha(Driver Logs)");
}

TEST(LogLinksTest, DynamicLinkTypesAreNotTrimmedAndMayRepeat) {
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "alpha, vscode,alpha";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(DynamicConfig(), input);
  std::vector<std::string> uris;
  for (const TaskLog& log : logs) uris.push_back(log.uri());
  // " vscode" matches nothing; "alpha" twice emits twice.
  EXPECT_EQ(uris, std::vector<std::string>({"a1", "a2", "a1", "a2"}));
}

TEST(LogLinksTest, NoDynamicLinksWithoutTaskTemplateOrLinkType) {
  TaskLogInput input = DriverInput();
  EXPECT_TRUE(Generate(DynamicConfig(), input).empty());
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  input.task_template = &task;
  EXPECT_TRUE(Generate(DynamicConfig(), input).empty());
  (*task.mutable_config())["link_type"] = "";
  EXPECT_TRUE(Generate(DynamicConfig(), input).empty());
  (*task.mutable_config())["link_type"] = "other";
  EXPECT_TRUE(Generate(DynamicConfig(), input).empty());
}

TEST(LogLinksTest, StaticTemplateWithNameEmitsDynamicUris) {
  LogConfig config;
  TemplateLogPluginConfig t;
  t.name = "ide";
  t.display_name = "IDE";
  t.template_uris = {"static"};
  t.dynamic_template_uris = {"dynamic/{{ .taskConfig.port }}"};
  config.templates.push_back(t);
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "ide";
  (*task.mutable_config())["port"] = "1";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(config, input);
  ASSERT_EQ(logs.size(), 2);
  ExpectLog(logs[0], "static", "IDE(Driver Logs)", TaskLog::UNKNOWN);
  ExpectLog(logs[1], "dynamic/1", "IDE(Driver Logs)", TaskLog::UNKNOWN);
}

TEST(LogLinksTest, DynamicLinkNameIsNotTemplated) {
  LogConfig config;
  TemplateLogPluginConfig d;
  d.name = "x";
  d.display_name = "X {{ .podName }}";
  d.dynamic_template_uris = {"u"};
  config.dynamic_log_links["x"] = d;
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "x";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(config, input);
  ASSERT_EQ(logs.size(), 1);
  EXPECT_EQ(logs[0].name(), "X {{ .podName }}(Driver Logs)");
}

TEST(LogLinksTest, TaskConfigVariablesAccumulateAcrossUris) {
  // Go appends task-config variables to one list for the whole plugin, so a
  // key bound while rendering the first URI also applies to later ones.
  LogConfig config;
  TemplateLogPluginConfig d;
  d.name = "x";
  d.dynamic_template_uris = {"{{ .taskConfig.a }}", "{{ .taskConfig.A }}"};
  config.dynamic_log_links["x"] = d;
  flyteplug::abi::flyteidl::core::TaskTemplate task;
  (*task.mutable_config())["link_type"] = "x";
  (*task.mutable_config())["a"] = "lower";
  TaskLogInput input = DriverInput();
  input.task_template = &task;
  Logs logs = Generate(config, input);
  ASSERT_EQ(logs.size(), 2);
  EXPECT_EQ(logs[0].uri(), "lower");
  // "A" is not a config key, but the case-insensitive "a" variable matches.
  EXPECT_EQ(logs[1].uri(), "lower");
}

}  // namespace
}  // namespace flyteplug::spark
