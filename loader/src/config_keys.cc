#include "config_keys.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace flyteplug::loader {
namespace {

// Keys flyteplug reads, plus the propeller keys that share these levels and
// that flyteplug knowingly ignores (so they are never "corrected").
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

// Lower case, '_' -> '-', then '-' dropped: spellings that differ only so.
std::string Normalize(absl::string_view key) {
  std::string out = absl::AsciiStrToLower(key);
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](char c) { return c == '-' || c == '_'; }),
            out.end());
  return out;
}

void Check(const rapidjson::Value& object, const std::string& path,
           const std::vector<std::string>& known,
           std::vector<std::string>* messages) {
  if (!object.IsObject()) return;
  for (const auto& member : object.GetObject()) {
    const std::string key(member.name.GetString(),
                          member.name.GetStringLength());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
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
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

size_t EditDistance(absl::string_view a, absl::string_view b) {
  // Optimal string alignment: three rows of the Damerau-Levenshtein matrix.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1),
      current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestKey(absl::string_view key,
                                      const std::vector<std::string>& known) {
  const size_t limit = std::max<size_t>(1, std::min<size_t>(3, key.size() / 3));
  const std::string normalized = Normalize(key);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : known) {
    if (Normalize(candidate) == normalized) return candidate;
    const size_t distance = EditDistance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

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
