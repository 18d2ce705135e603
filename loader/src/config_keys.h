// Spotting misspelled keys in the host-owned part of the configuration.
#ifndef FLYTEPLUG_LOADER_SRC_CONFIG_KEYS_H_
#define FLYTEPLUG_LOADER_SRC_CONFIG_KEYS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "flyteplug/sdk/config_reader.h"
#include "rapidjson/document.h"

namespace flyteplug::loader {

// The misspelling rule is the SDK's (flyteplug/sdk/config_reader.h).
using ::flyteplug::sdk::ClosestKey;
using ::flyteplug::sdk::EditDistance;

// The keys of the host-owned levels: what flyteplug reads plus the propeller
// keys sharing these levels that flyteplug knowingly ignores (so they are
// never "corrected").
const std::vector<std::string>& TopLevelKeys();
const std::vector<std::string>& TasksKeys();
const std::vector<std::string>& TaskPluginsKeys();
// Plugin sections: the shipped modules' and Flyte's well-known ones.
const std::vector<std::string>& PluginSections();

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
