// Renders Flyte's argument templates ({{.Input}}, {{.OutputPrefix}}, ...)
// in container arguments, the way flytepropeller does for container tasks.
#ifndef FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_ARG_TEMPLATE_H_
#define FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_ARG_TEMPLATE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"

namespace k8s_job {

// Replaces each `{{ .Name }}` (case-insensitive, optional whitespace) whose
// name is one of Input, InputPrefix, OutputPrefix, RawOutputDataPrefix,
// CheckpointOutputPrefix, PrevCheckpointPrefix with the matching TaskContext
// io path (PrevCheckpointPrefix renders `""` when empty, as Flyte does).
// Anything else, including unterminated `{{`, is copied unchanged.
// Pure function; thread-safe.
std::string RenderArg(
    absl::string_view arg,
    const flyteplug::abi::flyteplug::v1::TaskContext& context);

}  // namespace k8s_job

#endif  // FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_ARG_TEMPLATE_H_
