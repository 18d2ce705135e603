// Spotting misspelled keys in the host-owned part of the configuration.
#ifndef FLYTEPLUG_LOADER_SRC_CONFIG_KEYS_H_
#define FLYTEPLUG_LOADER_SRC_CONFIG_KEYS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::loader {

// Edit distance between `a` and `b`, byte-wise: insertions, deletions,
// substitutions and transpositions of adjacent bytes each count as one
// (optimal string alignment distance).
size_t EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `key` by edit distance, if it is close enough to
// be a plausible misspelling: distance <= max(1, min(3, key.size() / 3)),
// or the two differ only in case, '-' versus '_', or a missing '-'/'_'.
// Ties go to the first candidate. Pure function.
std::optional<std::string> ClosestKey(absl::string_view key,
                                      const std::vector<std::string>& known);

// Checks the propeller-layout keys the host owns: the top level (`tasks`,
// `plugins`), `tasks.*`, `tasks.task-plugins.*` and the section names under
// `plugins` (the shipped modules' sections and Flyte's well-known ones). Each
// key that is unknown but close to a known one yields one message
// "<path>: unknown key, did you mean '<closest>'?".
// Keys far from every known key are left to the loader, which reports every
// key it ignores. Keys inside a plugin section are the module's to check.
// Pure function.
std::vector<std::string> MisspelledConfigKeys(const rapidjson::Value& root);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_CONFIG_KEYS_H_
