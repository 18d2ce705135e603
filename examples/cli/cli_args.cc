#include "cli_args.h"

#include <cstdio>
#include <exception>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::cli {
namespace {

constexpr char kServeCommandHelp[] =
    "  serve [--address HOST:PORT] [--metrics-address HOST:PORT|off]\n"
    "        [--tls-cert FILE --tls-key FILE] [--grace-period S]\n"
    "        [--log-level debug|info|warning|error]\n"
    "        [--kubeconfig FILE] [--kube-context NAME]\n"
    "                                       serve the modules as a Flyte\n"
    "                                       connector (gRPC) until\n"
    "                                       SIGTERM/SIGINT; Kubernetes-\n"
    "                                       resource modules need in-cluster\n"
    "                                       access or a kubeconfig (runs\n"
    "                                       flyteplug-serve, installed next\n"
    "                                       to flyteplug)\n";

constexpr char kStrictConfigNote[] =
    "--strict-config turns every configuration warning (unknown key, module\n"
    "id not loaded) into an error (exit 2).\n";

constexpr char kModulesAndExitCodes[] =
    "Modules: the shipped directory, $FLYTEPLUG_PLUGIN_PATH (colon-"
    "separated),\n"
    "then each --plugin-dir. Exit codes: 0 ok, 1 task or remote call failed,\n"
    "2 bad usage or input (found before any remote call), 3 module load or\n"
    "ABI error.\n";

}  // namespace

bool Args::TakeValue(const std::string& flag, std::string* value,
                     bool* missing) {
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

bool ParseSeconds(const std::string& text, double* out) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !(value >= 0) || value > 1e7) {
    return false;
  }
  *out = value;
  return true;
}

bool TakeGlobalFlag(Args& args, GlobalOptions* global, std::string* error) {
  std::string value;
  bool missing = false;
  if (args.TakeValue("--plugin-dir", &value, &missing)) {
    if (missing) {
      *error = "--plugin-dir: missing value";
    } else if (value.empty()) {
      *error = "--plugin-dir: empty path";
    } else {
      global->plugin_dirs.push_back(value);
    }
    return true;
  }
  if (args.TakeValue("--config", &value, &missing)) {
    if (missing) {
      *error = "--config: missing value";
    } else if (value.empty()) {
      *error = "--config: empty path";
    } else {
      global->config_path = value;
    }
    return true;
  }
  if (args.Peek() == "--strict-config") {
    args.Next();
    global->strict_config = true;
    return true;
  }
  return false;
}

int UsageError(const std::string& usage, const std::string& message) {
  Fail(kExitUsage, message);
  std::fputs(usage.c_str(), stderr);
  return kExitUsage;
}

int RunMain(int (*main_fn)(int, char**), int argc, char** argv) {
  try {
    return main_fn(argc, argv);
  } catch (const std::exception& e) {
    return Fail(kExitLoad, absl::StrCat("internal error: ", e.what()));
  } catch (...) {
    return Fail(kExitLoad, "internal error");
  }
}

std::string CliUsage() {
  return absl::StrCat(
      "usage: flyteplug [--plugin-dir DIR]... [--config FILE] "
      "[--strict-config]\n"
      "                 COMMAND [ARGS]\n"
      "\n"
      "commands:\n"
      "  plugins                              list the loaded modules\n"
      "  build --task FILE                    print the manifest (k8s "
      "modules)\n"
      "                                       or the request (web-API "
      "modules)\n"
      "  phase --task FILE --resource FILE    map an observed resource to a\n"
      "                                       PhaseInfo (JSON)\n"
      "  run --task FILE [--poll-interval S] [--timeout S]\n"
      "      [--execution-name NAME]          run a web-API task to "
      "completion\n"
      "  conformance [--check NAME] [--check-timeout S] [--in-process]\n"
      "              MODULE.so...             run the ABI conformance "
      "suite\n",
      kServeCommandHelp, "\n", kStrictConfigNote,
      "FILE is a TaskContext or a bare TaskTemplate, JSON or binary "
      "protobuf.\n",
      kModulesAndExitCodes);
}

std::string ServeUsage() {
  return absl::StrCat(
      "usage: flyteplug [--plugin-dir DIR]... [--config FILE] "
      "[--strict-config]\n"
      "                 serve [ARGS]\n"
      "\n",
      kServeCommandHelp, "\n", kStrictConfigNote, kModulesAndExitCodes);
}

}  // namespace flyteplug::cli
