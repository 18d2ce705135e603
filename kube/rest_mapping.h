// From a manifest's apiVersion and kind to the REST resource that serves it:
// a table of the kinds the shipped modules and examples emit, and API
// discovery (GET /apis/{group}/{version} or /api/v1) for the others.
#ifndef FLYTEPLUG_KUBE_REST_MAPPING_H_
#define FLYTEPLUG_KUBE_REST_MAPPING_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kube_api.h"

namespace flyteplug::kube {

// Where objects of one kind live (ObjectRef without namespace and name).
struct ResourceMapping {
  std::string group;  // empty for the core group
  std::string version;
  std::string resource;  // lower-case plural REST name
};

// The built-in entry for `api_version` ("group/version" or "v1") and `kind`,
// or nullopt-like false when the table has none. Covers
// sparkoperator.k8s.io/v1beta2 SparkApplication and
// ScheduledSparkApplication, batch/v1 Job and CronJob, v1 Pod, ConfigMap,
// Secret, Service and ServiceAccount, apps/v1 Deployment and StatefulSet.
bool LookupBuiltinMapping(absl::string_view api_version, absl::string_view kind,
                          ResourceMapping* mapping);

// THREADING: thread-safe; discovery results are cached per group/version for
// the mapper's lifetime (a failed discovery is not cached).
// LIFETIME: `api` must outlive the mapper.
class RestMapper {
 public:
  explicit RestMapper(KubeApi* api) : api_(api) {}

  // The mapping of `kind` in `api_version`: the table, else discovery.
  // INVALID_ARGUMENT for a malformed apiVersion or a cluster-scoped kind;
  // NOT_FOUND when discovery lists no such kind; discovery's own errors
  // otherwise.
  absl::StatusOr<ResourceMapping> Map(absl::string_view api_version,
                                      absl::string_view kind,
                                      const CallControl& control);

  // The ObjectRef of (`api_version`, `kind`) named `name` in
  // `namespace_name`: Map, plus the two names (checked later, by
  // RestClient's path building). Matches the connector's ResolveResource.
  absl::StatusOr<ObjectRef> Resolve(absl::string_view api_version,
                                    absl::string_view kind,
                                    absl::string_view namespace_name,
                                    absl::string_view name,
                                    const CallControl& control);

  // The ObjectRef of manifest `object_json`: apiVersion, kind, metadata.name
  // and metadata.namespace (else `default_namespace`). INVALID_ARGUMENT
  // naming the missing field.
  absl::StatusOr<ObjectRef> RefForObject(absl::string_view object_json,
                                         absl::string_view default_namespace,
                                         const CallControl& control);

 private:
  struct Discovered {
    std::string kind;
    std::string resource;
    bool namespaced = false;
  };
  absl::StatusOr<std::vector<Discovered>> Discover(const std::string& group,
                                                   const std::string& version,
                                                   const CallControl& control);

  KubeApi* const api_;
  std::mutex mu_;
  std::map<std::string, std::vector<Discovered>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace flyteplug::kube

#endif  // FLYTEPLUG_KUBE_REST_MAPPING_H_
