// AsyncAgentServiceImpl (agent_services.h).
#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "agent_services.h"
#include "deprecated_fields.h"
#include "error_mapping.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "resource_mapping.h"
#include "task_context_builder.h"

namespace flyteplug::connector {
namespace {

constexpr char kUnknownTaskType[] = "unknown";

// Whether a gRPC deadline is one (gRPC reports "none" as a time point
// centuries away).
bool IsDeadline(std::chrono::system_clock::time_point deadline) {
  return deadline <=
         std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
}

// A gRPC deadline as nanoseconds since the Unix epoch; 0 when there is none.
int64_t DeadlineUnixNanos(std::chrono::system_clock::time_point deadline) {
  if (!IsDeadline(deadline)) return 0;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             deadline.time_since_epoch())
      .count();
}

// The same deadline and cancellation for Kubernetes API calls.
kube::CallControl KubeCallControl(grpc::ServerContext* context) {
  kube::CallControl control;
  if (IsDeadline(context->deadline())) {
    control.deadline = absl::FromChrono(context->deadline());
  }
  control.cancelled = [context] { return context->IsCancelled(); };
  return control;
}

bool IsK8sResourceModule(const LoaderClient::ModuleInfo& module) {
  return module.family == FLYTEPLUG_FAMILY_K8S_RESOURCE;
}

int32_t CallerCancelled(void* server_context) {
  return static_cast<grpc::ServerContext*>(server_context)->IsCancelled() ? 1
                                                                          : 0;
}

}  // namespace

// One request: counts it in flight, and on Finish records its metrics and
// log line. THREADING: used by the one thread answering the request.
class AsyncAgentServiceImpl::Call {
 public:
  Call(const ServiceDeps& deps, grpc::ServerContext* context,
       const char* method, const char* operation)
      : deps_(deps),
        method_(method),
        operation_(operation),
        start_(absl::Now()),
        in_flight_(deps.metrics->InFlight(operation)),
        kube_control_(KubeCallControl(context)) {
    options_.struct_size = sizeof(options_);
    options_.deadline_unix_nanos = DeadlineUnixNanos(context->deadline());
    options_.cancelled = &CallerCancelled;
    options_.cancelled_data = context;
  }

  // Names the task type in metrics and logs once it is known to be served.
  void set_task_type(const std::string& task_type) { task_type_ = task_type; }

  // The caller's deadline and cancellation, for the loader (which refuses
  // to start a module call for a caller that has gone) and through it the
  // module (ABI 1.1 call control). LIFETIME: this Call.
  const flyteplug_call_options* call_options() const { return &options_; }
  // The same for Kubernetes API calls. LIFETIME: this Call.
  const kube::CallControl& kube_control() const { return kube_control_; }

  // Records one module call's duration under `module`.
  void RecordRemote(const std::string& module, absl::Time started) const {
    deps_.metrics->RecordRemoteCall(
        module, operation_, absl::ToDoubleSeconds(absl::Now() - started));
  }

  grpc::Status Finish(const absl::Status& status) const {
    grpc::Status result = ToGrpcStatus(status);
    double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
    std::string error_code =
        result.ok() ? "" : ErrorCodeLabel(result.error_code());
    deps_.metrics->RecordRequest(task_type_, operation_, error_code, seconds);
    LogLevel level = result.ok() ? LogLevel::kDebug : LogLevel::kError;
    if (deps_.log->Enabled(level)) {
      deps_.log->Write(level,
                       {{"method", method_},
                        {"task_type", task_type_},
                        {"code", GrpcCodeName(result.error_code())},
                        {"duration_ms", absl::StrCat(seconds * 1000)}},
                       result.error_message());
    }
    return result;
  }

 private:
  const ServiceDeps& deps_;
  const char* method_;
  std::string operation_;
  absl::Time start_;
  std::string task_type_ = kUnknownTaskType;
  InFlightScope in_flight_;
  flyteplug_call_options options_{};
  kube::CallControl kube_control_;
};

