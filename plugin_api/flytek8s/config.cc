#include "flyteplug/flytek8s/config.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/flytek8s/quantity.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/json.h"

namespace flyteplug::flytek8s {
namespace {

using ::flyteplug::sdk::ConfigReader;
using ::flyteplug::sdk::json::TypeError;
using ::rapidjson::Value;

absl::Status CheckObjectArray(const Value& value, absl::string_view path) {
  if (!value.IsArray()) return TypeError(path, "an array", value);
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    if (!value[i].IsObject()) {
      return TypeError(absl::StrCat(path, "[", i, "]"), "an object", value[i]);
    }
  }
  return absl::OkStatus();
}

// A NodeSelectorRequirement: {key, operator, values?}.
absl::Status CheckRequirement(const Value& value, absl::string_view path) {
  const Value* req_key = sdk::json::Find(value, "key");
  const Value* op = sdk::json::Find(value, "operator");
  if (req_key == nullptr || !req_key->IsString()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".key: a node selector requirement needs a string key"));
  }
  if (op == nullptr || !op->IsString()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ".operator: a node selector requirement needs a string operator"));
  }
  if (const Value* values = sdk::json::Find(value, "values")) {
    std::vector<std::string> checked;
    return sdk::ReadStringList(*values, absl::StrCat(path, ".values"),
                               &checked);
  }
  return absl::OkStatus();
}

// A Kubernetes object (JSON object), copied into the config's store; with
// `requirement`, it must be a NodeSelectorRequirement.
ConfigReader::Handler ObjectInto(rapidjson::Document* store, Value* out,
                                 bool requirement = false) {
  return [store, out, requirement](const Value& value,
                                   const std::string& path) -> absl::Status {
    if (!value.IsObject()) return TypeError(path, "an object", value);
    if (requirement) {
      if (absl::Status s = CheckRequirement(value, path); !s.ok()) return s;
    }
    out->CopyFrom(value, store->GetAllocator());
    return absl::OkStatus();
  };
}

// A list of Kubernetes objects (e.g. tolerations), copied into the store.
ConfigReader::Handler ObjectArrayInto(rapidjson::Document* store, Value* out) {
  return [store, out](const Value& value,
                      const std::string& path) -> absl::Status {
    if (absl::Status s = CheckObjectArray(value, path); !s.ok()) return s;
    out->CopyFrom(value, store->GetAllocator());
    return absl::OkStatus();
  };
}

// `resource-tolerations`: resource name -> list of tolerations.
ConfigReader::Handler ResourceTolerationsInto(rapidjson::Document* store,
                                              Value* out) {
  return [store, out](const Value& value,
                      const std::string& path) -> absl::Status {
    Value tolerations(rapidjson::kObjectType);
    absl::Status status = sdk::ForEachMapEntry(
        value, path,
        [&](absl::string_view name, const Value& list,
            const std::string& list_path) -> absl::Status {
          if (list.IsNull()) return absl::OkStatus();
          if (absl::Status s = CheckObjectArray(list, list_path); !s.ok()) {
            return s;
          }
          sdk::json::Set(tolerations, name, Value(list, store->GetAllocator()),
                         store->GetAllocator());
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    *out = std::move(tolerations);
    return absl::OkStatus();
  };
}

// Keys of Flyte's K8sPluginConfig that flyteplug accepts (so a propeller
// configuration carries over without warnings) but does not use.
constexpr const char* kUnusedK8sKeys[] = {
    "default-env-from-configmaps",
    "default-env-from-secrets",
    "co-pilot",
    "delete-resource-on-finalize",
    "create-container-error-grace-period",
    "create-container-config-error-grace-period",
    "image-pull-backoff-grace-period",
    "pod-pending-timeout",
    "default-pod-template-resync",
    "send-object-events",
    "update-base-backoff-duration",
    "update-backoff-retries",
    "enable-distributed-error-aggregation",
    "accelerator-devices",
    "accelerator-device-classes",
};

// Reads a Kubernetes quantity string ("1000m", "1Gi") into *out.
ConfigReader::Handler QuantityInto(std::string* out) {
  return [out](const Value& value, const std::string& path) -> absl::Status {
    std::string text;
    if (absl::Status s = sdk::ReadString(value, path, &text); !s.ok()) {
      return s;
    }
    bool zero = false;
    if (!ParseQuantity(text, &zero)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path,
                       ": expected a Kubernetes quantity such as \"1000m\" or "
                       "\"1Gi\""));
    }
    *out = std::move(text);
    return absl::OkStatus();
  };
}

