// flyteplug-serve: `flyteplug serve` as its own executable (docs/cli.md,
// "serve"). The lean `flyteplug` CLI execs it for `flyteplug serve ARGS...`
// with ARGS and the global options it was given (the word `serve` removed),
// so gRPC, prometheus-cpp, civetweb and the Kubernetes client load only
// when serving. Argument parsing only; the command is serve_command.cc.
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli_args.h"
#include "serve_command.h"

namespace flyteplug::cli {
namespace {

int Usage(const std::string& message) {
  return UsageError(ServeUsage(), message);
}

// Consumes the current argument if it is a serve flag with a valid value.
// Returns true when consumed; `*error` is then set for a missing or bad
// value. Returns false for any other argument.
bool TakeServeFlag(Args& args, ServeCommandOptions* serve, std::string* error) {
  std::string value;
  bool missing = false;
  std::string flag;
  for (const char* candidate : kServeValueFlags) {
    if (args.TakeValue(candidate, &value, &missing)) {
      flag = candidate;
      break;
    }
  }
  if (flag.empty()) return false;
  if (missing) {
    *error = absl::StrCat(flag, ": missing value");
  } else if (flag == "--address") {
    serve->address = value;
  } else if (flag == "--metrics-address") {
    serve->metrics_address = value;
  } else if (flag == "--tls-cert") {
    serve->tls_cert_path = value;
  } else if (flag == "--tls-key") {
    serve->tls_key_path = value;
  } else if (flag == "--grace-period") {
    double seconds = 0;
    if (!ParseSeconds(value, &seconds)) {
      *error = absl::StrCat("--grace-period: '", value,
                            "' is not a number of seconds");
    }
    serve->grace_period = absl::Seconds(seconds);
  } else if (flag == "--log-level") {
    if (!connector::ParseLogLevel(value, &serve->log_level)) {
      *error = absl::StrCat("--log-level: '", value,
                            "' is not debug, info, warning or error");
    }
  } else if (flag == "--kubeconfig") {
    serve->kube.kubeconfig = value;
  } else if (flag == "--kube-context") {
    serve->kube.kube_context = value;
  } else {
    *error = absl::StrCat("internal error: ", flag, " is not parsed");
  }
  return true;
}

int Main(int argc, char** argv) {
  Args args(argc, argv);
  GlobalOptions global;
  ServeCommandOptions serve;
  while (!args.Done()) {
    const std::string arg = args.Peek();
    if (arg == "-h" || arg == "--help" || arg == "help") {
      std::fputs(ServeUsage().c_str(), stdout);
      return kExitOk;
    }
    std::string error;
    if (TakeGlobalFlag(args, &global, &error) ||
        TakeServeFlag(args, &serve, &error)) {
      if (!error.empty()) return Usage(error);
    } else if (arg == "--task" || absl::StartsWith(arg, "--task=") ||
               arg == "--resource" || absl::StartsWith(arg, "--resource=")) {
      return Usage("serve: takes no --task or --resource");
    } else if (absl::StartsWith(arg, "-") && arg != "-") {
      return Usage(absl::StrCat("unknown option '", arg, "'"));
    } else {
      return Usage(absl::StrCat("serve: unexpected argument '", arg, "'"));
    }
  }
  return RunServeCommand(global, serve);
}

}  // namespace
}  // namespace flyteplug::cli

int main(int argc, char** argv) {
  return flyteplug::cli::RunMain(flyteplug::cli::Main, argc, argv);
}