AsyncAgentServiceImpl::AsyncAgentServiceImpl(const ServiceDeps& deps)
    : deps_(deps), router_(*deps.loader, ServesK8sResources(deps)) {
  if (ServesK8sResources(deps)) k8s_.emplace(*deps.loader, *deps.kube);
}

absl::StatusOr<AsyncAgentServiceImpl::Routed> AsyncAgentServiceImpl::Route(
    Call& call, const flyteidl::admin::TaskCategory& category,
    const std::string& deprecated_task_type) const {
  absl::StatusOr<std::string> task_type =
      RoutedTaskType(category, deprecated_task_type);
  if (!task_type.ok()) return task_type.status();
  absl::StatusOr<const LoaderClient::ModuleInfo*> module =
      router_.Route(*task_type);
  if (!module.ok()) return module.status();
  call.set_task_type(*task_type);
  return Routed{*std::move(task_type), *module};
}

grpc::Status AsyncAgentServiceImpl::CreateTask(
    grpc::ServerContext* context,
    const flyteidl::admin::CreateTaskRequest* request,
    flyteidl::admin::CreateTaskResponse* response) {
  Call call(deps_, context, "CreateTask", "create");
  absl::StatusOr<flyteplug::v1::TaskContext> task_context =
      TaskContextForCreate(*request);
  if (!task_context.ok()) return call.Finish(task_context.status());
  const std::string& task_type = task_context->task_template().type();
  absl::StatusOr<const LoaderClient::ModuleInfo*> module =
      router_.Route(task_type);
  if (!module.ok()) return call.Finish(module.status());
  call.set_task_type(task_type);
  deps_.metrics->RecordInputBytes(
      task_type, static_cast<double>(request->inputs().ByteSizeLong()));
  if (IsK8sResourceModule(**module)) {
    return CreateK8sTask(call, **module, *task_context, response);
  }
  // Deterministic bytes: the same request gives the module the same input.
  std::string context_bytes;
  if (!sdk::boundary::SerializeDeterministic(*task_context, &context_bytes)) {
    return call.Finish(
        absl::InternalError("the TaskContext built from the request does not "
                            "serialize"));
  }
  absl::Time started = absl::Now();
  absl::StatusOr<std::string> meta =
      deps_.loader->Create(context_bytes, call.call_options());
  call.RecordRemote((*module)->id, started);
  if (!meta.ok()) return call.Finish(meta.status());
  response->set_resource_meta(std::move(*meta));
  return call.Finish(absl::OkStatus());
}

grpc::Status AsyncAgentServiceImpl::GetTask(
    grpc::ServerContext* context,
    const flyteidl::admin::GetTaskRequest* request,
    flyteidl::admin::GetTaskResponse* response) {
  Call call(deps_, context, "GetTask", "get");
  absl::StatusOr<Routed> routed =
      Route(call, request->task_category(), DeprecatedTaskType(*request));
  if (!routed.ok()) return call.Finish(routed.status());
  if (IsK8sResourceModule(*routed->module)) {
    return GetK8sTask(call, *routed, *request, response);
  }
  const std::string& task_type = routed->task_type;
  const LoaderClient::ModuleInfo* module = routed->module;
  absl::Time started = absl::Now();
  absl::StatusOr<std::string> remote = deps_.loader->Get(
      task_type, request->resource_meta(), call.call_options());
  call.RecordRemote(module->id, started);
  if (!remote.ok()) return call.Finish(remote.status());
  flyteplug::v1::TaskContext status_context = TaskContextForStatus(
      task_type, request->task_category().version(), request->output_prefix());
  absl::StatusOr<std::string> phase_bytes =
      deps_.loader->WebApiStatus(status_context.SerializeAsString(), *remote);
  if (!phase_bytes.ok()) return call.Finish(phase_bytes.status());
  flyteplug::v1::PhaseInfo phase_info;
  if (!phase_info.ParseFromString(*phase_bytes)) {
    return call.Finish(absl::InternalError(absl::StrCat(
        "module ", module->id, " returned a PhaseInfo that does not parse")));
  }
  absl::StatusOr<flyteidl::admin::Resource> resource =
      ResourceFromPhaseInfo(phase_info);
  if (!resource.ok()) return call.Finish(resource.status());
  *response->mutable_resource() = std::move(*resource);
  return call.Finish(absl::OkStatus());
}

