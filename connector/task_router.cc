#include "task_router.h"

#include "absl/strings/str_cat.h"

namespace flyteplug::connector {

TaskRouter::TaskRouter(const LoaderClient& loader, bool serve_k8s_resources)
    : loader_(loader),
      modules_(loader.Modules()),
      serve_k8s_resources_(serve_k8s_resources) {}

absl::StatusOr<const LoaderClient::ModuleInfo*> TaskRouter::Route(
    const std::string& task_type) const {
  const std::string not_found =
      absl::StrCat("Cannot find connector for task type: ", task_type, ".");
  absl::StatusOr<uint32_t> index = loader_.Resolve(task_type);
  if (!index.ok() || *index >= modules_.size()) {
    return absl::NotFoundError(not_found);
  }
  const LoaderClient::ModuleInfo& module = modules_[*index];
  if (module.family == FLYTEPLUG_FAMILY_WEB_API) return &module;
  if (module.family != FLYTEPLUG_FAMILY_K8S_RESOURCE) {
    return absl::NotFoundError(not_found);
  }
  if (!serve_k8s_resources_) {
    return absl::NotFoundError(absl::StrCat(
        not_found, " Module ", module.id,
        " is a Kubernetes-resource module, and this connector has no "
        "Kubernetes access configured."));
  }
  return &module;
}

}  // namespace flyteplug::connector
