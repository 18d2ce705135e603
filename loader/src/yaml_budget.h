// The input limits of flyteplug/sdk/input_limits.h applied to YAML text,
// before any node is built.
#ifndef FLYTEPLUG_LOADER_SRC_YAML_BUDGET_H_
#define FLYTEPLUG_LOADER_SRC_YAML_BUDGET_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace flyteplug::loader {

// Checks `yaml` in one pass over yaml-cpp's parse events, building no nodes:
// at most sdk::json::kMaxBytes of text; at most sdk::json::kMaxDepth
// sequences and mappings open at once, counting those an alias repeats; and,
// with every alias replaced by the node it names, at most
// sdk::json::kMaxYamlExpandedNodes nodes and kMaxBytes of scalar text. Time
// is linear in the text (an alias costs O(1): each anchored node's totals are
// kept). Syntax errors are left to the caller's parse.
// Errors: InvalidArgumentError, exactly
//   "<source>: YAML text is <N> bytes, more than the limit of 16777216 bytes"
//   "<source>:<line>:<column>: YAML nested deeper than 64 levels"
//   "<source>:<line>:<column>: YAML aliases expand to more than 1000000 nodes"
//   "<source>:<line>:<column>: YAML aliases expand to more than 16777216
//    bytes of scalar text"
//   "<source>:<line>:<column>: YAML alias refers to a node that contains it"
// where the position is that of the node or alias that crossed the limit.
// Pure function; thread-safe.
absl::Status CheckYamlBudget(absl::string_view yaml,
                             absl::string_view source_name);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_YAML_BUDGET_H_
