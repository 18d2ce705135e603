// Reading the CLI's --config file.
#ifndef FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_
#define FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_

#include <string>

#include "absl/status/statusor.h"

namespace flyteplug::cli {

// Reads the configuration file at `path` and returns it as a JSON document
// (propeller layout; see README.md, "Configuration"). Today the file must be
// JSON. Errors: NotFound/PermissionDenied when the file cannot be read,
// InvalidArgument for a document that is not a JSON object; every message
// starts with the path.
absl::StatusOr<std::string> LoadConfigAsJson(const std::string& path);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_CONFIG_FILE_H_
