// Renders Flyte's command/argument templates ({{.Input}}, {{.OutputPrefix}},
// ...) from a TaskContext, as flyteplugins' tasklog-independent
// `template.Render` does for container and pod tasks.
#ifndef FLYTEPLUG_SDK_ARG_TEMPLATE_H_
#define FLYTEPLUG_SDK_ARG_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"

namespace flyteplug::sdk {

// Replaces, case-insensitively and allowing whitespace and either `.` or `$`
// before the name (`{{ .input }}`, `{{$Input}}`):
//   Input                  -> io.input_path
//   InputPrefix            -> io.input_prefix
//   OutputPrefix           -> io.output_prefix
//   RawOutputDataPrefix    -> io.raw_output_prefix
//   CheckpointOutputPrefix -> io.checkpoint_prefix
//   PrevCheckpointPrefix   -> io.prev_checkpoint_prefix, or `""` when empty
//   PerRetryUniqueKey      -> metadata.generated_name
//   Namespace              -> metadata.namespace
// Any other `{{...}}` (e.g. {{.Inputs.x}}, {{.TaskTemplatePath}}) is left as
// is. Pure function; thread-safe.
std::string RenderArgTemplate(
    absl::string_view arg,
    const flyteplug::abi::flyteplug::v1::TaskContext& context);

// Renders every element of `args`.
std::vector<std::string> RenderArgTemplates(
    const google::protobuf::RepeatedPtrField<std::string>& args,
    const flyteplug::abi::flyteplug::v1::TaskContext& context);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_ARG_TEMPLATE_H_
