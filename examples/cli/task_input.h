// Reading a task file given to --task: a TaskContext or a bare TaskTemplate,
// as JSON or binary protobuf.
#ifndef FLYTEPLUG_EXAMPLES_CLI_TASK_INPUT_H_
#define FLYTEPLUG_EXAMPLES_CLI_TASK_INPUT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/v1/task_context.pb.h"

namespace flyteplug::cli {

struct TaskInput {
  std::string serialized;              // a serialized flyteplug.v1.TaskContext
  flyteplug::v1::TaskContext context;  // the same, parsed
  // The file held a bare TaskTemplate (the context is the loader's default
  // context for it).
  bool bare_template = false;
};

// Reads `path`. JSON is detected by the first non-space character being
// '{' and converted by the loader (flyteplug_task_context_from_json: a bare
// template gets the documented default context). Binary input is taken as a
// TaskContext when it parses as one with a task type and no unknown
// top-level fields, else as a bare TaskTemplate. Errors are InvalidArgument
// (or NotFound for a missing file) with a message starting with the path and
// naming the field.
absl::StatusOr<TaskInput> ReadTaskInput(const std::string& path);

// Same, from bytes already read (`path` is used in messages only).
absl::StatusOr<TaskInput> ParseTaskInput(const std::string& path,
                                         absl::string_view content);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_TASK_INPUT_H_
