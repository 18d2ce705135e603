// flyteplug: the host CLI over the flyteplug loader (docs/cli.md). Argument
// parsing and dispatch only; each command lives in commands.cc,
// run_command.cc or conformance_command.cc, and `serve` is the separate
// flyteplug-serve executable (serve_exec.h).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli_args.h"
#include "commands.h"
#include "execution_name.h"
#include "serve_exec.h"

namespace flyteplug::cli {
namespace {

int Usage(const std::string& message) {
  return UsageError(CliUsage(), message);
}

// Consumes the current argument if it is one of serve's flags (with its
// value, unread: flyteplug-serve parses it). `*missing` is set when the
// value is absent.
bool TakeServeFlag(Args& args, std::string* flag, bool* missing) {
  std::string value;
  for (const char* candidate : kServeValueFlags) {
    if (args.TakeValue(candidate, &value, missing)) {
      *flag = candidate;
      return true;
    }
  }
  return false;
}

int Main(int argc, char** argv) {
  Args args(argc, argv);
  GlobalOptions global;
  std::string command;
  std::vector<std::string> positional;
  std::string task_path;
  std::string resource_path;
  RunOptions run;
  ConformanceCommandOptions conformance;
  bool serve_flags = false;
  bool saw_poll = false;
  bool saw_timeout = false;
  bool saw_execution_name = false;

  while (!args.Done()) {
    std::string value;
    bool missing = false;
    const std::string arg = args.Peek();
    auto missing_value = [&](const std::string& flag) {
      return Usage(absl::StrCat(flag, ": missing value"));
    };
    if (arg == "-h" || arg == "--help" || arg == "help") {
      std::fputs(CliUsage().c_str(), stdout);
      return kExitOk;
    }
    std::string error;
    if (TakeGlobalFlag(args, &global, &error)) {
      if (!error.empty()) return Usage(error);
    } else if (args.TakeValue("--task", &value, &missing)) {
      if (missing) return missing_value("--task");
      task_path = value;
    } else if (args.TakeValue("--resource", &value, &missing)) {
      if (missing) return missing_value("--resource");
      resource_path = value;
    } else if (args.TakeValue("--poll-interval", &value, &missing)) {
      if (missing) return missing_value("--poll-interval");
      if (!ParseSeconds(value, &run.poll_interval_seconds) ||
          run.poll_interval_seconds <= 0) {
        return Usage(absl::StrCat("--poll-interval: '", value,
                                  "' is not a positive number of seconds"));
      }
      saw_poll = true;
    } else if (args.TakeValue("--execution-name", &value, &missing)) {
      if (missing) return missing_value("--execution-name");
      if (absl::Status s = ValidateExecutionName(value); !s.ok()) {
        return Usage(std::string(s.message()));
      }
      run.execution_name = value;
      saw_execution_name = true;
    } else if (args.TakeValue("--timeout", &value, &missing)) {
      if (missing) return missing_value("--timeout");
      if (!ParseSeconds(value, &run.timeout_seconds)) {
        return Usage(absl::StrCat("--timeout: '", value,
                                  "' is not a number of seconds"));
      }
      saw_timeout = true;
    } else if (args.TakeValue("--check", &value, &missing)) {
      if (missing) return missing_value("--check");
      conformance.only_check = value;
    } else if (args.TakeValue("--check-timeout", &value, &missing)) {
      if (missing) return missing_value("--check-timeout");
      double seconds = 0;
      if (!ParseSeconds(value, &seconds) || seconds < 1) {
        return Usage(absl::StrCat("--check-timeout: '", value,
                                  "' is not a number of seconds >= 1"));
      }
      conformance.timeout_seconds_per_check = static_cast<int>(seconds);
    } else if (std::string flag; TakeServeFlag(args, &flag, &missing)) {
      if (missing) return missing_value(flag);
      serve_flags = true;
    } else if (arg == "--in-process") {
      args.Next();
      conformance.in_process = true;
    } else if (absl::StartsWith(arg, "-") && arg != "-") {
      return Usage(absl::StrCat("unknown option '", arg, "'"));
    } else if (command.empty()) {
      const size_t command_index = args.ArgvIndex();
      command = args.Next();
      // Everything else, --help included, is flyteplug-serve's to read.
      if (command == "serve") return ExecServe(argc, argv, command_index);
    } else {
      positional.push_back(args.Next());
    }
  }

  if (command.empty()) return Usage("missing COMMAND");
  auto no_positional = [&]() -> bool { return positional.empty(); };
  auto need_task = [&]() -> bool { return !task_path.empty(); };
  bool run_flags = saw_poll || saw_timeout || saw_execution_name;
  bool conformance_flags = conformance.in_process ||
                           !conformance.only_check.empty() ||
                           conformance.timeout_seconds_per_check != 20;

  if (command != "conformance" && conformance_flags) {
    return Usage(absl::StrCat(command,
                              ": --check, --check-timeout and --in-process "
                              "belong to 'conformance'"));
  }
  if (command != "run" && run_flags) {
    return Usage(absl::StrCat(
        command,
        ": --poll-interval, --timeout and --execution-name belong to 'run'"));
  }
  if (serve_flags) {
    return Usage(absl::StrCat(command,
                              ": --address, --metrics-address, --tls-cert, "
                              "--tls-key, --grace-period and --log-level "
                              "belong to 'serve'"));
  }
  if (command == "plugins") {
    if (!no_positional()) {
      return Usage(absl::StrCat("plugins: unexpected argument '",
                                positional.front(), "'"));
    }
    if (!task_path.empty() || !resource_path.empty()) {
      return Usage("plugins: takes no --task or --resource");
    }
    return RunPluginsCommand(global);
  }
  if (command == "build" || command == "phase" || command == "run") {
    if (!no_positional()) {
      return Usage(absl::StrCat(command, ": unexpected argument '",
                                positional.front(), "'"));
    }
    if (!need_task())
      return Usage(absl::StrCat(command, ": --task is required"));
    if (command == "phase") {
      if (resource_path.empty()) {
        return Usage("phase: --resource is required");
      }
      return RunPhaseCommand(global, task_path, resource_path);
    }
    if (!resource_path.empty()) {
      return Usage(absl::StrCat(command, ": --resource belongs to 'phase'"));
    }
    if (command == "build") return RunBuildCommand(global, task_path);
    run.task_path = task_path;
    return RunRunCommand(global, run);
  }
  if (command == "conformance") {
    if (!task_path.empty() || !resource_path.empty()) {
      return Usage("conformance: takes MODULE.so files, not --task/--resource");
    }
    conformance.modules = positional;
    return RunConformanceCommand(conformance);
  }
  return Usage(absl::StrCat("unknown command '", command, "'"));
}

}  // namespace
}  // namespace flyteplug::cli

int main(int argc, char** argv) {
  return flyteplug::cli::RunMain(flyteplug::cli::Main, argc, argv);
}
