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
#include "log_config.h"
#include "rapidjson/document.h"

namespace flyteplug::spark {

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

// `plugins.k8s` (Flyte's K8sPluginConfig). Kubernetes objects are kept as
// JSON values owned by `store`; an unset object is null. Move-only.
struct K8sPluginConfig {
  K8sPluginConfig();
  K8sPluginConfig(K8sPluginConfig&&) = default;
  K8sPluginConfig& operator=(K8sPluginConfig&&) = default;

  std::map<std::string, std::string> default_annotations = {
      {"cluster-autoscaler.kubernetes.io/safe-to-evict", "false"}};
  std::map<std::string, std::string> default_labels;
  std::map<std::string, std::string> default_env_vars;
  std::map<std::string, std::string> default_env_vars_from_env;
  std::string default_cpus = "1000m";
  std::string default_memory = "1024Mi";
  std::map<std::string, std::string> default_node_selector;
  std::map<std::string, std::string> interruptible_node_selector;
  std::string scheduler_name;
  std::string default_pod_template_name;
  std::string image_pull_policy;
  std::string gpu_device_node_label = "k8s.amazonaws.com/accelerator";
  std::string gpu_partition_size_node_label =
      "k8s.amazonaws.com/gpu-partition-size";
  std::string gpu_resource_name = "nvidia.com/gpu";
  std::vector<std::string> add_tolerations_for_extended_resources;
  std::optional<bool> enable_host_networking_pod;
  bool inject_finalizer = false;

  // Owns the memory of the JSON values below.
  std::unique_ptr<rapidjson::Document> store;
  rapidjson::Value default_tolerations;        // array
  rapidjson::Value interruptible_tolerations;  // array
  rapidjson::Value resource_tolerations;       // object: name -> array
  rapidjson::Value default_affinity;           // object or null
  rapidjson::Value interruptible_node_selector_requirement;      // or null
  rapidjson::Value non_interruptible_node_selector_requirement;  // or null
  rapidjson::Value default_pod_security_context;                 // or null
  rapidjson::Value default_security_context;                     // or null
  rapidjson::Value default_pod_dns_config;                       // or null
  rapidjson::Value gpu_unpartitioned_node_selector_requirement;  // or null
  rapidjson::Value gpu_unpartitioned_toleration;                 // or null
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
// malformed JSON or invalid UTF-8, a value of the wrong type, a duplicate key
// or a document nested deeper than 64 levels. Thread-safe; no I/O.
absl::StatusOr<ModuleConfig> ParseModuleConfig(
    absl::string_view config_json, std::vector<std::string>* warnings);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_CONFIG_H_
