// The flyteplug CLI commands (README.md, "The flyteplug CLI"). Each returns
// the process exit code and prints its own errors (cli_util.h Fail).
#ifndef FLYTEPLUG_EXAMPLES_CLI_COMMANDS_H_
#define FLYTEPLUG_EXAMPLES_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "cli_util.h"

namespace flyteplug::cli {

// flyteplug plugins
int RunPluginsCommand(const GlobalOptions& global);

// flyteplug build --task FILE
int RunBuildCommand(const GlobalOptions& global, const std::string& task_path);

// flyteplug phase --task FILE --resource FILE
int RunPhaseCommand(const GlobalOptions& global, const std::string& task_path,
                    const std::string& resource_path);

struct RunOptions {
  std::string task_path;
  double poll_interval_seconds = 5;
  double timeout_seconds = 0;  // 0 = no timeout
  // --execution-name: the execution's name; empty gives a bare template a
  // fresh one and leaves a TaskContext's as it is.
  std::string execution_name;
};

// flyteplug run --task FILE [--poll-interval S] [--timeout S]
//               [--execution-name NAME]
int RunRunCommand(const GlobalOptions& global, const RunOptions& options);

struct ConformanceCommandOptions {
  std::vector<std::string> modules;
  int timeout_seconds_per_check = 20;
  bool in_process = false;
  std::string only_check;
};

// flyteplug conformance MODULE.so...
int RunConformanceCommand(const ConformanceCommandOptions& options);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_COMMANDS_H_
