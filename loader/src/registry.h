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
// `enabled_plugins` enables every module. An entry naming no loaded module
// is ignored (as propeller ignores plugins it does not have) and appends one
// warning per distinct id to `*warnings`, naming the entry and the loaded ids.
// REQUIRES: warnings != nullptr.
std::vector<size_t> SelectEnabled(
    const std::vector<RegistryModule>& loaded,
    const std::vector<std::string>& enabled_plugins,
    std::vector<std::string>* warnings);

// The routing table.
struct Registry {
  // Task type -> index into the loaded modules.
  std::map<std::string, size_t> served;
  // Task type -> the module id its default-for-task-types entry names, for
  // entries naming no loaded module: those types are not served.
  std::map<std::string, std::string> unserved;
};

// Task type -> index into `loaded`, considering only `enabled` modules:
//  - a default-for-task-types entry picks its module, which must be enabled
//    and claim the type (opt-in or not); otherwise InvalidArgument naming
//    the entry and the module; an entry naming no loaded module instead
//    leaves its type unserved and appends a warning naming the entry;
//  - otherwise a type claimed (not opt-in) by exactly one enabled module is
//    served by it; by two or more: FailedPrecondition naming the type and
//    every claimant with its file;
//  - an opt-in claim is served only through a default entry.
// REQUIRES: warnings != nullptr.
absl::StatusOr<Registry> BuildRegistry(
    const std::vector<RegistryModule>& loaded,
    const std::vector<size_t>& enabled,
    const std::map<std::string, std::string>& default_for_task_types,
    std::vector<std::string>* warnings);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_REGISTRY_H_
