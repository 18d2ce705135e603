#include "task_context_builder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace flyteplug::connector {
namespace {

void CopyOverrides(const flyteidl::core::TaskNodeOverrides& from,
                   flyteplug::v1::TaskOverrides* to) {
  if (from.has_resources()) *to->mutable_resources() = from.resources();
  if (from.has_extended_resources()) {
    *to->mutable_extended_resources() = from.extended_resources();
  }
  if (from.has_pod_template()) {
    *to->mutable_pod_template() = from.pod_template();
  }
  to->set_container_image(from.container_image());
}

void CopyMetadata(const flyteidl::admin::TaskExecutionMetadata& from,
                  flyteplug::v1::TaskExecutionMetadata* to) {
  const flyteidl::core::TaskExecutionIdentifier& id = from.task_execution_id();
  *to->mutable_task_execution_id() = id;
  const std::string& node_id = id.node_execution_id().node_id();
  to->set_generated_name(
      absl::StrCat(id.node_execution_id().execution_id().name(), "-", node_id,
                   "-", id.retry_attempt()));
  to->set_unique_node_id(node_id);
  to->set_namespace_(from.namespace_());
  *to->mutable_labels() = from.labels();
  *to->mutable_annotations() = from.annotations();
  to->set_k8s_service_account(from.k8s_service_account());
  if (from.has_identity()) {
    *to->mutable_security_context()->mutable_run_as() = from.identity();
  }
  to->set_interruptible(from.interruptible());
  to->set_max_attempts(static_cast<uint32_t>(std::max(0, from.max_attempts())));
  *to->mutable_environment_variables() = from.environment_variables();
  if (from.has_overrides()) {
    CopyOverrides(from.overrides(), to->mutable_overrides());
  }
}

}  // namespace

absl::StatusOr<flyteplug::v1::TaskContext> TaskContextForCreate(
    const flyteidl::admin::CreateTaskRequest& request) {
  if (!request.has_template_()) {
    return absl::InvalidArgumentError("CreateTaskRequest.template is missing");
  }
  if (request.template_().type().empty()) {
    return absl::InvalidArgumentError(
        "CreateTaskRequest.template.type is empty");
  }
  flyteplug::v1::TaskContext context;
  *context.mutable_task_template() = request.template_();
  CopyMetadata(request.task_execution_metadata(), context.mutable_metadata());
  context.mutable_io()->set_output_prefix(request.output_prefix());
  context.mutable_plugin_state()->set_phase(flyteplug::v1::UNDEFINED);
  return context;
}

flyteplug::v1::TaskContext TaskContextForStatus(
    absl::string_view task_type, int32_t task_type_version,
    absl::string_view output_prefix) {
  flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type(std::string(task_type));
  context.mutable_task_template()->set_task_type_version(task_type_version);
  context.mutable_io()->set_output_prefix(std::string(output_prefix));
  context.mutable_plugin_state()->set_phase(flyteplug::v1::UNDEFINED);
  return context;
}

absl::StatusOr<std::string> RoutedTaskType(
    const flyteidl::admin::TaskCategory& category,
    absl::string_view deprecated_task_type) {
  if (!category.name().empty()) return category.name();
  if (!deprecated_task_type.empty()) return std::string(deprecated_task_type);
  return absl::InvalidArgumentError(
      "task_category.name and task_type are both empty");
}

}  // namespace flyteplug::connector
