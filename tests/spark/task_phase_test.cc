#include "task_phase.h"

#include <cstdint>
#include <string>
#include <vector>

#include "abi_json.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gtest/gtest.h"

namespace flyteplug::spark {
namespace {

using ::flyteplug::abi::flyteidl::core::ExecutionError;
using ::flyteplug::abi::flyteidl::core::TaskLog;
using ::flyteplug::abi::flyteplug::v1::Phase;
using ::flyteplug::abi::flyteplug::v1::PhaseInfo;
using ::flyteplug::abi::flyteplug::v1::TaskContext;

constexpr int64_t kNow = 1714565000123456789;

TaskContext Context(absl::string_view json = R"({
  "taskTemplate": {"id": {"name": "t"}, "type": "spark",
                   "config": {"link_type": "vscode", "port": "8888"}},
  "metadata": {
    "taskExecutionId": {
      "taskId": {"resourceType": "TASK", "project": "proj", "domain": "dev",
                 "name": "my_task", "version": "v1"},
      "nodeExecutionId": {"nodeId": "n0", "executionId": {
          "project": "eproj", "domain": "edom", "name": "exec"}},
      "retryAttempt": 2},
    "generatedName": "gen-name", "uniqueNodeId": "unique-n0",
    "namespace": "ns"}})") {
  TaskContext context;
  const auto status = abi_test::LiteFromJson<flyteplug::v1::TaskContext>(
      json, &context, /*ignore_unknown_fields=*/false);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return context;
}

std::string App(absl::string_view state, absl::string_view extra_status = "",
                absl::string_view driver_pod = "app-driver") {
  return absl::StrCat(
      R"({"apiVersion": "sparkoperator.k8s.io/v1beta2",
          "kind": "SparkApplication",
          "metadata": {"name": "app", "namespace": "ns",
                       "creationTimestamp": "2024-05-01T12:00:00Z"},
          "status": {"applicationState": {"state": ")",
      state, R"(", "errorMessage": "boom"},
                     "driverInfo": {"podName": ")",
      driver_pod, R"("})", extra_status, "}}");
}

PhaseInfo MapOk(const TaskContext& context, absl::string_view json,
                const SparkLogsConfig& logs = DefaultSparkLogsConfig(),
                const std::string& history = "") {
  absl::StatusOr<PhaseInfo> info =
      GetSparkTaskPhase(context, json, logs, history, kNow);
  EXPECT_TRUE(info.ok()) << info.status();
  return info.value_or(PhaseInfo());
}

struct StateCase {
  const char* state;
  Phase phase;
  const char* reason;
  const char* error_message;  // nullptr when no error
};

class TaskPhaseStateTest : public testing::TestWithParam<StateCase> {};

TEST_P(TaskPhaseStateTest, MapsOperatorState) {
  const StateCase& c = GetParam();
  const PhaseInfo info = MapOk(Context(), App(c.state));
  EXPECT_EQ(info.phase(), c.phase) << c.state;
  EXPECT_EQ(info.version(), 0u);
  EXPECT_EQ(info.reason(), c.reason);
  if (c.error_message == nullptr) {
    EXPECT_FALSE(info.has_error());
  } else {
    ASSERT_TRUE(info.has_error());
    EXPECT_EQ(info.error().code(), "DownstreamSystemError");
    EXPECT_EQ(info.error().kind(), ExecutionError::USER);
    EXPECT_EQ(info.error().message(), c.error_message);
  }
  EXPECT_EQ(info.occurred_at().seconds(), 1714565000);
  EXPECT_EQ(info.occurred_at().nanos(), 123456789);
  EXPECT_TRUE(info.has_custom_info());
}

