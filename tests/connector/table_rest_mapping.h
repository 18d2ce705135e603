// A table-based REST mapping for connector tests: the kinds the tested
// modules emit (SparkApplication, batch/v1 Job) -> their ObjectRef.
#ifndef FLYTEPLUG_TESTS_CONNECTOR_TABLE_REST_MAPPING_H_
#define FLYTEPLUG_TESTS_CONNECTOR_TABLE_REST_MAPPING_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "kube_access.h"

namespace flyteplug::testing {

// The ResolveResource of the table; NOT_FOUND naming any other kind.
inline connector::ResolveResource TableRestMapping() {
  return [](absl::string_view api_version, absl::string_view kind,
            absl::string_view namespace_name, absl::string_view name,
            const kube::CallControl& /*control*/)
             -> absl::StatusOr<kube::ObjectRef> {
    struct Row {
      const char* api_version;
      const char* kind;
      const char* group;
      const char* version;
      const char* resource;
    };
    static constexpr Row kRows[] = {
        {"sparkoperator.k8s.io/v1beta2", "SparkApplication",
         "sparkoperator.k8s.io", "v1beta2", "sparkapplications"},
        {"batch/v1", "Job", "batch", "v1", "jobs"},
    };
    for (const Row& row : kRows) {
      if (api_version == row.api_version && kind == row.kind) {
        return kube::ObjectRef{row.group, row.version, row.resource,
                               std::string(namespace_name), std::string(name)};
      }
    }
    return absl::NotFoundError(absl::StrCat("the server has no resource for ",
                                            kind, " in ", api_version));
  };
}

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_CONNECTOR_TABLE_REST_MAPPING_H_
