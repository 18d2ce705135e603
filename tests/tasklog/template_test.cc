#include "flyteplug/tasklog/template.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace flyteplug::tasklog {
namespace {

std::string Render(absl::string_view tmpl, std::vector<TemplateVar> vars) {
  return ReplaceTemplateVars(tmpl, vars);
}

TEST(TasklogTemplateTest, SubstitutesDotAndDollarForms) {
  const std::vector<TemplateVar> vars = {PlainVar("podName", "p")};
  EXPECT_EQ(ReplaceTemplateVars("{{ .podName }}", vars), "p");
  EXPECT_EQ(ReplaceTemplateVars("{{.podName}}", vars), "p");
  EXPECT_EQ(ReplaceTemplateVars("{{ $podName }}", vars), "p");
  EXPECT_EQ(ReplaceTemplateVars("{{$podName}}", vars), "p");
}

TEST(TasklogTemplateTest, IsCaseInsensitiveAndAllowsGoWhitespace) {
  const std::vector<TemplateVar> vars = {PlainVar("podName", "p")};
  EXPECT_EQ(ReplaceTemplateVars("{{  .PODNAME\t}}", vars), "p");
  EXPECT_EQ(ReplaceTemplateVars("{{\n\r\f .podname \n}}", vars), "p");
  EXPECT_EQ(ReplaceTemplateVars("{{ .PodName }}", vars), "p");
  // \v is not in Go's \s.
  EXPECT_EQ(ReplaceTemplateVars("{{\v.podName}}", vars), "{{\v.podName}}");
}

TEST(TasklogTemplateTest, LeavesNonMatchingTextAlone) {
  const std::vector<TemplateVar> vars = {PlainVar("podName", "p")};
  for (absl::string_view text :
       {"{{ podName }}", "{ .podName }", "{{ .podName }", "{{ ..podName }}",
        "{{ .podNameX }}", "{{ .pod Name }}", "{{ .podNam }}", "podName", "{{",
        "}}", "", "{{ .podName", "{{ ._podName }}"}) {
    EXPECT_EQ(ReplaceTemplateVars(text, vars), text);
  }
}

TEST(TasklogTemplateTest, ReplacesEveryOccurrenceAndKeepsSurroundings) {
  const std::vector<TemplateVar> vars = {PlainVar("namespace", "ns")};
  EXPECT_EQ(
      ReplaceTemplateVars(
          "http://x/#!/log/{{ .namespace }}/a?namespace={{.namespace}}", vars),
      "http://x/#!/log/ns/a?namespace=ns");
  EXPECT_EQ(ReplaceTemplateVars("{{{ .namespace }}}", vars), "{ns}");
}

TEST(TasklogTemplateTest, EmptyValueLeavesPlaceholder) {
  EXPECT_EQ(Render("a/{{ .podName }}/b", {PlainVar("podName", "")}),
            "a/{{ .podName }}/b");
}

TEST(TasklogTemplateTest, SubstitutesSequentiallyLikeGo) {
  // The value of an earlier variable is seen by later ones, not the reverse.
  EXPECT_EQ(Render("{{ .podName }}", {PlainVar("podName", "{{ .namespace }}"),
                                      PlainVar("namespace", "ns")}),
            "ns");
  EXPECT_EQ(Render("{{ .namespace }}", {PlainVar("podName", "p"),
                                        PlainVar("namespace", "{{.podName}}")}),
            "{{.podName}}");
}

TEST(TasklogTemplateTest, FoldsKelvinSignAndLongSLikeGo) {
  // U+212A KELVIN SIGN folds to 'k'; U+017F LATIN SMALL LETTER LONG S to 's'.
  EXPECT_EQ(Render("{{ .tas\xE2\x84\xAAID }}", {PlainVar("taskID", "t")}), "t");
  EXPECT_EQ(Render("{{ .name\xC5\xBFpace }}", {PlainVar("namespace", "n")}),
            "n");
  EXPECT_EQ(FoldTemplateName("Tas\xE2\x84\xAA\xC5\xBF"), "tasks");
}

TEST(TasklogTemplateTest, FindsTaskConfigKeys) {
  EXPECT_EQ(FindTaskConfigKeys("{{ .taskConfig.port }}"),
            std::vector<std::string>({"port"}));
  EXPECT_EQ(
      FindTaskConfigKeys("a{{.taskConfig$host_Name}}b{{ .TASKCONFIG.x }}"),
      std::vector<std::string>({"host_Name", "x"}));
  // Go's pattern has '.' (any character) before taskConfig.
  EXPECT_EQ(FindTaskConfigKeys("{{ xtaskConfig.k }}"),
            std::vector<std::string>({"k"}));
  EXPECT_EQ(FindTaskConfigKeys("{{ taskConfig.k }}"),
            std::vector<std::string>({"k"}));
  EXPECT_TRUE(FindTaskConfigKeys("{{taskConfig.k}}").empty());
  EXPECT_TRUE(FindTaskConfigKeys("{{\ntaskConfig.k}}").empty());
  // Keys are letters and underscores only.
  EXPECT_TRUE(FindTaskConfigKeys("{{ .taskConfig.port1 }}").empty());
  EXPECT_TRUE(FindTaskConfigKeys("{{ .taskConfig.a-b }}").empty());
  EXPECT_TRUE(FindTaskConfigKeys("{{ .taskConfig. }}").empty());
  EXPECT_TRUE(FindTaskConfigKeys("{{ .taskConfig.port").empty());
  EXPECT_TRUE(FindTaskConfigKeys("").empty());
}

TEST(TasklogTemplateTest, ReplacesTaskConfigVariablesCaseInsensitively) {
  const std::vector<TemplateVar> vars = {TaskConfigVar("Port", "8080")};
  EXPECT_EQ(ReplaceTemplateVars("h:{{ .taskConfig.port }}", vars), "h:8080");
  EXPECT_EQ(ReplaceTemplateVars("h:{{$TaskConfig$PORT}}", vars), "h:8080");
  EXPECT_EQ(ReplaceTemplateVars("h:{{ .taskConfig.ports }}", vars),
            "h:{{ .taskConfig.ports }}");
  // A plain variable with the same name does not match task-config syntax.
  EXPECT_EQ(Render("{{ .taskConfig.podName }}", {PlainVar("podName", "p")}),
            "{{ .taskConfig.podName }}");
}

flyteplug::abi::flyteidl::core::TaskExecutionIdentifier FullId() {
  flyteplug::abi::flyteidl::core::TaskExecutionIdentifier id;
  id.mutable_task_id()->set_name("my_task");
  id.mutable_task_id()->set_version("v1");
  id.mutable_task_id()->set_project("proj");
  id.mutable_task_id()->set_domain("dev");
  id.mutable_node_execution_id()->set_node_id("n0");
  id.mutable_node_execution_id()->mutable_execution_id()->set_name("exec");
  id.mutable_node_execution_id()->mutable_execution_id()->set_project("eproj");
  id.mutable_node_execution_id()->mutable_execution_id()->set_domain("edom");
  id.set_retry_attempt(3);
  return id;
}

constexpr absl::string_view kAllVars =
    "{{.logName}}|{{.podName}}|{{.podUID}}|{{.namespace}}|{{.containerName}}|"
    "{{.containerID}}|{{.hostname}}|{{.nodeName}}|{{.podRFC3339StartTime}}|"
    "{{.podRFC3339FinishTime}}|{{.podUnixStartTime}}|{{.podUnixFinishTime}}|"
    "{{.nodeID}}|{{.generatedName}}|{{.taskRetryAttempt}}|{{.taskID}}|"
    "{{.taskVersion}}|{{.taskProject}}|{{.taskDomain}}|{{.executionName}}|"
    "{{.executionProject}}|{{.executionDomain}}";

TEST(TasklogTemplateTest, TemplateVarsForCoversEveryVariable) {
  const flyteplug::abi::flyteidl::core::TaskExecutionIdentifier id = FullId();
  TaskLogInput input;
  input.log_name = "(Driver Logs)";
  input.pod_name = "pod";
  input.pod_uid = "uid";
  input.namespace_name = "ns";
  input.container_name = "c";
  input.container_id = "containerd://abc";
  input.hostname = "host";
  input.node_name = "node";
  input.pod_rfc3339_start_time = "2024-05-01T12:00:00Z";
  input.pod_rfc3339_finish_time = "1970-01-01T00:00:00Z";
  input.pod_unix_start_time = 1714564800;
  input.pod_unix_finish_time = 0;
  input.task_execution_id = &id;
  input.unique_node_id = "unique";
  input.generated_name = "gen";
  EXPECT_EQ(ReplaceTemplateVars(kAllVars, TemplateVarsFor(input)),
            "(Driver Logs)|pod|uid|ns|c|abc|host|node|2024-05-01T12:00:00Z|"
            "1970-01-01T00:00:00Z|1714564800|0|unique|gen|3|my_task|v1|proj|"
            "dev|exec|eproj|edom");
}

TEST(TasklogTemplateTest, TemplateVarsForOrderMatchesGo) {
  const std::vector<TemplateVar> vars = TemplateVarsFor(TaskLogInput());
  std::vector<std::string> names;
  for (const TemplateVar& v : vars) names.emplace_back(v.folded_name());
  EXPECT_EQ(names, std::vector<std::string>(
                       {"logname", "podname", "poduid", "namespace",
                        "containername", "containerid", "hostname", "nodename",
                        "podrfc3339starttime", "podrfc3339finishtime",
                        "podunixstarttime", "podunixfinishtime"}));
}

TEST(TasklogTemplateTest, ContainerIdTakesTextBetweenSeparators) {
  TaskLogInput input;
  input.container_id = "abc";
  EXPECT_EQ(ReplaceTemplateVars("{{.containerId}}", TemplateVarsFor(input)),
            "abc");
  input.container_id = "docker://abc://def";
  EXPECT_EQ(ReplaceTemplateVars("{{.containerId}}", TemplateVarsFor(input)),
            "abc");
}

TEST(TasklogTemplateTest, IdentityVariablesNeedTheirIdentifiers) {
  // No TaskExecutionID: node, task and execution variables are undefined.
  TaskLogInput input;
  input.unique_node_id = "unique";
  EXPECT_EQ(ReplaceTemplateVars("{{.nodeID}}|{{.taskRetryAttempt}}",
                                TemplateVarsFor(input)),
            "{{.nodeID}}|{{.taskRetryAttempt}}");
  // An empty identifier: only the attempt number (always non-empty).
  const flyteplug::abi::flyteidl::core::TaskExecutionIdentifier empty;
  input.task_execution_id = &empty;
  input.unique_node_id.clear();
  EXPECT_EQ(
      ReplaceTemplateVars("{{.nodeID}}|{{.taskRetryAttempt}}|{{.taskID}}|{{"
                          ".executionName}}",
                          TemplateVarsFor(input)),
      "{{.nodeID}}|0|{{.taskID}}|{{.executionName}}");
  // A node execution id without an execution id defines no execution vars.
  flyteplug::abi::flyteidl::core::TaskExecutionIdentifier partial;
  partial.mutable_node_execution_id()->set_node_id("n");
  input.task_execution_id = &partial;
  EXPECT_EQ(ReplaceTemplateVars("{{.executionName}}", TemplateVarsFor(input)),
            "{{.executionName}}");
}

TEST(TasklogTemplateTest, HandlesHostileTemplates) {
  const std::vector<TemplateVar> vars = {PlainVar("podName", "p"),
                                         TaskConfigVar("k", "v")};
  const std::string braces(100000, '{');
  EXPECT_EQ(ReplaceTemplateVars(braces, vars), braces);
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "{{.podName}}";
  EXPECT_EQ(ReplaceTemplateVars(many, vars), std::string(10000, 'p'));
  // Truncated multi-byte sequences and invalid bytes never read past the end.
  EXPECT_EQ(ReplaceTemplateVars("{{ \xE2\x84", vars), "{{ \xE2\x84");
  EXPECT_EQ(ReplaceTemplateVars("{{\xFF", vars), "{{\xFF");
  EXPECT_TRUE(FindTaskConfigKeys("{{ \xE2").empty());
  EXPECT_TRUE(FindTaskConfigKeys("{{ \xE2\x84\xAAtaskConfig.k}}").size() == 1);
}

}  // namespace
}  // namespace flyteplug::tasklog
