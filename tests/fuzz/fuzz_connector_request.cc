// What `flyteplug serve` decodes from a request before any remote call. The
// first byte picks the message the rest is parsed as:
//   0 CreateTaskRequest: TaskContextForCreate, then routing by its type;
//   1 GetTaskRequest:    routing by task_category / task_type, then
//                        TaskContextForStatus;
//   2 DeleteTaskRequest: routing;
//   3 PhaseInfo:         ResourceFromPhaseInfo (the GetTask answer).
// Each refusal must carry a message and map to a gRPC status keeping it;
// building twice must give identical (deterministically serialized) bytes.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "deprecated_fields.h"
#include "error_mapping.h"
#include "flyteidl/admin/agent.pb.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "fuzz_support.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message_lite.h"
#include "resource_mapping.h"
#include "task_context_builder.h"
#include "task_router.h"

namespace flyteplug::fuzz {
namespace {

using connector::TaskRouter;

[[noreturn]] void Finding(absl::string_view what) {
  std::fprintf(stderr, "fuzz_connector_request: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

void Check(bool condition, absl::string_view what) {
  if (!condition) Finding(what);
}

// `message` serialized with map entries in key order.
std::string DeterministicBytes(const google::protobuf::MessageLite& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// A refusal carries a message, and its gRPC status keeps it.
void CheckRefusal(const absl::Status& status, absl::string_view where) {
  Check(!status.ok(), absl::StrCat(where, ": expected a refusal"));
  Check(!status.message().empty(),
        absl::StrCat(where, ": refusal without a message"));
  grpc::Status grpc_status = connector::ToGrpcStatus(status);
  Check(!grpc_status.ok() && grpc_status.error_message() == status.message(),
        absl::StrCat(where, ": gRPC status lost the refusal"));
}

const TaskRouter& Router() {
  static const TaskRouter* const router =
      new TaskRouter(SharedLoaderClient(), /*serve_k8s_resources=*/false);
  return *router;
}

// Routes `task_type`: a module, or NOT_FOUND naming the type.
void CheckRoute(const std::string& task_type) {
  absl::StatusOr<const LoaderClient::ModuleInfo*> module =
      Router().Route(task_type);
  if (module.ok()) {
    Check(*module != nullptr, "Route: OK with no module");
    return;
  }
  CheckRefusal(module.status(), "Route");
  Check(absl::IsNotFound(module.status()), "Route: not NOT_FOUND");
}

void FuzzCreate(absl::string_view bytes) {
  flyteidl::admin::CreateTaskRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  absl::StatusOr<v1::TaskContext> first =
      connector::TaskContextForCreate(request);
  absl::StatusOr<v1::TaskContext> second =
      connector::TaskContextForCreate(request);
  Check(first.ok() == second.ok(), "TaskContextForCreate: not repeatable");
  if (!first.ok()) {
    CheckRefusal(first.status(), "TaskContextForCreate");
    Check(first.status() == second.status(),
          "TaskContextForCreate: different refusals");
    Check(absl::IsInvalidArgument(first.status()),
          "TaskContextForCreate: not INVALID_ARGUMENT");
    return;
  }
  Check(DeterministicBytes(*first) == DeterministicBytes(*second),
        "TaskContextForCreate: different bytes for the same request");
  Check(!first->task_template().type().empty(),
        "TaskContextForCreate: accepted a template without a type");
  CheckRoute(first->task_template().type());
}

// Get and Delete: routing by task_category, else the deprecated task_type.
template <typename Request>
absl::StatusOr<std::string> RouteRequest(const Request& request) {
  absl::StatusOr<std::string> task_type = connector::RoutedTaskType(
      request.task_category(), connector::DeprecatedTaskType(request));
  if (!task_type.ok()) {
    CheckRefusal(task_type.status(), "RoutedTaskType");
    Check(absl::IsInvalidArgument(task_type.status()),
          "RoutedTaskType: not INVALID_ARGUMENT");
    return task_type;
  }
  const std::string& expected = request.task_category().name().empty()
                                    ? connector::DeprecatedTaskType(request)
                                    : request.task_category().name();
  Check(!task_type->empty() && *task_type == expected,
        "RoutedTaskType: not task_category.name, else task_type");
  CheckRoute(*task_type);
  return task_type;
}

void FuzzGet(absl::string_view bytes) {
  flyteidl::admin::GetTaskRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  absl::StatusOr<std::string> task_type = RouteRequest(request);
  if (!task_type.ok()) return;
  v1::TaskContext context = connector::TaskContextForStatus(
      *task_type, request.task_category().version(), request.output_prefix());
  v1::TaskContext again = connector::TaskContextForStatus(
      *task_type, request.task_category().version(), request.output_prefix());
  Check(DeterministicBytes(context) == DeterministicBytes(again),
        "TaskContextForStatus: different bytes for the same request");
  Check(context.task_template().type() == *task_type,
        "TaskContextForStatus: template type is not the routed type");
}

void FuzzDelete(absl::string_view bytes) {
  flyteidl::admin::DeleteTaskRequest request;
  if (request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    RouteRequest(request).IgnoreError();
  }
}

void FuzzPhaseInfo(absl::string_view bytes) {
  v1::PhaseInfo info;
  if (!info.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  absl::StatusOr<flyteidl::admin::Resource> resource =
      connector::ResourceFromPhaseInfo(info);
  absl::StatusOr<connector::PhaseMapping> mapping =
      connector::MapPhase(info.phase());
  Check(resource.ok() == mapping.ok(),
        "ResourceFromPhaseInfo: disagrees with MapPhase");
  if (!resource.ok()) {
    CheckRefusal(resource.status(), "ResourceFromPhaseInfo");
    return;
  }
  Check(resource->phase() == mapping->phase,
        "ResourceFromPhaseInfo: phase is not MapPhase's");
  Check(resource->has_agent_error() == mapping->failed,
        "ResourceFromPhaseInfo: agent_error without a failure (or missing)");
  absl::StatusOr<flyteidl::admin::Resource> again =
      connector::ResourceFromPhaseInfo(info);
  Check(
      again.ok() && DeterministicBytes(*resource) == DeterministicBytes(*again),
      "ResourceFromPhaseInfo: different bytes for the same PhaseInfo");
}

}  // namespace
}  // namespace flyteplug::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  if (size == 0) return 0;
  absl::string_view message = View(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      FuzzCreate(message);
      break;
    case 1:
      FuzzGet(message);
      break;
    case 2:
      FuzzDelete(message);
      break;
    default:
      FuzzPhaseInfo(message);
      break;
  }
  return 0;
}
