// The TaskContext a module receives for a connector request: what
// propeller's request carries, mapped field by field (docs/connector.md,
// "From request to TaskContext").
#ifndef FLYTEPLUG_CONNECTOR_TASK_CONTEXT_BUILDER_H_
#define FLYTEPLUG_CONNECTOR_TASK_CONTEXT_BUILDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteidl/admin/agent.pb.h"
#include "flyteplug/v1/task_context.pb.h"

namespace flyteplug::connector {

// CreateTask -> TaskContext:
//   taskTemplate = template (unknown fields kept); metadata from
//   task_execution_metadata (task_execution_id, namespace, labels,
//   annotations, k8s_service_account, environment_variables, max_attempts,
//   interruptible, overrides; identity -> securityContext.runAs);
//   generatedName = "<execution name>-<node id>-<retry attempt>" and
//   uniqueNodeId = node id, both derived from task_execution_id (stable for
//   one attempt, so a retried create carries the same identity);
//   io.outputPrefix = output_prefix; pluginState UNDEFINED. Inputs are not
//   passed (propeller has already rendered them into the template).
// INVALID_ARGUMENT when the template is missing or has no type.
absl::StatusOr<flyteplug::v1::TaskContext> TaskContextForCreate(
    const flyteidl::admin::CreateTaskRequest& request);

// The context `status` needs for GetTask, which carries no template: a
// template of `task_type` at `task_type_version`, io.outputPrefix =
// `output_prefix`, pluginState UNDEFINED (the server keeps no per-task
// state).
flyteplug::v1::TaskContext TaskContextForStatus(
    absl::string_view task_type, int32_t task_type_version,
    absl::string_view output_prefix);

// The task type a Get/Delete request is routed by: task_category.name when
// set, else the deprecated task_type. INVALID_ARGUMENT when both are empty.
absl::StatusOr<std::string> RoutedTaskType(
    const flyteidl::admin::TaskCategory& category,
    absl::string_view deprecated_task_type);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_TASK_CONTEXT_BUILDER_H_
