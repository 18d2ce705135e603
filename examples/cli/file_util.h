// Small file helpers for the CLI.
#ifndef FLYTEPLUG_EXAMPLES_CLI_FILE_UTIL_H_
#define FLYTEPLUG_EXAMPLES_CLI_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"

namespace flyteplug::cli {

// Reads a whole regular file ("-" reads stdin). At most 64 MiB. Errors name
// the path: NotFound, PermissionDenied, InvalidArgument (a directory, too
// large).
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_FILE_UTIL_H_
