#include "task_phase.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/abi/flyteidl/core/execution.pb.h"
#include "flyteplug/sdk/phase_info.h"
#include "flyteplug/tasklog/template.h"
#include "flyteplug/tasklog/time_format.h"
#include "log_links.h"
#include "task_phase_resource.h"

namespace flyteplug::spark {

using ::flyteplug::tasklog::FormatRfc3339Utc;
using ::flyteplug::tasklog::kGoZeroTimeUnixSeconds;
using ::flyteplug::tasklog::TaskLogInput;

namespace {

using ::flyteplug::abi::flyteidl::core::ExecutionError;
using ::flyteplug::abi::flyteidl::core::TaskLog;
using ::flyteplug::abi::flyteplug::v1::PhaseInfo;

// The Spark operator's state strings (kubeflow v1beta2).
constexpr absl::string_view kStateNew = "";
constexpr absl::string_view kStateSubmitted = "SUBMITTED";
constexpr absl::string_view kStateRunning = "RUNNING";
constexpr absl::string_view kStateCompleted = "COMPLETED";
constexpr absl::string_view kStateFailed = "FAILED";
constexpr absl::string_view kStateSubmissionFailed = "SUBMISSION_FAILED";

constexpr absl::string_view kDownstreamSystemError = "DownstreamSystemError";
constexpr absl::string_view kSparkHistoryUI = "sparkHistoryUI";
constexpr absl::string_view kSparkDriverUI = "sparkDriverUI";

void AddUiLink(const std::string& uri, absl::string_view name,
               absl::string_view custom_key, PhaseInfo* info) {
  TaskLog* log = info->add_logs();
  log->set_uri(uri);
  log->set_name(std::string(name));
  log->set_message_format(TaskLog::JSON);
  (*info->mutable_custom_info()->mutable_fields())[std::string(custom_key)]
      .set_string_value(uri);
}

// getEventInfoForSpark: log links and custom info.
void AddTaskInfo(const flyteplug::abi::flyteplug::v1::TaskContext& context,
                 const ObservedSparkApplication& app,
                 const SparkLogsConfig& logs,
                 const std::string& spark_history_server_url, PhaseInfo* info) {
  const bool finished =
      app.state == kStateCompleted || app.state == kStateFailed;
  const int64_t finish =
      finished && app.termination_unix_seconds != kGoZeroTimeUnixSeconds
          ? app.termination_unix_seconds
          : 0;

  TaskLogInput input;
  input.namespace_name = app.namespace_name;
  input.pod_unix_start_time = app.creation_unix_seconds;
  input.pod_unix_finish_time = finish;
  input.pod_rfc3339_start_time = FormatRfc3339Utc(app.creation_unix_seconds);
  input.pod_rfc3339_finish_time = FormatRfc3339Utc(finish);
  // Flyte always has a TaskExecutionID; an absent one reads as empty.
  input.task_execution_id = &context.metadata().task_execution_id();
  input.unique_node_id = context.metadata().unique_node_id();
  input.generated_name = context.metadata().generated_name();

  auto* out = info->mutable_logs();
  if (!app.driver_pod_name.empty()) {
    input.pod_name = app.driver_pod_name;
    input.log_name = "(Driver Logs)";
    input.task_template = &context.task_template();
    AppendTaskLogs(logs.mixed, input, out);
    input.task_template = nullptr;
  }
  input.pod_name = app.driver_pod_name;
  input.log_name = "(User Logs)";
  AppendTaskLogs(logs.user, input, out);

  input.pod_name = app.name;
  input.log_name = "(System Logs)";
  AppendTaskLogs(logs.system, input, out);

  input.log_name = "(Spark-Submit/All User Logs)";
  const int first_all_user = out->size();
  AppendTaskLogs(logs.all_user, input, out);
  // "All user" logs are shown already while queued and initializing.
  for (int i = first_all_user; i < out->size(); ++i) {
    out->Mutable(i)->set_showwhilepending(true);
  }

  info->mutable_custom_info();  // `{}` when there is no UI link, never unset.
  if (finished) {
    if (!app.spark_application_id.empty() &&
        !spark_history_server_url.empty()) {
      AddUiLink(absl::StrCat(spark_history_server_url, "/history/",
                             app.spark_application_id),
                "Spark History UI", kSparkHistoryUI, info);
    }
  } else if (app.state == kStateRunning &&
             !app.web_ui_ingress_address.empty()) {
    // Older operators leave the scheme out; newer ones include it.
    std::string uri = app.web_ui_ingress_address;
    if (!absl::StartsWith(uri, "https://") &&
        !absl::StartsWith(uri, "http://")) {
      uri = absl::StrCat("https://", uri);
    }
    AddUiLink(uri, "Spark Driver UI", kSparkDriverUI, info);
  }
}

}  // namespace

absl::StatusOr<PhaseInfo> GetSparkTaskPhase(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    absl::string_view resource_json, const SparkLogsConfig& logs,
    const std::string& spark_history_server_url, int64_t now_unix_nanos) {
  absl::StatusOr<ObservedSparkApplication> app =
      ParseObservedSparkApplication(resource_json);
  if (!app.ok()) return app.status();

  PhaseInfo info;
  AddTaskInfo(context, *app, logs, spark_history_server_url, &info);

  const std::string& state = app->state;
  if (state == kStateNew) {
    info.set_phase(flyteplug::abi::flyteplug::v1::QUEUED);
    info.set_reason("job queued");
  } else if (state == kStateSubmitted) {
    info.set_phase(flyteplug::abi::flyteplug::v1::INITIALIZING);
    info.set_reason("job submitted");
  } else if (state == kStateSubmissionFailed || state == kStateFailed) {
    info.set_phase(flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE);
    ExecutionError* error = info.mutable_error();
    error->set_code(std::string(kDownstreamSystemError));
    error->set_kind(ExecutionError::USER);
    error->set_message(absl::StrCat(state == kStateFailed
                                        ? "Spark Job Failed with Error: "
                                        : "Spark Job  Submission Failed with "
                                          "Error: ",
                                    app->error_message));
  } else if (state == kStateCompleted) {
    info.set_phase(flyteplug::abi::flyteplug::v1::SUCCESS);
  } else {
    // RUNNING, PENDING_RERUN, INVALIDATING, SUCCEEDING, FAILING, UNKNOWN,
    // SUSPENDING, SUSPENDED, RESUMING, legacy PENDING_SUBMISSION, and any
    // state this code does not know.
    info.set_phase(flyteplug::abi::flyteplug::v1::RUNNING);
  }
  // A k8s resource plugin: Flyte's k8s plugin manager rule, as Flyte
  // applies it to the Spark plugin (RUNNING never bumps).
  info.set_version(0);
  sdk::UpdatePhaseVersion(context.plugin_state(),
                          sdk::PhaseVersionRule::kFlyteK8sPluginManager, &info);
  sdk::SetOccurredAt(now_unix_nanos, &info);
  return info;
}

}  // namespace flyteplug::spark