INSTANTIATE_TEST_SUITE_P(
    Table, TaskPhaseStateTest,
    testing::Values(
        StateCase{"", flyteplug::abi::flyteplug::v1::QUEUED, "job queued",
                  nullptr},
        StateCase{"SUBMITTED", flyteplug::abi::flyteplug::v1::INITIALIZING,
                  "job submitted", nullptr},
        StateCase{"SUBMISSION_FAILED",
                  flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE, "",
                  "Spark Job  Submission Failed with Error: boom"},
        StateCase{"FAILED", flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE,
                  "", "Spark Job Failed with Error: boom"},
        StateCase{"COMPLETED", flyteplug::abi::flyteplug::v1::SUCCESS, "",
                  nullptr},
        StateCase{"RUNNING", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"PENDING_RERUN", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"INVALIDATING", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"SUCCEEDING", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"FAILING", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"UNKNOWN", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"SUSPENDING", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"SUSPENDED", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"RESUMING", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{"PENDING_SUBMISSION", flyteplug::abi::flyteplug::v1::RUNNING,
                  "", nullptr},
        StateCase{"SOMETHING_NEW", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        // State strings are matched exactly.
        StateCase{"completed", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr},
        StateCase{" FAILED", flyteplug::abi::flyteplug::v1::RUNNING, "",
                  nullptr}));

TEST(TaskPhaseTest, NoStatusIsQueued) {
  for (absl::string_view json :
       {R"({"metadata": {"name": "app"}})", R"({"status": null})",
        R"({"status": {}})", R"({"status": {"applicationState": {}}})"}) {
    const PhaseInfo info = MapOk(Context(), json);
    EXPECT_EQ(info.phase(), flyteplug::abi::flyteplug::v1::QUEUED) << json;
    EXPECT_EQ(info.reason(), "job queued");
  }
}

TEST(TaskPhaseTest, EmptyErrorMessageKeepsPrefix) {
  const PhaseInfo info = MapOk(
      Context(), R"({"status": {"applicationState": {"state": "FAILED"}}})");
  EXPECT_EQ(info.error().message(), "Spark Job Failed with Error: ");
}

TEST(TaskPhaseTest, OccurredAtHandlesNegativeClock) {
  absl::StatusOr<PhaseInfo> info = GetSparkTaskPhase(
      Context(), App("RUNNING"), DefaultSparkLogsConfig(), "", -1);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->occurred_at().seconds(), -1);
  EXPECT_EQ(info->occurred_at().nanos(), 999999999);
}

// MaybeUpdatePhaseVersionFromPluginContext, branch by branch.
PhaseInfo WithPrevious(absl::string_view state, Phase prev_phase,
                       uint32_t prev_version, absl::string_view prev_reason) {
  TaskContext context = Context();
  context.mutable_plugin_state()->set_phase(prev_phase);
  context.mutable_plugin_state()->set_phase_version(prev_version);
  context.mutable_plugin_state()->set_reason(std::string(prev_reason));
  return MapOk(context, App(state));
}

TEST(TaskPhaseVersionTest, BumpsWhenSamePhaseWithDifferentReason) {
  EXPECT_EQ(WithPrevious("", flyteplug::abi::flyteplug::v1::QUEUED, 0, "other")
                .version(),
            1u);
  EXPECT_EQ(
      WithPrevious("", flyteplug::abi::flyteplug::v1::QUEUED, 4, "").version(),
      5u);
  EXPECT_EQ(WithPrevious("SUBMITTED",
                         flyteplug::abi::flyteplug::v1::INITIALIZING, 2, "x")
                .version(),
            3u);
  // Failures and success carry an empty reason.
  EXPECT_EQ(
      WithPrevious("FAILED", flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE,
                   0, "r")
          .version(),
      1u);
  EXPECT_EQ(
      WithPrevious("COMPLETED", flyteplug::abi::flyteplug::v1::SUCCESS, 7, "r")
          .version(),
      8u);
}

TEST(TaskPhaseVersionTest, NoBumpWhenReasonUnchanged) {
  EXPECT_EQ(
      WithPrevious("", flyteplug::abi::flyteplug::v1::QUEUED, 3, "job queued")
          .version(),
      0u);
  EXPECT_EQ(
      WithPrevious("COMPLETED", flyteplug::abi::flyteplug::v1::SUCCESS, 3, "")
          .version(),
      0u);
}

TEST(TaskPhaseVersionTest, NoBumpWhenPhaseDiffers) {
  EXPECT_EQ(
      WithPrevious("SUBMITTED", flyteplug::abi::flyteplug::v1::QUEUED, 3, "x")
          .version(),
      0u);
  EXPECT_EQ(WithPrevious("", flyteplug::abi::flyteplug::v1::UNDEFINED, 0, "x")
                .version(),
            0u);
}

TEST(TaskPhaseVersionTest, NeverBumpsRunning) {
  EXPECT_EQ(WithPrevious("RUNNING", flyteplug::abi::flyteplug::v1::RUNNING, 3,
                         "other")
                .version(),
            0u);
}

TEST(TaskPhaseVersionTest, WrapsLikeGoUint32) {
  EXPECT_EQ(
      WithPrevious("", flyteplug::abi::flyteplug::v1::QUEUED, 0xFFFFFFFFu, "x")
          .version(),
      0u);
}

TEST(TaskPhaseVersionTest, NoPluginStateMeansNoBump) {
  // An absent plugin state reads as UNDEFINED, version 0, reason "".
  const PhaseInfo info = MapOk(Context(), App(""));
  EXPECT_EQ(info.version(), 0u);
}

TEST(TaskPhaseLogsTest, DefaultConfigGivesOneDriverLink) {
  const PhaseInfo info = MapOk(Context(), App("RUNNING"));
  ASSERT_EQ(info.logs_size(), 1);
  EXPECT_EQ(info.logs(0).uri(),
            "http://localhost:30082/#!/log/ns/app-driver/pod?namespace=ns");
  EXPECT_EQ(info.logs(0).name(), "Kubernetes Logs(Driver Logs)");
  EXPECT_EQ(info.logs(0).message_format(), TaskLog::JSON);
  EXPECT_FALSE(info.logs(0).showwhilepending());
  EXPECT_TRUE(info.custom_info().fields().empty());
}

TEST(TaskPhaseLogsTest, NoDriverPodNoMixedLinks) {
  const PhaseInfo info = MapOk(Context(), App("SUBMITTED", "", ""));
  EXPECT_EQ(info.logs_size(), 0);
}

SparkLogsConfig AllKinds() {
  SparkLogsConfig logs;
  logs.mixed.kubernetes_enabled = true;
  logs.mixed.kubernetes_template_uri = "mixed/{{ .podName }}";
  logs.user.kubernetes_enabled = true;
  logs.user.kubernetes_template_uri = "user/{{ .podName }}";
  logs.system.cloudwatch_enabled = true;
  logs.system.cloudwatch_template_uri = "system/{{ .podName }}";
  logs.all_user.stackdriver_enabled = true;
  logs.all_user.stackdriver_template_uri = "all/{{ .podName }}";
  TemplateLogPluginConfig t;
  t.display_name = "T";
  t.template_uris = {"all-t/{{ .namespace }}"};
  t.hide_once_finished = true;
  logs.all_user.templates.push_back(t);
  return logs;
}

TEST(TaskPhaseLogsTest, FourKindsInOrderWithTheirPods) {
  const PhaseInfo info = MapOk(Context(), App("RUNNING"), AllKinds());
  ASSERT_EQ(info.logs_size(), 5);
  EXPECT_EQ(info.logs(0).uri(), "mixed/app-driver");
  EXPECT_EQ(info.logs(0).name(), "Kubernetes Logs(Driver Logs)");
  EXPECT_EQ(info.logs(1).uri(), "user/app-driver");
  EXPECT_EQ(info.logs(1).name(), "Kubernetes Logs(User Logs)");
  EXPECT_EQ(info.logs(2).uri(), "system/app");
  EXPECT_EQ(info.logs(2).name(), "Cloudwatch Logs(System Logs)");
  EXPECT_EQ(info.logs(3).uri(), "all/app");
  EXPECT_EQ(info.logs(3).name(),
            "Stackdriver Logs(Spark-Submit/All User Logs)");
  EXPECT_EQ(info.logs(4).uri(), "all-t/ns");
  EXPECT_EQ(info.logs(4).name(), "T(Spark-Submit/All User Logs)");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(info.logs(i).showwhilepending());
  // Every all-user link is shown while pending; other flags are kept.
  EXPECT_TRUE(info.logs(3).showwhilepending());
  EXPECT_TRUE(info.logs(4).showwhilepending());
  EXPECT_TRUE(info.logs(4).hideoncefinished());
}

TEST(TaskPhaseLogsTest, UnknownDriverPodLeavesUserPlaceholder) {
  const PhaseInfo info = MapOk(Context(), App("", "", ""), AllKinds());
  ASSERT_EQ(info.logs_size(), 4);
  EXPECT_EQ(info.logs(0).uri(), "user/{{ .podName }}");
  EXPECT_EQ(info.logs(1).uri(), "system/app");
}

TEST(TaskPhaseLogsTest, DynamicLinksOnlyForTheDriver) {
  SparkLogsConfig logs = DefaultSparkLogsConfig();
  TemplateLogPluginConfig vscode;
  vscode.name = "vscode";
  vscode.display_name = "VS Code";
  vscode.dynamic_template_uris = {
      "https://{{ .podName }}:{{ .taskConfig.port }}"};
  vscode.message_format = TaskLog::JSON;
  logs.mixed.dynamic_log_links["vscode"] = vscode;
  logs.user.dynamic_log_links["vscode"] = vscode;
  logs.all_user.dynamic_log_links["vscode"] = vscode;
  const PhaseInfo info = MapOk(Context(), App("RUNNING"), logs);
  ASSERT_EQ(info.logs_size(), 2);
  EXPECT_EQ(info.logs(1).uri(), "https://app-driver:8888");
  EXPECT_EQ(info.logs(1).name(), "VS Code(Driver Logs)");
}

TEST(TaskPhaseLogsTest, AllTemplateVariablesFromContextAndObject) {
  SparkLogsConfig logs;
  logs.mixed.kubernetes_enabled = true;
  logs.mixed.kubernetes_template_uri =
      "{{.logName}}|{{.podName}}|{{.namespace}}|{{.podUID}}|"
      "{{.containerName}}|{{.containerID}}|{{.hostname}}|{{.nodeName}}|"
      "{{.podRFC3339StartTime}}|{{.podRFC3339FinishTime}}|"
      "{{.podUnixStartTime}}|{{.podUnixFinishTime}}|{{.nodeID}}|"
      "{{.generatedName}}|{{.taskRetryAttempt}}|{{.taskID}}|{{.taskVersion}}|"
      "{{.taskProject}}|{{.taskDomain}}|{{.executionName}}|"
      "{{.executionProject}}|{{.executionDomain}}";
  const PhaseInfo info = MapOk(
      Context(),
      App("COMPLETED", R"(, "terminationTime": "2024-05-01T12:10:00Z")"), logs);
  ASSERT_EQ(info.logs_size(), 1);
  EXPECT_EQ(info.logs(0).uri(),
            "(Driver Logs)|app-driver|ns|{{.podUID}}|{{.containerName}}|"
            "{{.containerID}}|{{.hostname}}|{{.nodeName}}|"
            "2024-05-01T12:00:00Z|2024-05-01T12:10:00Z|1714564800|1714565400|"
            "unique-n0|gen-name|2|my_task|v1|proj|dev|exec|eproj|edom");
}

SparkLogsConfig TimesOnly() {
  SparkLogsConfig logs;
  logs.system.kubernetes_enabled = true;
  logs.system.kubernetes_template_uri =
      "{{.podUnixStartTime}}/{{.podUnixFinishTime}}/{{.podRFC3339StartTime}}/"
      "{{.podRFC3339FinishTime}}";
  return logs;
}

TEST(TaskPhaseLogsTest, FinishTimeOnlyWhenFinished) {
  const std::string termination =
      R"(, "terminationTime": "2024-05-01T12:10:00Z")";
  for (absl::string_view state : {"COMPLETED", "FAILED"}) {
    const PhaseInfo info =
        MapOk(Context(), App(state, termination), TimesOnly());
    ASSERT_EQ(info.logs_size(), 1);
    EXPECT_EQ(info.logs(0).uri(),
              "1714564800/1714565400/2024-05-01T12:00:00Z/"
              "2024-05-01T12:10:00Z")
        << state;
  }
  for (absl::string_view state : {"RUNNING", "SUBMISSION_FAILED", "FAILING"}) {
    const PhaseInfo info =
        MapOk(Context(), App(state, termination), TimesOnly());
    ASSERT_EQ(info.logs_size(), 1);
    EXPECT_EQ(info.logs(0).uri(),
              "1714564800/0/2024-05-01T12:00:00Z/1970-01-01T00:00:00Z")
        << state;
  }
  // Finished without a termination time.
  const PhaseInfo info = MapOk(Context(), App("COMPLETED"), TimesOnly());
  EXPECT_EQ(info.logs(0).uri(),
            "1714564800/0/2024-05-01T12:00:00Z/1970-01-01T00:00:00Z");
}

TEST(TaskPhaseLogsTest, ZeroCreationTimeIsGoZeroTime) {
  const PhaseInfo info = MapOk(
      Context(), R"({"metadata": {"name": "app"}, "status": {}})", TimesOnly());
  ASSERT_EQ(info.logs_size(), 1);
  EXPECT_EQ(info.logs(0).uri(),
            "-62135596800/0/0001-01-01T00:00:00Z/1970-01-01T00:00:00Z");
}

TEST(TaskPhaseLogsTest, WorksWithAnEmptyContext) {
  const PhaseInfo info = MapOk(TaskContext(), App("RUNNING"));
  ASSERT_EQ(info.logs_size(), 1);
  EXPECT_EQ(info.phase(), flyteplug::abi::flyteplug::v1::RUNNING);
}

TEST(TaskPhaseUiTest, HistoryLinkWhenFinished) {
  const std::string id = R"(, "sparkApplicationId": "spark-123")";
  for (absl::string_view state : {"COMPLETED", "FAILED"}) {
    const PhaseInfo info = MapOk(Context(), App(state, id),
                                 DefaultSparkLogsConfig(), "http://history");
    ASSERT_EQ(info.logs_size(), 2) << state;
    EXPECT_EQ(info.logs(1).uri(), "http://history/history/spark-123");
    EXPECT_EQ(info.logs(1).name(), "Spark History UI");
    EXPECT_EQ(info.logs(1).message_format(), TaskLog::JSON);
    ASSERT_EQ(info.custom_info().fields().size(), 1u);
    EXPECT_EQ(info.custom_info().fields().at("sparkHistoryUI").string_value(),
              "http://history/history/spark-123");
  }
}

TEST(TaskPhaseUiTest, NoHistoryLinkWithoutUrlIdOrFinish) {
  const std::string id = R"(, "sparkApplicationId": "spark-123")";
  const PhaseInfo no_url = MapOk(Context(), App("COMPLETED", id));
  EXPECT_EQ(no_url.logs_size(), 1);
  EXPECT_TRUE(no_url.custom_info().fields().empty());
  const PhaseInfo no_id = MapOk(Context(), App("COMPLETED"),
                                DefaultSparkLogsConfig(), "http://history");
  EXPECT_EQ(no_id.logs_size(), 1);
  EXPECT_TRUE(no_id.custom_info().fields().empty());
  const PhaseInfo running = MapOk(Context(), App("RUNNING", id),
                                  DefaultSparkLogsConfig(), "http://history");
  EXPECT_EQ(running.logs_size(), 1);
  EXPECT_TRUE(running.custom_info().fields().empty());
}

TEST(TaskPhaseUiTest, DriverUiLinkWhileRunning) {
  struct Case {
    const char* address;
    const char* uri;
  };
  for (const Case& c : {Case{"ui.example:4040", "https://ui.example:4040"},
                        Case{"http://ui:4040", "http://ui:4040"},
                        Case{"https://ui:4040", "https://ui:4040"},
                        Case{"HTTP://ui", "https://HTTP://ui"}}) {
    const PhaseInfo info = MapOk(
        Context(), App("RUNNING", "",
                       absl::StrCat(R"(app-driver", "webUIIngressAddress": ")",
                                    c.address)));
    ASSERT_EQ(info.logs_size(), 2) << c.address;
    EXPECT_EQ(info.logs(1).uri(), c.uri);
    EXPECT_EQ(info.logs(1).name(), "Spark Driver UI");
    EXPECT_EQ(info.logs(1).message_format(), TaskLog::JSON);
    EXPECT_EQ(info.custom_info().fields().at("sparkDriverUI").string_value(),
              c.uri);
  }
}

TEST(TaskPhaseUiTest, NoDriverUiLinkUnlessRunning) {
  const PhaseInfo info = MapOk(
      Context(),
      App("SUBMITTED", "", R"(app-driver", "webUIIngressAddress": "ui:4040)"));
  EXPECT_EQ(info.logs_size(), 1);
  EXPECT_TRUE(info.has_custom_info());
  EXPECT_TRUE(info.custom_info().fields().empty());
}

TEST(TaskPhaseErrorTest, BadResourceIsInvalidArgument) {
  for (absl::string_view json :
       {"", "not json", "[]", R"({"status": "RUNNING"})",
        R"({"status": {"applicationState": {"state": 1}}})"}) {
    absl::StatusOr<PhaseInfo> info =
        GetSparkTaskPhase(Context(), json, DefaultSparkLogsConfig(), "", kNow);
    ASSERT_FALSE(info.ok()) << json;
    EXPECT_EQ(info.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(info.status().message(), "SparkApplication"))
        << info.status().message();
  }
}

}  // namespace
}  // namespace flyteplug::spark
