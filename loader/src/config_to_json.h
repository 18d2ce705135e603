// The configuration document, JSON or YAML, as checked JSON: the logic
// behind flyteplug_config_to_json (loader.h).
#ifndef FLYTEPLUG_LOADER_SRC_CONFIG_TO_JSON_H_
#define FLYTEPLUG_LOADER_SRC_CONFIG_TO_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::loader {

// How ConfigToJson reads its input (the values of loader.h's
// FLYTEPLUG_CONFIG_FORMAT_*).
enum class ConfigFormat {
  kAuto = 0,  // JSON if the first non-space byte is '{', else YAML
  kJson = 1,
  kYaml = 2,
};

// Returns `config` as a JSON object (propeller layout). JSON input is checked
// and returned byte for byte; YAML input is converted by YamlToJson
// (yaml_to_json.h). Errors are InvalidArgument and every message starts with
// `source_name`: "<source>:<line>:<column>: ..." for YAML errors with a
// position, "<source>: invalid JSON at offset N: ...", "<source>: the
// configuration must be a JSON object" (or "a YAML mapping").
// On success, each host-owned key that looks misspelled (config_keys.h)
// appends one message "<key path>: unknown key, did you mean '<closest>'?"
// to `*warnings` (if not null). Pure function; thread-safe.
absl::StatusOr<std::string> ConfigToJson(absl::string_view config,
                                         ConfigFormat format,
                                         absl::string_view source_name,
                                         std::vector<std::string>* warnings);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_CONFIG_TO_JSON_H_
