// `flyteplug serve`: the connector protocol's gRPC server with health,
// reflection and Prometheus metrics, over an open loader (docs/connector.md).
#ifndef FLYTEPLUG_CONNECTOR_SERVER_H_
#define FLYTEPLUG_CONNECTOR_SERVER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "flyteplug/loader_client.h"
#include "kube_access.h"
#include "request_log.h"

namespace flyteplug::connector {

struct ServerOptions {
  // HOST:PORT ([HOST]:PORT for IPv6); port 0 picks a free port.
  std::string address = "0.0.0.0:8000";
  // HOST:PORT of the /metrics endpoint, or "off".
  std::string metrics_address = "0.0.0.0:9090";
  // PEM contents (certificate chain, private key); both set for TLS, both
  // empty for plaintext. Secret: never logged.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // How long in-flight requests may take to finish after SIGTERM/SIGINT
  // before gRPC cancels them.
  absl::Duration grace_period = absl::Seconds(20);
  // The most threads answering requests at once (each module call holds
  // one for its duration).
  int max_threads = 256;
  LogLevel log_level = LogLevel::kInfo;
  // Kubernetes access for Kubernetes-resource modules (spark, the batch/v1
  // Job example): the API client and the REST mapping of a manifest's
  // apiVersion/kind. Both unset (the default): those task types are refused
  // with NOT_FOUND and are not announced. LIFETIME: `kube.api` outlives
  // Serve.
  KubeAccess kube;
};

// Blocks SIGTERM and SIGINT in the calling thread, so that every thread
// started afterwards (gRPC's, the metrics server's, modules') inherits the
// mask and Serve receives them with sigwait. Call before any thread starts.
void BlockShutdownSignals();

// Binds both listeners, calls `announce` once per bound listener with
// "grpc listening on HOST:PORT" / "metrics listening on HOST:PORT" (the
// actual port), and serves until SIGTERM or SIGINT (REQUIRES:
// BlockShutdownSignals ran first). Then it reports NOT_SERVING on health,
// stops accepting, lets in-flight requests finish within the grace period
// and returns OK. Errors (before serving): INVALID_ARGUMENT for a bad
// address or only one of the TLS PEMs, UNAVAILABLE when a listener cannot be
// bound. LIFETIME: `loader` outlives the call.
absl::Status Serve(const LoaderClient& loader, const ServerOptions& options,
                   const std::function<void(absl::string_view)>& announce);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_SERVER_H_
