#include "task_router.h"

#include "absl/strings/str_cat.h"

namespace flyteplug::connector {

TaskRouter::TaskRouter(const LoaderClient& loader)
    : loader_(loader), modules_(loader.Modules()) {}

absl::StatusOr<const LoaderClient::ModuleInfo*> TaskRouter::Route(
    const std::string& task_type) const {
  absl::StatusOr<uint32_t> index = loader_.Resolve(task_type);
  if (!index.ok() || *index >= modules_.size() ||
      modules_[*index].family != FLYTEPLUG_FAMILY_WEB_API) {
    return absl::NotFoundError(
        absl::StrCat("Cannot find connector for task type: ", task_type, "."));
  }
  return &modules_[*index];
}

}  // namespace flyteplug::connector
