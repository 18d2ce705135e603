// Reading the CLI's --config file.
#ifndef FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_
#define FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace flyteplug::cli {

// Reads the configuration file at `path` and returns it as a JSON document
// (propeller layout; see README.md, "Configuration"). A file named *.yaml or
// *.yml is YAML, converted to JSON with the YAML 1.2 core schema's typing
// (flyteplug_config_to_json, loader.h: quoted scalars stay strings); any
// other file is JSON.
// Errors: NotFound/PermissionDenied when the file cannot be read,
// InvalidArgument for a document that is not valid or not an object (YAML
// errors carry the line and column); every message starts with the path.
// Unknown keys are not reported here: the loader reports each one once (with
// the closest known key) when it opens with this configuration.
absl::StatusOr<std::string> LoadConfigAsJson(const std::string& path);

// As above, but appends the misspelled-key warnings ("<path>: <key path>:
// unknown key, did you mean '<closest>'?") to `*warnings` instead of
// printing them.
absl::StatusOr<std::string> LoadConfigAsJson(
    const std::string& path, std::vector<std::string>* warnings);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_
