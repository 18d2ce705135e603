// Reading the CLI's --config file.
#ifndef FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_
#define FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace flyteplug::cli {

// The --config file as the loader takes it (LoaderClient::Options::
// config_document): its bytes and format (FLYTEPLUG_CONFIG_FORMAT_YAML for
// *.yaml and *.yml, else FLYTEPLUG_CONFIG_FORMAT_JSON). The loader then names
// the file, and the line for YAML, in its errors and warnings.
struct ConfigDocument {
  std::string content;
  int32_t format = 0;
};

// Reads the file at `path`. Errors: NotFound/PermissionDenied naming it.
absl::StatusOr<ConfigDocument> ReadConfigDocument(const std::string& path);

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
