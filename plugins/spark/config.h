// Configuration of the Spark module: the `plugins.spark` and `plugins.k8s`
// sections, with Flyte's key names and defaults (docs/configuration.md,
// docs/flyte-compatibility.md), plus flyteplug's own switches (README.md).
#ifndef FLYTEPLUG_PLUGINS_SPARK_CONFIG_H_
#define FLYTEPLUG_PLUGINS_SPARK_CONFIG_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/flytek8s/config.h"
#include "log_config.h"
#include "rapidjson/document.h"

namespace flyteplug::spark {

using ::flyteplug::flytek8s::K8sPluginConfig;

// One entry of `plugins.spark.features`.
struct FeatureConfig {
  std::string name;
  std::map<std::string, std::string> spark_config;  // `spark-config`
};

// `plugins.spark`.
struct SparkPluginConfig {
  // Flyte v1 keys.
  std::map<std::string, std::string> spark_config_default;
  std::string spark_history_server_url;
  std::vector<FeatureConfig> features;
  SparkLogsConfig logs = DefaultSparkLogsConfig();

  // flyteplug improvements over Flyte v1 (README.md lists each one).
  // `spark-version`: spec.sparkVersion ("" reproduces Flyte v1's empty value).
  std::string spark_version = "3.5.0";
  // `validate-manifest`: check every manifest against the CRD schema.
  bool validate_manifest = true;
  // `user-spark-conf-wins`: an explicit user sparkConf key beats a key
  // injected by a feature toggle, whatever the order.
  bool user_spark_conf_wins = true;
  // `sanitize-pod-name-prefix`: podNamePrefix made a DNS label <= 47 chars.
  bool sanitize_pod_name_prefix = true;
  // `enforce-platform-affinity`: re-apply the (non-)interruptible node
  // selector requirement after driverPod/executorPod overlays merge.
  bool enforce_platform_affinity = true;
  // `dedupe-overlay-containers`: an overlay container that repeats the base
  // container does not duplicate its args or env entries.
  bool dedupe_overlay_containers = true;
  // `overlay-primary-container-alias`: when the overlay's primary container
  // name (default "primary") names no container of the task's pod (always
  // the case for container-target tasks, whose container is named after the
  // execution), the overlay container of that name applies to the task's
  // primary container instead of being dropped (and the lookup failing).
  bool overlay_primary_container_alias = true;
  // `propagate-container-resources`: container CPU/memory/GPU reach
  // driver/executor coreRequest, coreLimit, memory, gpu. Off: Flyte v1.
  bool propagate_container_resources = false;
  // `enable-pod-template`: the pod spec is also passed through as the
  // operator's driver.template / executor.template (Flyte 2). Off: Flyte v1.
  bool enable_pod_template = false;
};

struct ModuleConfig {
  SparkPluginConfig spark;
  K8sPluginConfig k8s;
};

// Parses the module's configuration: `config_json` is the JSON object the
// host passes to init, {"spark": {...}, "k8s": {...}} (either section may be
// absent; an empty string means no configuration), with sdk::ConfigReader's
// rules (docs/configuration.md): keys match case-insensitively, a null value
// keeps the default, duplicate keys and values of the wrong type are errors,
// every map-valued key also takes a list of maps or [].
//
// One warning per unknown key is appended to *warnings (may be nullptr),
// e.g. "plugins.spark.sprak-version: unknown key, did you mean
// 'spark-version'?". Errors: InvalidArgumentError naming the path
// ("plugins.k8s.default-tolerations: expected an array, got an object") for
// malformed JSON or invalid UTF-8, a value of the wrong type (default-cpus
// and default-memory must be Kubernetes quantities), a duplicate key, or a
// document over the SDK's input limits (flyteplug/sdk/input_limits.h: 64
// levels, 16 MiB). Thread-safe; no I/O.
absl::StatusOr<ModuleConfig> ParseModuleConfig(
    absl::string_view config_json, std::vector<std::string>* warnings);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_CONFIG_H_
