// Shared pieces of the flyteplug CLI: global options, exit codes, output.
#ifndef FLYTEPLUG_EXAMPLES_CLI_CLI_UTIL_H_
#define FLYTEPLUG_EXAMPLES_CLI_CLI_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::cli {

// Exit codes of the CLI contract (docs/cli.md, "Exit codes"): 2 only for
// what is found wrong locally before anything remote happens; once a remote
// call (create, get, cancel) is under way every failure is 1.
inline constexpr int kExitOk = 0;
inline constexpr int kExitTaskFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLoad = 3;

struct GlobalOptions {
  std::vector<std::string> plugin_dirs;  // --plugin-dir, in order
  std::string config_path;               // --config, empty = none
  bool strict_config = false;            // --strict-config
};

// Prints "flyteplug: <message>" as one line on stderr; returns `exit_code`.
int Fail(int exit_code, absl::string_view message);

// Opens the loader with the shipped modules, $FLYTEPLUG_PLUGIN_PATH, the
// --plugin-dir entries and the --config file (handed to the loader as
// written, so its warnings name the file and, for YAML, the line; with
// --strict-config every configuration warning fails). On failure prints the
// error and stores the exit code (2 for bad configuration or a missing path, 3
// for module load or ABI errors) in `*exit_code`.
absl::StatusOr<LoaderClient> OpenLoader(const GlobalOptions& options,
                                        int* exit_code);

// Exit code for an error returned by a routed call that does no I/O (build,
// phase, render, status): 3 for ABI codes, 2 for bad input (InvalidArgument,
// NotFound, FailedPrecondition), else 1.
int ExitCodeForCallError(const absl::Status& status);

// Exit code for an error returned by a remote call (create, get, delete): 3
// for ABI codes, else 1 whatever the code (an HTTP 400 answer is as much a
// failed operation as a 403 or a 500).
int ExitCodeForRemoteCallError(const absl::Status& status);

// Re-indents JSON for humans (2 spaces); returns the input unchanged if it is
// not valid JSON.
std::string PrettyJson(absl::string_view json);

// Writes `text` and a newline to stdout and flushes.
void PrintStdout(absl::string_view text);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_CLI_UTIL_H_
