// flyteplug: the host CLI over the flyteplug loader (README.md, "The
// flyteplug CLI"). Argument parsing and dispatch only; each command lives in
// commands.cc, run_command.cc or conformance_command.cc.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "execution_name.h"

namespace flyteplug::cli {
namespace {

constexpr char kUsage[] =
    "usage: flyteplug [--plugin-dir DIR]... [--config FILE] [--strict-config]\n"
    "                 COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  plugins                              list the loaded modules\n"
    "  build --task FILE                    print the manifest (k8s modules)\n"
    "                                       or the request (web-API modules)\n"
    "  phase --task FILE --resource FILE    map an observed resource to a\n"
    "                                       PhaseInfo (JSON)\n"
    "  run --task FILE [--poll-interval S] [--timeout S]\n"
    "      [--execution-name NAME]          run a web-API task to completion\n"
    "  conformance [--check NAME] [--check-timeout S] [--in-process]\n"
    "              MODULE.so...             run the ABI conformance suite\n"
    "  serve [--address HOST:PORT] [--metrics-address HOST:PORT|off]\n"
    "        [--tls-cert FILE --tls-key FILE] [--grace-period S]\n"
    "        [--log-level debug|info|warning|error]\n"
    "        [--kubeconfig FILE] [--kube-context NAME]\n"
    "                                       serve the modules as a Flyte\n"
    "                                       connector (gRPC) until\n"
    "                                       SIGTERM/SIGINT; Kubernetes-\n"
    "                                       resource modules need in-cluster\n"
    "                                       access or a kubeconfig\n"
    "\n"
    "--strict-config turns every configuration warning (unknown key, module\n"
    "id not loaded) into an error (exit 2).\n"
    "FILE is a TaskContext or a bare TaskTemplate, JSON or binary protobuf.\n"
    "Modules: the shipped directory, $FLYTEPLUG_PLUGIN_PATH (colon-"
    "separated),\n"
    "then each --plugin-dir. Exit codes: 0 ok, 1 task or remote call failed,\n"
    "2 bad usage or input (found before any remote call), 3 module load or\n"
    "ABI error.\n";

// Splits "--flag=value" / "--flag value" style arguments.
class Args {
 public:
  Args(int argc, char** argv) : args_(argv + 1, argv + argc) {}

  bool Done() const { return pos_ >= args_.size(); }
  const std::string& Peek() const { return args_[pos_]; }
  std::string Next() { return args_[pos_++]; }

  // If the current argument is `flag` (or `flag=...`), consumes it and its
  // value into `*value`. Returns false when it is not this flag; sets
  // `*missing` when the value is absent.
  bool TakeValue(const std::string& flag, std::string* value, bool* missing) {
    const std::string& arg = args_[pos_];
    if (arg == flag) {
      ++pos_;
      if (pos_ >= args_.size()) {
        *missing = true;
        return true;
      }
      *value = args_[pos_++];
      return true;
    }
    if (absl::StartsWith(arg, flag + "=")) {
      *value = arg.substr(flag.size() + 1);
      ++pos_;
      return true;
    }
    return false;
  }

 private:
  std::vector<std::string> args_;
  size_t pos_ = 0;
};

int Usage(const std::string& message) {
  Fail(kExitUsage, message);
  std::fputs(kUsage, stderr);
  return kExitUsage;
}

bool ParseSeconds(const std::string& text, double* out) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !(value >= 0) || value > 1e7) {
    return false;
  }
  *out = value;
  return true;
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
  ServeCommandOptions serve;
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
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (args.TakeValue("--plugin-dir", &value, &missing)) {
      if (missing) return missing_value("--plugin-dir");
      if (value.empty()) return Usage("--plugin-dir: empty path");
      global.plugin_dirs.push_back(value);
    } else if (args.TakeValue("--config", &value, &missing)) {
      if (missing) return missing_value("--config");
      if (value.empty()) return Usage("--config: empty path");
      global.config_path = value;
    } else if (arg == "--strict-config") {
      args.Next();
      global.strict_config = true;
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
    } else if (args.TakeValue("--address", &value, &missing)) {
      if (missing) return missing_value("--address");
      serve.address = value;
      serve_flags = true;
    } else if (args.TakeValue("--metrics-address", &value, &missing)) {
      if (missing) return missing_value("--metrics-address");
      serve.metrics_address = value;
      serve_flags = true;
    } else if (args.TakeValue("--tls-cert", &value, &missing)) {
      if (missing) return missing_value("--tls-cert");
      serve.tls_cert_path = value;
      serve_flags = true;
    } else if (args.TakeValue("--tls-key", &value, &missing)) {
      if (missing) return missing_value("--tls-key");
      serve.tls_key_path = value;
      serve_flags = true;
    } else if (args.TakeValue("--grace-period", &value, &missing)) {
      if (missing) return missing_value("--grace-period");
      double seconds = 0;
      if (!ParseSeconds(value, &seconds)) {
        return Usage(absl::StrCat("--grace-period: '", value,
                                  "' is not a number of seconds"));
      }
      serve.grace_period = absl::Seconds(seconds);
      serve_flags = true;
    } else if (args.TakeValue("--kubeconfig", &value, &missing)) {
      if (missing) return missing_value("--kubeconfig");
      serve.kube.kubeconfig = value;
      serve_flags = true;
    } else if (args.TakeValue("--kube-context", &value, &missing)) {
      if (missing) return missing_value("--kube-context");
      serve.kube.kube_context = value;
      serve_flags = true;
    } else if (args.TakeValue("--log-level", &value, &missing)) {
      if (missing) return missing_value("--log-level");
      if (!connector::ParseLogLevel(value, &serve.log_level)) {
        return Usage(absl::StrCat("--log-level: '", value,
                                  "' is not debug, info, warning or error"));
      }
      serve_flags = true;
    } else if (arg == "--in-process") {
      args.Next();
      conformance.in_process = true;
    } else if (absl::StartsWith(arg, "-") && arg != "-") {
      return Usage(absl::StrCat("unknown option '", arg, "'"));
    } else if (command.empty()) {
      command = args.Next();
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
  if (command != "serve" && serve_flags) {
    return Usage(absl::StrCat(command,
                              ": --address, --metrics-address, --tls-cert, "
                              "--tls-key, --grace-period and --log-level "
                              "belong to 'serve'"));
  }
  if (command == "serve") {
    if (!no_positional()) {
      return Usage(absl::StrCat("serve: unexpected argument '",
                                positional.front(), "'"));
    }
    if (!task_path.empty() || !resource_path.empty()) {
      return Usage("serve: takes no --task or --resource");
    }
    return RunServeCommand(global, serve);
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
  try {
    return flyteplug::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    return flyteplug::cli::Fail(flyteplug::cli::kExitLoad,
                                absl::StrCat("internal error: ", e.what()));
  } catch (...) {
    return flyteplug::cli::Fail(flyteplug::cli::kExitLoad, "internal error");
  }
}
