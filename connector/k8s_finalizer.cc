#include "k8s_finalizer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json_writer.h"
#include "k8s_manifest.h"

namespace flyteplug::connector {
namespace {

// One attempt: OK when the finalizer is absent or was removed.
absl::Status RemoveOnce(kube::KubeApi& api, const kube::ObjectRef& ref,
                        absl::string_view what, absl::string_view object_json,
                        const kube::CallControl& control) {
  absl::StatusOr<ObservedObject> observed =
      ReadObservedObject(what, object_json);
  if (!observed.ok()) return observed.status();
  const std::vector<std::string>& finalizers = observed->finalizers;
  auto it = std::find(finalizers.begin(), finalizers.end(), kFlyteFinalizer);
  if (it == finalizers.end()) return absl::OkStatus();
  absl::StatusOr<std::string> patched = api.JsonPatch(
      ref,
      RemoveFinalizerPatch(static_cast<size_t>(it - finalizers.begin()),
                           kFlyteFinalizer),
      control);
  return patched.status();
}

}  // namespace

std::string RemoveFinalizerPatch(size_t index, absl::string_view finalizer) {
  std::string path = absl::StrCat("/metadata/finalizers/", index);
  return absl::StrCat(R"([{"op":"test","path":")", path, R"(","value":)",
                      sdk::json::Quote(finalizer),
                      R"(},{"op":"remove","path":")", path, R"("}])");
}

absl::Status RemoveFlyteFinalizer(kube::KubeApi& api,
                                  const kube::ObjectRef& ref,
                                  absl::string_view what,
                                  absl::string_view object_json,
                                  const kube::CallControl& control) {
  absl::Status removed = RemoveOnce(api, ref, what, object_json, control);
  if (absl::IsAborted(removed) || absl::IsInvalidArgument(removed)) {
    absl::StatusOr<std::string> reread = api.Get(ref, control);
    if (!reread.ok()) {
      removed = reread.status();
    } else {
      removed = RemoveOnce(api, ref, what, *reread, control);
    }
  }
  if (absl::IsNotFound(removed)) return absl::OkStatus();
  if (removed.ok()) return removed;
  return absl::Status(removed.code(),
                      absl::StrCat("removing finalizer ", kFlyteFinalizer,
                                   " from ", what, ": ", removed.message()));
}

}  // namespace flyteplug::connector
