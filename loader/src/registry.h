// Flyte's plugin registry rules (flytepropeller's enabled-plugins and
// default-for-task-types), as pure functions over module descriptions.
#ifndef FLYTEPLUG_LOADER_SRC_REGISTRY_H_
#define FLYTEPLUG_LOADER_SRC_REGISTRY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "module_file.h"

namespace flyteplug::loader {

// What the registry needs to know about one loaded module.
struct RegistryModule {
  std::string id;
  std::string path;
  std::vector<TaskTypeClaim> claims;
};

// Indices into `loaded` of the enabled modules, in load order. An empty
// `enabled_plugins` enables every module. Errors: InvalidArgument naming an
// enabled-plugins entry that no loaded module has (listing the loaded ids).
absl::StatusOr<std::vector<size_t>> SelectEnabled(
    const std::vector<RegistryModule>& loaded,
    const std::vector<std::string>& enabled_plugins);

// Task type -> index into `loaded`, considering only `enabled` modules:
//  - a default-for-task-types entry picks its module, which must be enabled
//    and claim the type (opt-in or not); otherwise InvalidArgument naming
//    the entry and the module;
//  - otherwise a type claimed (not opt-in) by exactly one enabled module is
//    served by it; by two or more: FailedPrecondition naming the type and
//    every claimant with its file;
//  - an opt-in claim is served only through a default entry.
absl::StatusOr<std::map<std::string, size_t>> BuildRegistry(
    const std::vector<RegistryModule>& loaded,
    const std::vector<size_t>& enabled,
    const std::map<std::string, std::string>& default_for_task_types);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_REGISTRY_H_
