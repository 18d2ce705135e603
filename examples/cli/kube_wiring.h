// `flyteplug serve`'s Kubernetes access: which API server Kubernetes-resource
// modules' objects go to (docs/connector.md, docs/kubernetes.md).
#ifndef FLYTEPLUG_EXAMPLES_CLI_KUBE_WIRING_H_
#define FLYTEPLUG_EXAMPLES_CLI_KUBE_WIRING_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "flyteplug/loader_client.h"
#include "kube_access.h"
#include "rest_client.h"
#include "rest_mapping.h"

namespace flyteplug::cli {

struct KubeFlags {
  std::string kubeconfig;    // --kubeconfig PATH
  std::string kube_context;  // --kube-context NAME
};

// The client and REST mapper behind a connector::KubeAccess.
// LIFETIME: outlives the server using access(). THREADING: thread-safe.
class KubeWiring {
 public:
  // How the connector reaches Kubernetes:
  //  - --kubeconfig and/or --kube-context: that kubeconfig (the explicit
  //    path, else $KUBECONFIG's first file, else ~/.kube/config) and
  //    context; any error is the caller's to report (bad usage).
  //  - neither, with at least one Kubernetes-resource module loaded and
  //    KUBERNETES_SERVICE_HOST set (in a pod): the in-cluster service
  //    account. If that configuration is unusable, *off_reason says why and
  //    the result is null (the server runs without Kubernetes access).
  //  - otherwise: null, with *off_reason saying why.
  static absl::StatusOr<std::unique_ptr<KubeWiring>> Create(
      const KubeFlags& flags, const LoaderClient& loader,
      std::string* off_reason);

  // LIFETIME: this object.
  const connector::KubeAccess& access() const { return access_; }

 private:
  explicit KubeWiring(std::unique_ptr<kube::RestClient> client);

  std::unique_ptr<kube::RestClient> client_;
  kube::RestMapper mapper_;
  connector::KubeAccess access_;
};

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_KUBE_WIRING_H_
