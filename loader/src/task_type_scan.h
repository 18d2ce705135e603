// Reads the routing key, taskTemplate.type, straight from the wire bytes of
// a flyteplug.v1.TaskContext, without building the message (a routed call
// used to parse the whole context only to read it). Host side: walks the
// full runtime's descriptors. Stateless; thread-safe.
#ifndef FLYTEPLUG_LOADER_SRC_TASK_TYPE_SCAN_H_
#define FLYTEPLUG_LOADER_SRC_TASK_TYPE_SCAN_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace flyteplug::loader {

// taskTemplate.type of `task_context` (a view into it; "" when unset, the
// last occurrence winning as when parsing) when the bytes are certainly
// accepted by TaskContext::ParseFromArray: every field well-formed, every
// string field of a known message valid UTF-8, every known message field
// and packed scalar well-formed, nesting at most 64 deep. std::nullopt
// otherwise (malformed, or unusual such as groups or deeper nesting): the
// caller then parses in full and reports as before. Never reads past
// `task_context`; no allocation.
std::optional<absl::string_view> ScanTaskType(absl::string_view task_context);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_TASK_TYPE_SCAN_H_
