// Where and how to reach a Kubernetes API server: in-cluster service-account
// configuration or a kubeconfig file (docs/kubernetes.md).
#ifndef FLYTEPLUG_KUBE_CLUSTER_CONFIG_H_
#define FLYTEPLUG_KUBE_CLUSTER_CONFIG_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace flyteplug::kube {

// The default service-account directory of a pod.
inline constexpr char kServiceAccountDir[] =
    "/var/run/secrets/kubernetes.io/serviceaccount";

// A bearer token: fixed (kubeconfig `token`), or a file re-read when it may
// have changed (in-cluster and kubeconfig `tokenFile`: bound service-account
// tokens rotate about hourly).
// THREADING: thread-safe.
class TokenSource {
 public:
  static std::shared_ptr<TokenSource> Fixed(std::string token);
  // Reads `path` now (errors name it) and again at most every `refresh`, or
  // on the first Get after Invalidate().
  static absl::StatusOr<std::shared_ptr<TokenSource>> FromFile(
      std::string path, absl::Duration refresh = absl::Minutes(1));

  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // The current token (surrounding whitespace removed). For a file source
  // whose re-read fails, the last good token is kept (and returned).
  std::string Get();
  // The server refused the token (401): the next Get re-reads the file.
  // Returns true when a re-read could give a different token (a file).
  bool Invalidate();

 private:
  TokenSource(std::string token, std::string path, absl::Duration refresh);
  absl::Status Reload() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;  // empty: fixed
  const absl::Duration refresh_;
  std::mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time read_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// One API server and the credentials for it. Holds secrets (token, client
// key): never log it.
struct ClusterConfig {
  std::string cluster_name;  // kubeconfig cluster name, or "in-cluster"
  std::string server;        // "https://10.0.0.1:443", no trailing '/'
  // The context's (or service account's) namespace; "default" when none.
  std::string default_namespace = "default";
  std::string ca_pem;  // trusted CAs in PEM; empty: the system's
  bool insecure_skip_tls_verify = false;
  std::string client_cert_pem;         // with client_key_pem, or both empty
  std::string client_key_pem;          // a secret
  std::shared_ptr<TokenSource> token;  // null: no bearer token
  std::string
      source;  // where it came from, for messages ("in-cluster", a path)
};

// Environment lookup (nullptr when unset); tests substitute their own.
using GetEnvFn = std::function<const char*(const char*)>;

// In-cluster: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (an
// IPv6 host bracketed), the token, ca.crt and namespace files of
// `service_account_dir`. FAILED_PRECONDITION naming what is missing.
absl::StatusOr<ClusterConfig> LoadInClusterConfig(
    absl::string_view service_account_dir = kServiceAccountDir,
    const GetEnvFn& getenv = nullptr);

// Parses kubeconfig `yaml` read from `path` (relative file names resolve
// against its directory) and selects `context` (empty: current-context).
// Supported: cluster `server`, `certificate-authority-data`,
// `certificate-authority`, `insecure-skip-tls-verify`; user `token`,
// `tokenFile`, `client-certificate(-data)`, `client-key(-data)`; context
// `namespace`. Users with `exec`, `auth-provider` or `username`/`password`
// are refused as unsupported. YAML is held to the project's input limits.
// Errors are INVALID_ARGUMENT or FAILED_PRECONDITION naming `path` and the
// key path ("contexts[name=prod].context.cluster").
absl::StatusOr<ClusterConfig> ParseKubeconfig(absl::string_view yaml,
                                              absl::string_view path,
                                              absl::string_view context);

// Reads the file at `path` and parses it as ParseKubeconfig does.
absl::StatusOr<ClusterConfig> LoadKubeconfig(absl::string_view path,
                                             absl::string_view context);

struct ClusterConfigOptions {
  std::string kubeconfig;  // explicit path (serve --kubeconfig)
  std::string context;     // explicit context (serve --kube-context)
  std::string service_account_dir = kServiceAccountDir;
  GetEnvFn getenv;  // empty: std::getenv
};

// The configuration to use: the kubeconfig at options.kubeconfig when given;
// else in-cluster when KUBERNETES_SERVICE_HOST is set (and no context was
// asked for); else the first file of $KUBECONFIG (a colon-separated list:
// only its first entry is read), else $HOME/.kube/config.
absl::StatusOr<ClusterConfig> ResolveClusterConfig(
    const ClusterConfigOptions& options);

// OK unless `config` would send a bearer token over plain http:// to a host
// other than loopback (localhost, 127.0.0.0/8, [::1]): then
// FAILED_PRECONDITION. Also refuses a server URL that is not http(s)://host.
absl::Status CheckServerTransport(const ClusterConfig& config);

}  // namespace flyteplug::kube

#endif  // FLYTEPLUG_KUBE_CLUSTER_CONFIG_H_
