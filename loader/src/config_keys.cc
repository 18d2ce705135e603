#include "config_keys.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"

namespace flyteplug::loader {

const std::vector<std::string>& TopLevelKeys() {
  static const auto* keys = new std::vector<std::string>{
      "tasks",   "plugins", "propeller", "storage",
      "admin",   "logger",  "event",     "catalog-cache",
      "webhook", "secrets", "otel",      "cluster_resources"};
  return *keys;
}

const std::vector<std::string>& TasksKeys() {
  static const auto* keys =
      new std::vector<std::string>{"task-plugins", "max-plugin-phase-versions",
                                   "backoff", "maxLogMessageLength"};
  return *keys;
}

const std::vector<std::string>& TaskPluginsKeys() {
  static const auto* keys =
      new std::vector<std::string>{"enabled-plugins", "default-for-task-types"};
  return *keys;
}

// Plugin sections: the shipped modules' and Flyte's well-known ones.
const std::vector<std::string>& PluginSections() {
  static const auto* keys =
      new std::vector<std::string>{"k8s",           "spark",
                                   "databricks",    "logs",
                                   "k8s-array",     "ray",
                                   "dask",          "kf-operator",
                                   "agent-service", "connector-service",
                                   "athena",        "bigquery",
                                   "snowflake",     "presto",
                                   "qubole",        "sagemaker",
                                   "catalogcache",  "mpi",
                                   "pytorch",       "tensorflow"};
  return *keys;
}

namespace {

void Check(const rapidjson::Value& object, const std::string& path,
           const std::vector<std::string>& known,
           std::vector<std::string>* messages) {
  if (!object.IsObject()) return;
  for (const auto& member : object.GetObject()) {
    const std::string key(member.name.GetString(),
                          member.name.GetStringLength());
    if (std::any_of(known.begin(), known.end(), [&key](const std::string& k) {
          return absl::EqualsIgnoreCase(k, key);
        })) {
      continue;
    }
    std::optional<std::string> closest = ClosestKey(key, known);
    if (!closest.has_value()) continue;
    const std::string where = path.empty() ? key : absl::StrCat(path, ".", key);
    messages->push_back(
        absl::StrCat(where, ": unknown key, did you mean '", *closest, "'?"));
  }
}

const rapidjson::Value* Member(const rapidjson::Value& object,
                               const char* name) {
  if (!object.IsObject()) return nullptr;
  for (const auto& member : object.GetObject()) {
    if (absl::EqualsIgnoreCase(sdk::json::StringOf(member.name), name)) {
      return &member.value;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> MisspelledConfigKeys(const rapidjson::Value& root) {
  std::vector<std::string> messages;
  Check(root, "", TopLevelKeys(), &messages);
  if (const rapidjson::Value* tasks = Member(root, "tasks")) {
    Check(*tasks, "tasks", TasksKeys(), &messages);
    if (const rapidjson::Value* tp = Member(*tasks, "task-plugins")) {
      Check(*tp, "tasks.task-plugins", TaskPluginsKeys(), &messages);
    }
  }
  if (const rapidjson::Value* plugins = Member(root, "plugins")) {
    Check(*plugins, "plugins", PluginSections(), &messages);
  }
  return messages;
}

}  // namespace flyteplug::loader
