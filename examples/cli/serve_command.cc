// flyteplug serve (docs/cli.md, docs/connector.md): the connector server.
#include "serve_command.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "file_util.h"
#include "flyteplug/net/http_client.h"
#include "kube_wiring.h"
#include "server.h"

namespace flyteplug::cli {

int RunServeCommand(const GlobalOptions& global,
                    const ServeCommandOptions& options) {
  // Before any thread exists (the loader's modules may start some).
  connector::BlockShutdownSignals();
  // Also before: libcurl's process-wide state (OpenSSL), shared with the
  // modules' HTTP clients, which would otherwise build it on the first
  // request's thread.
  if (absl::Status curl = net::InitializeLibcurl(); !curl.ok()) {
    return Fail(kExitLoad, absl::StrCat("serve: ", curl.message()));
  }
  connector::ServerOptions server;
  server.address = options.address;
  server.metrics_address = options.metrics_address;
  server.grace_period = options.grace_period;
  server.log_level = options.log_level;
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return Fail(kExitUsage, "serve: --tls-cert and --tls-key go together");
  }
  if (!options.tls_cert_path.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(options.tls_cert_path);
    if (!cert.ok()) {
      return Fail(kExitUsage,
                  absl::StrCat("--tls-cert: ", cert.status().message()));
    }
    absl::StatusOr<std::string> key = ReadFile(options.tls_key_path);
    if (!key.ok()) {
      return Fail(kExitUsage,
                  absl::StrCat("--tls-key: ", key.status().message()));
    }
    server.tls_cert_pem = *std::move(cert);
    server.tls_key_pem = *std::move(key);
  }
  int exit_code = kExitOk;
  absl::StatusOr<LoaderClient> client = OpenLoader(global, &exit_code);
  if (!client.ok()) return exit_code;
  std::string kube_off_reason;
  absl::StatusOr<std::unique_ptr<KubeWiring>> kube =
      KubeWiring::Create(options.kube, *client, &kube_off_reason);
  if (!kube.ok()) {
    return Fail(kExitUsage, absl::StrCat("serve: Kubernetes access: ",
                                         kube.status().message()));
  }
  if (*kube != nullptr) {
    server.kube = (*kube)->access();
  } else {
    // stderr: stdout carries only the listening lines (docs/cli.md).
    std::fprintf(stderr,
                 "flyteplug: kubernetes off: %s (Kubernetes-resource task "
                 "types are refused)\n",
                 kube_off_reason.c_str());
  }
  absl::Status served = connector::Serve(
      *client, server, [](absl::string_view line) { PrintStdout(line); });
  if (!served.ok()) {
    return Fail(absl::IsInvalidArgument(served) ? kExitUsage : kExitTaskFailed,
                absl::StrCat("serve: ", served.message()));
  }
  return kExitOk;
}

}  // namespace flyteplug::cli
