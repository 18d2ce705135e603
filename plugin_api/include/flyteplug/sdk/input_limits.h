// The limits every parse of outside JSON or YAML shares (configuration files,
// module configuration bytes, task-context JSON, resource JSON), and the one
// linear, non-recursive pre-scan that enforces them on JSON text. The YAML
// reader (the loader's yaml_to_json.cc) enforces the same depth and size and
// the alias-expansion budget below with its own event pre-scan.
// Documented in docs/configuration.md, "Input limits". Thread-safe.
#ifndef FLYTEPLUG_SDK_INPUT_LIMITS_H_
#define FLYTEPLUG_SDK_INPUT_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace flyteplug::sdk::json {

// At most this many arrays and objects (YAML: sequences and mappings) open at
// once; the outermost counts as one.
inline constexpr int kMaxDepth = 64;

// At most this many bytes in one JSON or YAML text.
inline constexpr size_t kMaxBytes = size_t{16} << 20;

// YAML alias-expansion budget: the document with every alias replaced by the
// node it names holds at most this many nodes (scalars, sequences, mappings)
// and at most kMaxBytes of scalar text.
inline constexpr size_t kMaxYamlExpandedNodes = 1000000;

// Checks `text` against kMaxBytes and kMaxDepth in one pass that neither
// recurses nor builds anything: time linear in the text, memory linear in
// kMaxDepth. Syntax errors are not reported here (the caller's own parse
// reports them in its words); text is refused only for its size or depth.
// Errors: InvalidArgumentError, exactly
//   "JSON text is <N> bytes, more than the limit of 16777216 bytes"
//   "JSON nested deeper than 64 levels at offset <byte offset>"
// Callers prefix what was being read ("config: ", "task JSON: ", ...).
absl::Status CheckLimits(absl::string_view text);

}  // namespace flyteplug::sdk::json

#endif  // FLYTEPLUG_SDK_INPUT_LIMITS_H_
