// `flyteplug serve`, the connector server (docs/connector.md): its options
// and the command. Built only into flyteplug-serve (serve_main.cc), never
// into the lean `flyteplug` CLI, which execs flyteplug-serve instead.
#ifndef FLYTEPLUG_EXAMPLES_CLI_SERVE_COMMAND_H_
#define FLYTEPLUG_EXAMPLES_CLI_SERVE_COMMAND_H_

#include <string>

#include "absl/time/time.h"
#include "cli_util.h"
#include "kube_wiring.h"
#include "request_log.h"

namespace flyteplug::cli {

struct ServeCommandOptions {
  std::string address = "0.0.0.0:8000";
  std::string metrics_address = "0.0.0.0:9090";  // or "off"
  std::string tls_cert_path;
  std::string tls_key_path;
  absl::Duration grace_period = absl::Seconds(20);
  connector::LogLevel log_level = connector::LogLevel::kInfo;
  KubeFlags kube;  // --kubeconfig, --kube-context
};

// flyteplug serve [--address HOST:PORT] [--metrics-address HOST:PORT|off]
//   [--tls-cert FILE --tls-key FILE] [--grace-period S] [--log-level LEVEL]
//   [--kubeconfig FILE] [--kube-context NAME]
// Serves until SIGTERM/SIGINT, then exits 0.
int RunServeCommand(const GlobalOptions& global,
                    const ServeCommandOptions& options);

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_SERVE_COMMAND_H_
