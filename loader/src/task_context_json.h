// TaskContext JSON -> message, and the default context wrapped around a bare
// TaskTemplate (documented in docs/cli.md, "Default context for bare
// templates").
#ifndef FLYTEPLUG_LOADER_SRC_TASK_CONTEXT_JSON_H_
#define FLYTEPLUG_LOADER_SRC_TASK_CONTEXT_JSON_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteidl/core/tasks.pb.h"
#include "flyteplug/v1/task_context.pb.h"

namespace flyteplug::loader {

// Parses proto3 JSON holding either a full TaskContext (top-level key
// "taskTemplate" or "task_template") or a bare TaskTemplate (top-level
// "type", "custom", "container", "k8sPod"/"k8s_pod" or "id"), ignoring
// unknown keys. A bare template is wrapped with DefaultContextFor.
// Errors: InvalidArgument naming what was parsed and the offending field.
absl::StatusOr<flyteplug::v1::TaskContext> TaskContextFromJson(
    absl::string_view json);

// The documented default context around `task_template` (deterministic: the
// same template id always yields the same names).
flyteplug::v1::TaskContext DefaultContextFor(
    const flyteidl::core::TaskTemplate& task_template);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_TASK_CONTEXT_JSON_H_
