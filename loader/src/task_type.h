// Task type names as they cross from the host: checked once, quoted safely.
#ifndef FLYTEPLUG_LOADER_SRC_TASK_TYPE_H_
#define FLYTEPLUG_LOADER_SRC_TASK_TYPE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace flyteplug::loader {

// `type` in single quotes with C-style escapes for control characters,
// quotes, backslashes and non-ASCII bytes: 'spark\x00evil'.
std::string QuoteTaskType(absl::string_view type);

// OK unless `type` holds a control character (0x00-0x1f or 0x7f; with a
// NUL, C strings would see a different type than the loader): then
// InvalidArgumentError "task type <QuoteTaskType(type)> contains a control
// character" (callers prefix where it came from). Pure function.
absl::Status CheckTaskType(absl::string_view type);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_TASK_TYPE_H_
