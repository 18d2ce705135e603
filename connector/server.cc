#include "server.h"

#include <signal.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent_services.h"
#include "connector_metrics.h"
#include "flyteidl/service/agent.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "listen_address.h"
#include "prometheus/exposer.h"

namespace flyteplug::connector {
namespace {

constexpr int kMaxMessageBytes = 64 << 20;

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_pem.empty() && options.tls_key_pem.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_pem.empty() || options.tls_key_pem.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both a certificate and a private key");
  }
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({options.tls_key_pem, options.tls_cert_pem});
  return grpc::SslServerCredentials(ssl);
}

// The /metrics endpoint, bound and announced; null when "off".
struct MetricsEndpoint {
  std::unique_ptr<prometheus::Exposer> exposer;
  std::string address;  // HOST:PORT bound, or "off"
};

absl::StatusOr<MetricsEndpoint> StartMetrics(
    const ServerOptions& options, ConnectorMetrics& metrics,
    const std::function<void(absl::string_view)>& announce) {
  if (options.metrics_address == "off") return MetricsEndpoint{nullptr, "off"};
  absl::StatusOr<ListenAddress> address =
      ParseListenAddress("--metrics-address", options.metrics_address);
  if (!address.ok()) return address.status();
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(
        FormatListenAddress(address->host, address->port), 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("--metrics-address: cannot listen on ",
                     options.metrics_address, ": ", e.what()));
  }
  exposer->RegisterCollectable(metrics.registry());
  std::vector<int> ports = exposer->GetListeningPorts();
  std::string bound = FormatListenAddress(
      address->host, ports.empty() ? address->port : ports.front());
  announce(absl::StrCat("metrics listening on ", bound));
  return MetricsEndpoint{std::move(exposer), std::move(bound)};
}

void MarkServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  if (!serving) {
    health->Shutdown();  // every service NOT_SERVING from now on
    return;
  }
  health->SetServingStatus(true);
  for (const char* service : {"flyteidl.service.AsyncAgentService",
                              "flyteidl.service.AgentMetadataService"}) {
    health->SetServingStatus(service, true);
  }
}

// Server reflection describes a service from the generated descriptor pool.
// flyteidl/service/agent.pb.cc holds nothing but the services' file
// descriptor, so no code references it and a static link would drop it:
// reflection could then list the services but not describe them. Taking the
// address of its descriptor table keeps the object, and with it the static
// initializer that registers the file.
void KeepServiceDescriptors() {
  const void* volatile table =
      &descriptor_table_flyteidl_2fservice_2fagent_2eproto;
  (void)table;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::Status Serve(const LoaderClient& loader, const ServerOptions& options,
                   const std::function<void(absl::string_view)>& announce) {
  absl::StatusOr<ListenAddress> address =
      ParseListenAddress("--address", options.address);
  if (!address.ok()) return address.status();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();

  RequestLog log(options.log_level);
  ConnectorMetrics metrics(std::make_shared<prometheus::Registry>());
  ServiceDeps deps{&loader, &metrics, &log, &options.kube};
  AsyncAgentServiceImpl async_service(deps);
  AgentMetadataServiceImpl metadata_service(deps);

  grpc::EnableDefaultHealthCheckService(true);
  KeepServiceDescriptors();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(FormatListenAddress(address->host, address->port),
                           *credentials, &bound_port);
  grpc::ResourceQuota quota("flyteplug-connector");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.RegisterService(&async_service);
  builder.RegisterService(&metadata_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--address: cannot listen on ", options.address));
  }
  MarkServing(*server, true);
  announce(absl::StrCat("grpc listening on ",
                        FormatListenAddress(address->host, bound_port)));

  absl::StatusOr<MetricsEndpoint> metrics_endpoint =
      StartMetrics(options, metrics, announce);
  if (!metrics_endpoint.ok()) {
    server->Shutdown();
    server->Wait();
    return metrics_endpoint.status();
  }
  log.Write(
      LogLevel::kInfo,
      {{"grpc", FormatListenAddress(address->host, bound_port)},
       {"metrics", metrics_endpoint->address},
       {"tls", options.tls_cert_pem.empty() ? "off" : "on"},
       {"kubernetes", options.kube.enabled() ? options.kube.api->cluster_name()
                                             : std::string("off")}},
      "serving");

  sigset_t signals = ShutdownSignals();
  int signal_number = 0;
  while (sigwait(&signals, &signal_number) != 0) {
  }
  log.Write(LogLevel::kInfo,
            {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
             {"grace_period", absl::FormatDuration(options.grace_period)}},
            "shutting down: no new requests; finishing those in flight");
  MarkServing(*server, false);
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoSeconds(options.grace_period) +
                   std::chrono::milliseconds(absl::ToInt64Milliseconds(
                       options.grace_period % absl::Seconds(1))));
  server->Wait();
  log.Write(LogLevel::kInfo, {}, "stopped");
  return absl::OkStatus();
}

}  // namespace flyteplug::connector