// The string-valued keys of `plugins.k8s`.
void AddK8sScalars(K8sPluginConfig* config, ConfigReader* reader) {
  reader->StringMap("default-annotations", &config->default_annotations)
      .StringMap("default-labels", &config->default_labels)
      .StringMap("default-env-vars", &config->default_env_vars)
      .StringMap("default-env-vars-from-env",
                 &config->default_env_vars_from_env)
      .StringMap("default-node-selector", &config->default_node_selector)
      .StringMap("interruptible-node-selector",
                 &config->interruptible_node_selector)
      .On("default-cpus", QuantityInto(&config->default_cpus))
      .On("default-memory", QuantityInto(&config->default_memory))
      .String("scheduler-name", &config->scheduler_name)
      .String("default-pod-template-name", &config->default_pod_template_name)
      .String("image-pull-policy", &config->image_pull_policy)
      .String("gpu-device-node-label", &config->gpu_device_node_label)
      .String("gpu-partition-size-node-label",
              &config->gpu_partition_size_node_label)
      .String("gpu-resource-name", &config->gpu_resource_name)
      .StringList("add-tolerations-for-extended-resources",
                  &config->add_tolerations_for_extended_resources)
      .OptionalBool("enable-host-networking-pod",
                    &config->enable_host_networking_pod)
      .Bool("inject-finalizer", &config->inject_finalizer);
}

// The Kubernetes objects of `plugins.k8s`, kept as JSON in config->store.
void AddK8sObjects(K8sPluginConfig* config, ConfigReader* reader) {
  rapidjson::Document* store = config->store.get();
  reader
      ->On("default-tolerations",
           ObjectArrayInto(store, &config->default_tolerations))
      .On("interruptible-tolerations",
          ObjectArrayInto(store, &config->interruptible_tolerations))
      .On("resource-tolerations",
          ResourceTolerationsInto(store, &config->resource_tolerations))
      .On("default-affinity", ObjectInto(store, &config->default_affinity))
      .On("interruptible-node-selector-requirement",
          ObjectInto(store, &config->interruptible_node_selector_requirement,
                     /*requirement=*/true))
      .On("non-interruptible-node-selector-requirement",
          ObjectInto(store,
                     &config->non_interruptible_node_selector_requirement,
                     /*requirement=*/true))
      .On("default-pod-security-context",
          ObjectInto(store, &config->default_pod_security_context))
      .On("default-security-context",
          ObjectInto(store, &config->default_security_context))
      .On("default-pod-dns-config",
          ObjectInto(store, &config->default_pod_dns_config))
      .On("gpu-unpartitioned-node-selector-requirement",
          ObjectInto(store,
                     &config->gpu_unpartitioned_node_selector_requirement,
                     /*requirement=*/true))
      .On("gpu-unpartitioned-toleration",
          ObjectInto(store, &config->gpu_unpartitioned_toleration));
}

}  // namespace

K8sPluginConfig::K8sPluginConfig()
    : store(std::make_unique<rapidjson::Document>()),
      default_tolerations(rapidjson::kArrayType),
      interruptible_tolerations(rapidjson::kArrayType),
      resource_tolerations(rapidjson::kObjectType) {}

absl::Status ParseK8sPluginConfig(const rapidjson::Value& value,
                                  const std::string& path,
                                  std::vector<std::string>* warnings,
                                  K8sPluginConfig* config) {
  ConfigReader reader(path, warnings);
  AddK8sScalars(config, &reader);
  AddK8sObjects(config, &reader);
  for (const char* key : kUnusedK8sKeys) reader.Ignore(key);
  return reader.Read(&value);
}

}  // namespace flyteplug::flytek8s
