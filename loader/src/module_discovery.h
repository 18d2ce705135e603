// Finding module files: explicit files, directories scanned for *.so, the
// shipped module directory and $FLYTEPLUG_PLUGIN_PATH, deduplicated.
#ifndef FLYTEPLUG_LOADER_SRC_MODULE_DISCOVERY_H_
#define FLYTEPLUG_LOADER_SRC_MODULE_DISCOVERY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace flyteplug::loader {

// Where a search path came from; named in error messages.
struct SearchPath {
  std::string path;
  std::string origin;    // e.g. "module_paths[0]", "$FLYTEPLUG_PLUGIN_PATH"
  bool required = true;  // a missing required path is NotFound
};

// The shipped module directory: `flyteplug/modules` beside the shared object
// holding this code (found with dladdr). Empty if it cannot be determined.
std::string ShippedModuleDirectory();

// The search paths in loading order: the shipped directory (optional: skipped
// when missing) and each non-empty entry of $FLYTEPLUG_PLUGIN_PATH (unless
// `skip_default_paths`), then `explicit_paths`.
std::vector<SearchPath> SearchPaths(
    const std::vector<std::string>& explicit_paths, bool skip_default_paths);

// Expands search paths into module files: a file is taken as is; a
// directory contributes its regular files named *.so, in byte-wise name
// order, non-recursively. Files reached twice (same real path, or same
// device and inode) appear once, at their first position. Returned paths are
// real paths. Errors: NotFound naming a missing required path and its
// origin; InvalidArgument for a path that is neither file nor directory or
// an unreadable directory.
absl::StatusOr<std::vector<std::string>> DiscoverModuleFiles(
    const std::vector<SearchPath>& paths);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_MODULE_DISCOVERY_H_
