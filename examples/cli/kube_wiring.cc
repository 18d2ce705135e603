#include "kube_wiring.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cluster_config.h"

namespace flyteplug::cli {
namespace {

bool ServesKubernetesResources(const LoaderClient& loader) {
  for (const LoaderClient::ModuleInfo& module : loader.Modules()) {
    if (module.family == FLYTEPLUG_FAMILY_K8S_RESOURCE &&
        !module.task_types.empty()) {
      return true;
    }
  }
  return false;
}

}  // namespace

KubeWiring::KubeWiring(std::unique_ptr<kube::RestClient> client)
    : client_(std::move(client)), mapper_(client_.get()) {
  access_.api = client_.get();
  access_.resolve = [this](absl::string_view api_version,
                           absl::string_view kind,
                           absl::string_view namespace_name,
                           absl::string_view name,
                           const kube::CallControl& control) {
    return mapper_.Resolve(api_version, kind, namespace_name, name, control);
  };
}

absl::StatusOr<std::unique_ptr<KubeWiring>> KubeWiring::Create(
    const KubeFlags& flags, const LoaderClient& loader,
    std::string* off_reason) {
  const bool explicit_config =
      !flags.kubeconfig.empty() || !flags.kube_context.empty();
  if (!explicit_config) {
    if (!ServesKubernetesResources(loader)) {
      *off_reason = "no Kubernetes-resource module is loaded";
      return nullptr;
    }
    if (std::getenv("KUBERNETES_SERVICE_HOST") == nullptr) {
      *off_reason =
          "not in a pod (KUBERNETES_SERVICE_HOST unset) and no --kubeconfig";
      return nullptr;
    }
  }
  kube::ClusterConfigOptions options;
  options.kubeconfig = flags.kubeconfig;
  options.context = flags.kube_context;
  absl::StatusOr<kube::ClusterConfig> config =
      kube::ResolveClusterConfig(options);
  absl::StatusOr<std::unique_ptr<kube::RestClient>> client =
      config.ok()
          ? kube::RestClient::Create(*std::move(config))
          : absl::StatusOr<std::unique_ptr<kube::RestClient>>(config.status());
  if (!client.ok()) {
    if (explicit_config) return client.status();
    *off_reason = absl::StrCat("the in-cluster configuration is unusable: ",
                               client.status().message());
    return nullptr;
  }
  return std::unique_ptr<KubeWiring>(new KubeWiring(*std::move(client)));
}

}  // namespace flyteplug::cli
