// Converting a YAML configuration document to JSON, for
// flyteplug_config_to_json (loader.h).
#ifndef FLYTEPLUG_LOADER_SRC_YAML_TO_JSON_H_
#define FLYTEPLUG_LOADER_SRC_YAML_TO_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::loader {

// Converts one YAML document to compact JSON, typing scalars by the YAML 1.2
// core schema, as Flyte's Go configuration loader (yaml.v2/v3) does:
//  - quoted ('...' or "...") and block (| or >) scalars are strings;
//  - plain `null`, `Null`, `NULL`, `~` and the empty scalar are null;
//  - plain `true|True|TRUE|false|False|FALSE` are booleans;
//  - plain decimal, 0o-octal and 0x-hex integers are integers (out of the
//    int64/uint64 range: an error);
//  - plain decimals with a fraction or exponent are numbers; .inf and .nan
//    have no JSON form and are an error;
//  - everything else (e.g. `yes`, `1Gi`, `0.5.1`) is a string;
//  - explicit tags !!str, !!int, !!float, !!bool, !!null are honoured.
// Mapping keys become strings; a duplicate key is an error. Anchors and
// aliases are resolved. An empty document yields "{}". The text is first
// held to the input limits by CheckYamlBudget (yaml_budget.h): size, depth
// and the alias-expansion budget, with its exact errors.
// Errors are InvalidArgument, prefixed with `source_name` and, for syntax
// errors, the line and column (1-based): "cfg.yaml:3:5: ...".
// Pure function; thread-safe.
absl::StatusOr<std::string> YamlToJson(absl::string_view yaml,
                                       absl::string_view source_name);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_YAML_TO_JSON_H_