grpc::Status AsyncAgentServiceImpl::DeleteTask(
    grpc::ServerContext* context,
    const flyteidl::admin::DeleteTaskRequest* request,
    flyteidl::admin::DeleteTaskResponse* /*response*/) {
  Call call(deps_, context, "DeleteTask", "delete");
  absl::StatusOr<Routed> routed =
      Route(call, request->task_category(), DeprecatedTaskType(*request));
  if (!routed.ok()) return call.Finish(routed.status());
  const std::string& task_type = routed->task_type;
  const LoaderClient::ModuleInfo* module = routed->module;
  absl::Time started = absl::Now();
  absl::Status deleted =
      IsK8sResourceModule(*module)
          ? k8s_->Delete(request->resource_meta(), call.kube_control())
          : deps_.loader->Delete(task_type, request->resource_meta(),
                                 call.call_options());
  call.RecordRemote(module->id, started);
  // A run the remote side no longer knows is as good as deleted.
  if (absl::IsNotFound(deleted)) deleted = absl::OkStatus();
  return call.Finish(deleted);
}

grpc::Status AsyncAgentServiceImpl::CreateK8sTask(
    Call& call, const LoaderClient::ModuleInfo& module,
    const flyteplug::v1::TaskContext& task_context,
    flyteidl::admin::CreateTaskResponse* response) {
  absl::Time started = absl::Now();
  absl::StatusOr<std::string> meta =
      k8s_->Create(module, task_context, call.kube_control());
  call.RecordRemote(module.id, started);
  if (!meta.ok()) return call.Finish(meta.status());
  response->set_resource_meta(*std::move(meta));
  return call.Finish(absl::OkStatus());
}

grpc::Status AsyncAgentServiceImpl::GetK8sTask(
    Call& call, const Routed& routed,
    const flyteidl::admin::GetTaskRequest& request,
    flyteidl::admin::GetTaskResponse* response) {
  absl::Time started = absl::Now();
  absl::StatusOr<flyteplug::v1::PhaseInfo> phase_info = k8s_->Get(
      routed.task_type, request.task_category().version(),
      request.output_prefix(), request.resource_meta(), call.kube_control());
  call.RecordRemote(routed.module->id, started);
  if (!phase_info.ok()) return call.Finish(phase_info.status());
  absl::StatusOr<flyteidl::admin::Resource> resource =
      ResourceFromPhaseInfo(*phase_info);
  if (!resource.ok()) return call.Finish(resource.status());
  *response->mutable_resource() = *std::move(resource);
  return call.Finish(absl::OkStatus());
}

grpc::Status AsyncAgentServiceImpl::GetTaskMetrics(
    grpc::ServerContext* /*context*/,
    const flyteidl::admin::GetTaskMetricsRequest* /*request*/,
    flyteidl::admin::GetTaskMetricsResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      "flyteplug serve: no module offers task metrics");
}

grpc::Status AsyncAgentServiceImpl::GetTaskLogs(
    grpc::ServerContext* /*context*/,
    const flyteidl::admin::GetTaskLogsRequest* /*request*/,
    grpc::ServerWriter<flyteidl::admin::GetTaskLogsResponse>* /*writer*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      "flyteplug serve: no module offers task logs; see the "
                      "log links GetTask returns");
}

}  // namespace flyteplug::connector
