// `plugins.k8s`: Flyte's K8sPluginConfig (flytek8s/config), the platform
// settings every Kubernetes module applies to the pods it builds. Key names
// and defaults are Flyte's; a module that asks for the `k8s` section reads it
// with ParseK8sPluginConfig and applies it with ToK8sPodSpec (pod_spec.h)
// (docs/configuration.md).
#ifndef FLYTEPLUG_FLYTEK8S_CONFIG_H_
#define FLYTEPLUG_FLYTEK8S_CONFIG_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "rapidjson/document.h"

namespace flyteplug::flytek8s {

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

// Reads the `plugins.k8s` section `value` (at `path`, e.g. "plugins.k8s")
// into `*config` by the SDK's rules (flyteplug/sdk/config_reader.h): maps
// also as lists of maps or `[]`, Kubernetes objects checked for shape
// (tolerations are objects, node selector requirements have a key and an
// operator) and copied into config->store. Flyte keys flyteplug does not use
// are accepted silently; unknown keys append a warning to *warnings (may be
// nullptr). Returns InvalidArgument naming the path of a wrongly typed
// value. REQUIRES: `config` freshly constructed or previously parsed (keys
// absent from `value` keep their value).
absl::Status ParseK8sPluginConfig(const rapidjson::Value& value,
                                  const std::string& path,
                                  std::vector<std::string>* warnings,
                                  K8sPluginConfig* config);

}  // namespace flyteplug::flytek8s

#endif  // FLYTEPLUG_FLYTEK8S_CONFIG_H_
