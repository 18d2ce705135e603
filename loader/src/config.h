// The loader's view of the configuration document (propeller layout):
//   tasks.task-plugins.enabled-plugins:        [module id...]
//   tasks.task-plugins.default-for-task-types: {task type: module id}
//   plugins.<section>:                         handed to modules asking for it
#ifndef FLYTEPLUG_LOADER_SRC_CONFIG_H_
#define FLYTEPLUG_LOADER_SRC_CONFIG_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::loader {

class LoaderConfig {
 public:
  // Parses `json` (empty or whitespace-only means "{}"). Errors are
  // InvalidArgument naming the path (e.g. "config:
  // tasks.task-plugins.enabled-plugins[1]: expected a string, got number").
  static absl::StatusOr<LoaderConfig> Parse(absl::string_view json);

  // Module ids in order; empty = every loaded module is enabled.
  const std::vector<std::string>& enabled_plugins() const {
    return enabled_plugins_;
  }
  // Task type -> module id.
  const std::map<std::string, std::string>& default_for_task_types() const {
    return default_for_task_types_;
  }
  // The JSON object {"<section>": <plugins.<section>>...} for `sections`;
  // sections absent from the document are omitted.
  std::string SectionsJson(const std::vector<std::string>& sections) const;

  // Warnings for keys nobody reads: unknown top-level keys, unknown keys
  // under tasks and tasks.task-plugins, and plugins.<x> sections not in
  // `requested_sections`. Each names the full path.
  std::vector<std::string> UnknownKeyWarnings(
      const std::set<std::string>& requested_sections) const;

 private:
  std::vector<std::string> enabled_plugins_;
  std::map<std::string, std::string> default_for_task_types_;
  // Serialized JSON of each plugins.<section>, in document order.
  std::vector<std::pair<std::string, std::string>> sections_;
  std::vector<std::string> fixed_warnings_;
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_CONFIG_H_
