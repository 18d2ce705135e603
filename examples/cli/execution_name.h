// The execution name of `flyteplug run`: --execution-name, or a fresh one
// for a bare template, so two runs of one template at a terminal are two
// runs while a host's retries of one attempt stay one (the databricks
// module's idempotency token derives from the execution identity).
#ifndef FLYTEPLUG_EXAMPLES_CLI_EXECUTION_NAME_H_
#define FLYTEPLUG_EXAMPLES_CLI_EXECUTION_NAME_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "task_input.h"

namespace flyteplug::cli {

// OK when `name` is 1 to 63 characters, a lowercase letter first, then
// lowercase letters, digits and '-'; else INVALID_ARGUMENT naming
// --execution-name and the rule.
absl::Status ValidateExecutionName(absl::string_view name);

// A fresh name: "r" followed by 16 random hex digits (from the system's
// random device), e.g. "r3f9c0d2a7b6e1854".
std::string FreshExecutionName();

// The execution name `run` gives `input`: `requested` (--execution-name)
// when not empty, else a fresh one for a bare template (whose default
// context is the same on every run), else "" (a TaskContext keeps its own).
std::string ChooseExecutionName(absl::string_view requested,
                                const TaskInput& input);

// Renames the execution of `input` to `name`: sets
// metadata.taskExecutionId.nodeExecutionId.executionId.name and replaces the
// previous name wherever the context derived something from it
// (metadata.generatedName, label values, the io paths); input->serialized
// is rewritten. REQUIRES: ValidateExecutionName(name).ok().
void RenameExecution(absl::string_view name, TaskInput* input);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_EXECUTION_NAME_H_
