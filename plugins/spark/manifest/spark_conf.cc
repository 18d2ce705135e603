#include "spark_conf.h"

#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "flyteplug/flytek8s/names.h"

namespace flyteplug::spark {
namespace {

// Spark >= 3.2 rejects a longer executor pod name prefix (the executor pod
// name, prefix plus "-exec-<n>", must stay a 63-character DNS label).
constexpr size_t kMaxPodNamePrefix = 47;

std::string TrimDashes(std::string s) {
  size_t begin = s.find_first_not_of('-');
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of('-');
  return s.substr(begin, end - begin + 1);
}

// Empty or absent counts as unset, as Flyte's `len(x) == 0` checks do.
const std::string* NonEmpty(const std::map<std::string, std::string>& conf,
                            const std::string& key) {
  auto it = conf.find(key);
  if (it == conf.end() || it->second.empty()) return nullptr;
  return &it->second;
}

void DeriveLimit(std::map<std::string, std::string>& conf,
                 const std::string& limit_key, const std::string& request_key,
                 const std::string& cores_key) {
  if (NonEmpty(conf, limit_key) != nullptr) return;
  if (const std::string* request = NonEmpty(conf, request_key)) {
    conf[limit_key] = *request;
  } else if (const std::string* cores = NonEmpty(conf, cores_key)) {
    conf[limit_key] = *cores;
  }
}

bool ToggleOn(const std::string& value) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(value)) == "true";
}

const FeatureConfig* FindFeature(const SparkPluginConfig& config,
                                 const std::string& name) {
  for (const FeatureConfig& feature : config.features) {
    if (feature.name == name) return &feature;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> FeatureToggleName(absl::string_view key) {
  // ^spark.((flyteorg)|(flyte)).(.+).enabled$ ; every '.' matches any char.
  constexpr absl::string_view kTail = "enabled";
  if (key.size() < 6 || !absl::StartsWith(key, "spark") ||
      !absl::EndsWith(key, kTail)) {
    return std::nullopt;
  }
  for (absl::string_view alt :
       {absl::string_view("flyteorg"), absl::string_view("flyte")}) {
    size_t name_begin = 6 + alt.size() + 1;
    // name needs >= 1 char, then one any-char, then "enabled".
    if (key.size() < name_begin + 1 + 1 + kTail.size()) continue;
    if (key.substr(6, alt.size()) != alt) continue;
    size_t name_end = key.size() - kTail.size() - 1;
    return std::string(key.substr(name_begin, name_end - name_begin));
  }
  return std::nullopt;
}

std::string SanitizePodNamePrefix(absl::string_view name) {
  if (flytek8s::IsDnsLabel(name, kMaxPodNamePrefix)) return std::string(name);
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    char mapped = flytek8s::IsDnsLabelChar(lower) ? lower : '-';
    if (mapped == '-' && !out.empty() && out.back() == '-') continue;
    out.push_back(mapped);
  }
  out = TrimDashes(std::move(out));
  if (!out.empty() && out.size() <= kMaxPodNamePrefix) return out;
  // Too long (or nothing left): readable head + hash of the original name.
  std::string hash = absl::StrFormat("%08x", flytek8s::Fnv1a32(name));
  std::string head =
      TrimDashes(out.substr(0, kMaxPodNamePrefix - hash.size() - 1));
  if (head.empty()) return absl::StrCat("spark-", hash);
  return absl::StrCat(head, "-", hash);
}

std::map<std::string, std::string> AssembleSparkConf(
    const SparkJobSpec& job, const SparkPluginConfig& config,
    absl::string_view generated_name, int64_t now_unix_nanos) {
  std::map<std::string, std::string> conf = config.spark_config_default;
  if (!job.executor_path.empty()) {
    conf["spark.pyspark.python"] = job.executor_path;
    conf["spark.pyspark.driver.python"] = job.executor_path;
  }
  // Keys the user set explicitly (including toggles kept verbatim), applied
  // after the feature expansions when `user_spark_conf_wins`.
  std::vector<const std::pair<const std::string, std::string>*> explicit_keys;
  // job.spark_conf is sorted: inserting each key with the successor of the
  // previous one as the hint costs amortized O(1) instead of a tree search
  // (a wrong hint, e.g. a default key in between, only costs the search).
  auto next = conf.begin();
  for (const auto& entry : job.spark_conf) {
    const auto& [key, value] = entry;
    std::optional<std::string> feature_name = FeatureToggleName(key);
    const FeatureConfig* feature = nullptr;
    if (feature_name.has_value() && ToggleOn(value)) {
      feature = FindFeature(config, *feature_name);
    }
    if (feature == nullptr) {
      if (config.user_spark_conf_wins) {
        explicit_keys.push_back(&entry);
      } else {
        next = std::next(conf.insert_or_assign(next, key, value));
      }
      continue;
    }
    for (const auto& [feature_key, feature_value] : feature->spark_config) {
      conf[feature_key] = feature_value;
    }
  }
  next = conf.begin();
  for (const auto* entry : explicit_keys) {
    next = std::next(conf.insert_or_assign(next, entry->first, entry->second));
  }

  DeriveLimit(conf, "spark.kubernetes.driver.limit.cores",
              "spark.kubernetes.driver.request.cores", "spark.driver.cores");
  DeriveLimit(conf, "spark.kubernetes.executor.limit.cores",
              "spark.kubernetes.executor.request.cores",
              "spark.executor.cores");
  conf["spark.kubernetes.executor.podNamePrefix"] =
      config.sanitize_pod_name_prefix ? SanitizePodNamePrefix(generated_name)
                                      : std::string(generated_name);
  conf["spark.kubernetes.driverEnv.FLYTE_START_TIME"] =
      absl::StrCat(now_unix_nanos / 1000000);
  return conf;
}

std::optional<int32_t> ParseSparkInt(const std::string* value) {
  if (value == nullptr || value->empty()) return std::nullopt;
  const std::string& s = *value;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  }
  errno = 0;
  long long parsed = std::strtoll(s.c_str(), nullptr, 10);
  if (errno != 0 || parsed < INT32_MIN || parsed > INT32_MAX || parsed == 0) {
    return std::nullopt;
  }
  return static_cast<int32_t>(parsed);
}

}  // namespace flyteplug::spark
