#include "registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace flyteplug::loader {
namespace {

std::string LoadedIds(const std::vector<RegistryModule>& loaded) {
  if (loaded.empty()) return "none";
  std::vector<std::string> ids;
  for (const RegistryModule& m : loaded) ids.push_back(m.id);
  return absl::StrJoin(ids, ", ");
}

std::vector<RegistryModule>::const_iterator FindModule(
    const std::vector<RegistryModule>& loaded, const std::string& id) {
  return std::find_if(loaded.begin(), loaded.end(),
                      [&](const RegistryModule& m) { return m.id == id; });
}

}  // namespace

std::vector<size_t> SelectEnabled(
    const std::vector<RegistryModule>& loaded,
    const std::vector<std::string>& enabled_plugins,
    std::vector<std::string>* warnings) {
  std::vector<size_t> enabled;
  if (enabled_plugins.empty()) {
    for (size_t i = 0; i < loaded.size(); ++i) enabled.push_back(i);
    return enabled;
  }
  for (size_t e = 0; e < enabled_plugins.size(); ++e) {
    const std::string& id = enabled_plugins[e];
    const bool repeated =
        std::find(enabled_plugins.begin(), enabled_plugins.begin() + e, id) !=
        enabled_plugins.begin() + e;
    if (FindModule(loaded, id) == loaded.end() && !repeated) {
      warnings->push_back(absl::StrCat(
          "config: tasks.task-plugins.enabled-plugins[", e, "]: module '", id,
          "' is not loaded, ignored (loaded: ", LoadedIds(loaded), ")"));
    }
  }
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (std::find(enabled_plugins.begin(), enabled_plugins.end(),
                  loaded[i].id) != enabled_plugins.end()) {
      enabled.push_back(i);
    }
  }
  return enabled;
}

absl::StatusOr<Registry> BuildRegistry(
    const std::vector<RegistryModule>& loaded,
    const std::vector<size_t>& enabled,
    const std::map<std::string, std::string>& default_for_task_types,
    std::vector<std::string>* warnings) {
  Registry result;
  std::map<std::string, size_t>& registry = result.served;
  // Named references, not a structured binding: C++17 does not let a lambda
  // capture a structured binding (the std::any_of below uses `type`).
  for (const auto& default_entry : default_for_task_types) {
    const std::string& type = default_entry.first;
    const std::string& id = default_entry.second;
    const std::string where = absl::StrCat(
        "config: tasks.task-plugins.default-for-task-types.", type);
    auto it = FindModule(loaded, id);
    if (it == loaded.end()) {
      warnings->push_back(absl::StrCat(
          where, ": module '", id, "' is not loaded; task type '", type,
          "' is not served (loaded: ", LoadedIds(loaded), ")"));
      result.unserved[type] = id;
      continue;
    }
    size_t index = static_cast<size_t>(it - loaded.begin());
    if (std::find(enabled.begin(), enabled.end(), index) == enabled.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": module '", id,
          "' is not enabled (tasks.task-plugins.enabled-plugins)"));
    }
    bool claims =
        std::any_of(it->claims.begin(), it->claims.end(),
                    [&](const TaskTypeClaim& c) { return c.name == type; });
    if (!claims) {
      std::vector<std::string> names;
      for (const TaskTypeClaim& c : it->claims) {
        names.push_back(c.opt_in ? absl::StrCat(c.name, "?") : c.name);
      }
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": module '", id, "' (", it->path,
                       ") does not claim task type '", type,
                       "' (it claims: ", absl::StrJoin(names, ", "), ")"));
    }
    registry[type] = index;
  }

  std::map<std::string, std::vector<size_t>> claimants;
  for (size_t index : enabled) {
    for (const TaskTypeClaim& claim : loaded[index].claims) {
      if (!claim.opt_in) claimants[claim.name].push_back(index);
    }
  }
  for (const auto& [type, indices] : claimants) {
    // Settled by a default entry (served, or deliberately not served).
    if (registry.count(type) != 0 || result.unserved.count(type) != 0) {
      continue;
    }
    if (indices.size() > 1) {
      std::vector<std::string> who;
      for (size_t index : indices) {
        who.push_back(absl::StrCat("'", loaded[index].id, "' (",
                                   loaded[index].path, ")"));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "task type '", type, "' is claimed by modules ",
          absl::StrJoin(who, " and "),
          "; choose one with tasks.task-plugins.default-for-task-types.", type,
          " or leave one out of tasks.task-plugins.enabled-plugins"));
    }
    registry[type] = indices.front();
  }
  return result;
}

}  // namespace flyteplug::loader
