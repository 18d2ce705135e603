// Where configuration warnings point: the line of each key of a YAML
// document, and the rewriting of warnings to name the file and line.
#ifndef FLYTEPLUG_LOADER_SRC_CONFIG_LINES_H_
#define FLYTEPLUG_LOADER_SRC_CONFIG_LINES_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"

namespace flyteplug::loader {

// Key path ("plugins.spark.spark-config-default", list items as
// "tasks.task-plugins.enabled-plugins[2]") -> 1-based line of the key (or
// of the list item). Paths are spelled as in the document.
using KeyLines = std::map<std::string, int, std::less<>>;

// The key lines of `yaml`, a document ConfigToJson already accepted (this is
// a second, read-only walk; the conversion itself is yaml_to_json's). Stops
// quietly at a nesting depth of 64 or after 100000 entries; an alias is not
// followed (its keys are the anchor's). Returns an empty map for a document
// it cannot read. Pure function; thread-safe.
KeyLines YamlKeyLines(absl::string_view yaml);

// Names the document in the loader's configuration warnings.
// THREADING: immutable after construction; thread-safe.
class WarningLocator {
 public:
  // `source_name` replaces the leading "config" of host-side warnings
  // (empty: kept); `lines` may be empty (a JSON document).
  WarningLocator(std::string source_name, KeyLines lines);

  // A host-side warning "config: <path>: <what>" ->
  // "<source>[:<line>]: <path>: <what>". Other text is returned unchanged.
  std::string LocateHostWarning(absl::string_view warning) const;

  // A module's configuration warning in the SDK's form
  // "<module id>: configuration: <path>: <what>" (sdk::LogConfigWarnings)
  // -> "<source>:<line>: <same text>" when the line of <path> (or of its
  // closest ancestor in the document) is known; otherwise unchanged.
  std::string LocateModuleWarning(absl::string_view warning) const;

 private:
  // The line of `path` or of its closest known ancestor; 0 if none.
  int LineOf(absl::string_view path) const;

  std::string source_name_;
  KeyLines lines_;
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_CONFIG_LINES_H_
