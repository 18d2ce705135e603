// `flyteplug serve` in the lean CLI: replaces this process with
// flyteplug-serve (docs/cli.md, "serve").
#ifndef FLYTEPLUG_EXAMPLES_CLI_SERVE_EXEC_H_
#define FLYTEPLUG_EXAMPLES_CLI_SERVE_EXEC_H_

#include <cstddef>

namespace flyteplug::cli {

// execv()s kServeExecutableName from the directory of this executable
// (/proc/self/exe, never $PATH) with argv[1..argc) minus argv[command_index]
// (the word `serve`), so the server keeps this process's id, signal
// dispositions, environment and standard streams. Returns only on failure,
// after printing why (naming the path that was tried): kExitLoad.
// REQUIRES: 0 < command_index < argc.
int ExecServe(int argc, char** argv, size_t command_index);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_SERVE_EXEC_H_
