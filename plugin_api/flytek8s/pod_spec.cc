#include "flyteplug/flytek8s/pod_spec.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/flytek8s/names.h"
#include "flyteplug/flytek8s/pod_spec_check.h"
#include "flyteplug/flytek8s/quantity.h"
#include "flyteplug/sdk/arg_template.h"
#include "flyteplug/sdk/json_merge.h"
#include "flyteplug/sdk/struct_rapidjson.h"

namespace flyteplug::flytek8s {
namespace {

using json::Value;
using EnvList = std::vector<std::pair<std::string, std::string>>;
using flyteplug::abi::flyteidl::core::Resources;

absl::Status BadSpec(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

// k8s rand.String(4) alphabet; derived from the name so that the output is
// deterministic (Flyte picks it at random).
std::string FallbackContainerName(absl::string_view generated_name) {
  constexpr absl::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  uint32_t hash = Fnv1a32(generated_name);
  std::string name;
  for (int i = 0; i < 4; ++i) {
    name.push_back(kAlphabet[hash % kAlphabet.size()]);
    hash /= kAlphabet.size();
  }
  return name;
}

// Renders {{.Input}}-style templates in a string array in place.
void RenderStrings(Value* array,
                   const flyteplug::abi::flyteplug::v1::TaskContext& context,
                   json::Allocator& allocator) {
  if (array == nullptr || !array->IsArray()) return;
  for (Value& item : array->GetArray()) {
    absl::string_view text(item.GetString(), item.GetStringLength());
    if (text.find("{{") == absl::string_view::npos) continue;
    item = json::String(sdk::RenderArgTemplate(text, context), allocator);
  }
}

// Flyte's DecorateEnvVars (the variables a pod spec carries).
EnvList DecorationEnv(const flyteplug::abi::flyteplug::v1::TaskContext& context,
                      const K8sPluginConfig& k8s) {
  EnvList env;
  const flyteplug::abi::flyteplug::v1::TaskExecutionMetadata& metadata =
      context.metadata();
  const flyteplug::abi::flyteidl::core::TaskExecutionIdentifier& id =
      metadata.task_execution_id();
  if (id.has_node_execution_id() && id.node_execution_id().has_execution_id()) {
    const auto& execution = id.node_execution_id().execution_id();
    env.emplace_back("FLYTE_INTERNAL_EXECUTION_ID", execution.name());
    env.emplace_back("FLYTE_INTERNAL_EXECUTION_PROJECT", execution.project());
    env.emplace_back("FLYTE_INTERNAL_EXECUTION_DOMAIN", execution.domain());
    env.emplace_back("FLYTE_ATTEMPT_NUMBER", absl::StrCat(id.retry_attempt()));
    if (!metadata.console_url().empty() &&
        context.task_template().config().contains("link_type")) {
      absl::string_view url = metadata.console_url();
      while (!url.empty() && url.back() == '/') url.remove_suffix(1);
      env.emplace_back(
          "FLYTE_EXECUTION_URL",
          absl::StrCat(url, "/projects/", execution.project(), "/domains/",
                       execution.domain(), "/executions/", execution.name(),
                       "/nodeId/", metadata.unique_node_id(), "/nodes"));
    }
    if (id.has_task_id()) {
      const auto& task = id.task_id();
      env.emplace_back("FLYTE_INTERNAL_TASK_PROJECT", task.project());
      env.emplace_back("FLYTE_INTERNAL_TASK_DOMAIN", task.domain());
      env.emplace_back("FLYTE_INTERNAL_TASK_NAME", task.name());
      env.emplace_back("FLYTE_INTERNAL_TASK_VERSION", task.version());
    }
  }
  // Flyte iterates Go maps here (random order); key order is deterministic.
  // Sorted as pointers: the entries are copied once, into `env`.
  std::vector<const google::protobuf::MapPair<std::string, std::string>*>
      execution_env;
  execution_env.reserve(metadata.environment_variables().size());
  for (const auto& entry : metadata.environment_variables()) {
    execution_env.push_back(&entry);
  }
  std::sort(execution_env.begin(), execution_env.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  env.reserve(env.size() + execution_env.size() + k8s.default_env_vars.size() +
              k8s.default_env_vars_from_env.size());
  for (const auto* entry : execution_env) {
    env.emplace_back(entry->first, entry->second);
  }
  for (const auto& entry : k8s.default_env_vars) env.push_back(entry);
  for (const auto& [name, from] : k8s.default_env_vars_from_env) {
    const char* value = std::getenv(from.c_str());
    env.emplace_back(name, value == nullptr ? "" : value);
  }
  return env;
}

Value EnvVar(absl::string_view name, absl::string_view value,
             json::Allocator& allocator) {
  Value var(rapidjson::kObjectType);
  var.AddMember("name", json::String(name, allocator), allocator);
  var.AddMember("value", json::String(value, allocator), allocator);
  return var;
}

const char* ResourceKey(Resources::ResourceName name,
                        const K8sPluginConfig& k8s) {
  switch (name) {
    case Resources::CPU:
      return "cpu";
    case Resources::MEMORY:
      return "memory";
    case Resources::GPU:
      return k8s.gpu_resource_name.c_str();
    case Resources::EPHEMERAL_STORAGE:
      return "ephemeral-storage";
    default:
      return nullptr;  // UNKNOWN and STORAGE are ignored
  }
}

// Flyte's ToK8sResourceRequirements: {requests, limits} with zero
// quantities dropped. `where` names the field in errors.
absl::Status AddResources(const Resources& resources,
                          const K8sPluginConfig& k8s, absl::string_view where,
                          Value& out, json::Allocator& allocator) {
  struct {
    const char* key;
    const google::protobuf::RepeatedPtrField<Resources::ResourceEntry>* list;
  } lists[] = {{"requests", &resources.requests()},
               {"limits", &resources.limits()}};
  for (const auto& l : lists) {
    for (int i = 0; i < l.list->size(); ++i) {
      const Resources::ResourceEntry& entry = l.list->Get(i);
      const char* key = ResourceKey(entry.name(), k8s);
      if (key == nullptr) continue;
      bool zero = false;
      if (!ParseQuantity(entry.value(), &zero)) {
        return BadSpec(absl::StrCat("invalid TaskSpecification: ", where, ".",
                                    l.key, "[", i, "]: resource ", key,
                                    " value \"", entry.value(),
                                    "\" is not a valid Kubernetes quantity"));
      }
      if (zero) continue;
      Value& group =
          json::Ensure(out, l.key, rapidjson::kObjectType, allocator);
      json::Set(group, key, json::String(entry.value(), allocator), allocator);
    }
  }
  return absl::OkStatus();
}

void CollectResourceNames(const Value& container, std::set<std::string>* out) {
  const Value* resources = json::Find(container, "resources");
  if (resources == nullptr) return;
  for (const char* key : {"requests", "limits"}) {
    const Value* group = json::Find(*resources, key);
    if (group == nullptr || !group->IsObject()) continue;
    for (auto it = group->MemberBegin(); it != group->MemberEnd(); ++it) {
      out->insert(it->name.GetString());
    }
  }
}

// Flyte's AddFlyteCustomizationsToContainer as far as it shapes the pod
// spec: templates rendered, env decorated, `gpu` renamed.
void CustomizeContainer(
    Value& container, const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const EnvList& decorations, const K8sPluginConfig& k8s,
    json::Allocator& allocator) {
  RenderStrings(json::Find(container, "command"), context, allocator);
  RenderStrings(json::Find(container, "args"), context, allocator);
  Value& env = json::Ensure(container, "env", rapidjson::kArrayType, allocator);
  // One allocation instead of a pool block per doubling (large env lists).
  if (env.IsArray()) {
    env.Reserve(
        env.Size() + static_cast<rapidjson::SizeType>(decorations.size()),
        allocator);
  }
  for (const auto& [name, value] : decorations) {
    env.PushBack(EnvVar(name, value, allocator), allocator);
  }
  if (env.Empty()) json::Remove(container, "env");
  if (Value* resources = json::Find(container, "resources")) {
    for (const char* key : {"requests", "limits"}) {
      Value* group = json::Find(*resources, key);
      if (group == nullptr || !group->IsObject()) continue;
      if (Value* gpu = json::Find(*group, "gpu");
          gpu != nullptr && k8s.gpu_resource_name != "gpu") {
        Value moved(std::move(*gpu));
        json::Remove(*group, "gpu");
        json::Set(*group, k8s.gpu_resource_name, std::move(moved), allocator);
      }
    }
  }
}

// Flyte's MergeResources(overrides, &container.Resources): override entries
// win per resource name.
void MergeResourceOverrides(Value& container, const Value& overrides,
                            json::Allocator& allocator) {
  if (overrides.MemberCount() == 0) return;
  Value& resources =
      json::Ensure(container, "resources", rapidjson::kObjectType, allocator);
  json::MergeOverride(resources, overrides, allocator);
}

Value ToleranceExists(absl::string_view key, json::Allocator& allocator) {
  Value toleration(rapidjson::kObjectType);
  toleration.AddMember("key", json::String(key, allocator), allocator);
  toleration.AddMember("operator", "Exists", allocator);
  toleration.AddMember("effect", "NoSchedule", allocator);
  return toleration;
}

Value Requirement(absl::string_view key, absl::string_view op,
                  const std::vector<std::string>& values,
                  json::Allocator& allocator) {
  Value requirement(rapidjson::kObjectType);
  requirement.AddMember("key", json::String(key, allocator), allocator);
  requirement.AddMember("operator", json::String(op, allocator), allocator);
  if (!values.empty()) {
    Value list(rapidjson::kArrayType);
    for (const std::string& v : values) {
      list.PushBack(json::String(v, allocator), allocator);
    }
    requirement.AddMember("values", list, allocator);
  }
  return requirement;
}

Value Toleration(absl::string_view key, absl::string_view value,
                 json::Allocator& allocator) {
  Value toleration(rapidjson::kObjectType);
  toleration.AddMember("key", json::String(key, allocator), allocator);
  toleration.AddMember("value", json::String(value, allocator), allocator);
  toleration.AddMember("operator", "Equal", allocator);
  toleration.AddMember("effect", "NoSchedule", allocator);
  return toleration;
}

std::map<std::string, std::string> ReadStringMap(const Value* object) {
  std::map<std::string, std::string> out;
  if (object == nullptr || !object->IsObject()) return out;
  for (auto it = object->MemberBegin(); it != object->MemberEnd(); ++it) {
    if (it->value.IsString()) out[it->name.GetString()] = it->value.GetString();
  }
  return out;
}

// UpdatePod's tolerations: the platform's (resource tolerations for the
// resources the pod uses, interruptible, default), then the pod's own.
void MergePlatformTolerations(Value& spec,
                              const std::set<std::string>& resource_names,
                              bool interruptible, const K8sPluginConfig& k8s,
                              json::Allocator& allocator) {
  Value tolerations(rapidjson::kArrayType);
  for (const std::string& name : resource_names) {
    if (const Value* list = json::Find(k8s.resource_tolerations, name)) {
      for (const Value& t : list->GetArray()) {
        tolerations.PushBack(Value(t, allocator), allocator);
      }
    }
  }
  if (interruptible) {
    for (const Value& t : k8s.interruptible_tolerations.GetArray()) {
      tolerations.PushBack(Value(t, allocator), allocator);
    }
  }
  for (const Value& t : k8s.default_tolerations.GetArray()) {
    tolerations.PushBack(Value(t, allocator), allocator);
  }
  if (Value* own = json::Find(spec, "tolerations"); own && own->IsArray()) {
    for (Value& t : own->GetArray()) tolerations.PushBack(t, allocator);
  }
  if (tolerations.Empty()) {
    json::Remove(spec, "tolerations");
  } else {
    json::Set(spec, "tolerations", std::move(tolerations), allocator);
  }
}

// UpdatePod's node selector: the default one, the pod's over it, the
// interruptible one over both for an interruptible pod.
void MergeNodeSelector(Value& spec, bool interruptible,
                       const K8sPluginConfig& k8s, json::Allocator& allocator) {
  std::map<std::string, std::string> selector = k8s.default_node_selector;
  for (auto& [k, v] : ReadStringMap(json::Find(spec, "nodeSelector"))) {
    selector[k] = v;
  }
  if (interruptible) {
    for (const auto& [k, v] : k8s.interruptible_node_selector) selector[k] = v;
  }
  if (selector.empty()) {
    json::Remove(spec, "nodeSelector");
  } else {
    json::Set(spec, "nodeSelector", json::StringMap(selector, allocator),
              allocator);
  }
}

// Sets `spec[key]` to `value` when it is absent or empty and `value` is not.
void SetStringIfEmpty(Value& spec, absl::string_view key,
                      const std::string& value, json::Allocator& allocator) {
  const Value* current = json::Find(spec, key);
  if ((current == nullptr || json::IsEmpty(*current)) && !value.empty()) {
    json::Set(spec, key, json::String(value, allocator), allocator);
  }
}

// Flyte's UpdatePod.
void UpdatePod(Value& spec, const std::set<std::string>& resource_names,
               bool interruptible,
               const flyteplug::abi::flyteplug::v1::TaskContext& context,
               const K8sPluginConfig& k8s, json::Allocator& allocator) {
  const Value* restart = json::Find(spec, "restartPolicy");
  if (restart == nullptr || json::IsEmpty(*restart)) {
    json::Set(spec, "restartPolicy", Value("Never"), allocator);
  }
  MergePlatformTolerations(spec, resource_names, interruptible, k8s, allocator);
  SetStringIfEmpty(spec, "serviceAccountName",
                   context.metadata().k8s_service_account(), allocator);
  SetStringIfEmpty(spec, "schedulerName", k8s.scheduler_name, allocator);
  MergeNodeSelector(spec, interruptible, k8s, allocator);
  struct {
    const char* key;
    const Value* fallback;
  } defaults[] = {
      {"affinity", &k8s.default_affinity},
      {"securityContext", &k8s.default_pod_security_context},
      {"dnsConfig", &k8s.default_pod_dns_config},
  };
  for (const auto& d : defaults) {
    const Value* current = json::Find(spec, d.key);
    if ((current == nullptr || current->IsNull()) && !d.fallback->IsNull()) {
      json::Set(spec, d.key, json::Copy(*d.fallback, allocator), allocator);
    }
  }
  if (k8s.enable_host_networking_pod.has_value()) {
    json::Set(spec, "hostNetwork", Value(*k8s.enable_host_networking_pod),
              allocator);
  }
  Value& affinity =
      json::Ensure(spec, "affinity", rapidjson::kObjectType, allocator);
  const Value& requirement =
      interruptible ? k8s.interruptible_node_selector_requirement
                    : k8s.non_interruptible_node_selector_requirement;
  if (!requirement.IsNull()) {
    AddRequiredNodeSelectorRequirement(affinity, requirement,
                                       /*skip_present=*/false, allocator);
  }
}

// Flyte's MergeBasePodSpecOntoTemplate for one container list.
Value MergeContainersOntoTemplate(const Value* template_list,
                                  const Value* base_list,
                                  absl::string_view default_name,
                                  absl::string_view primary_template_name,
                                  absl::string_view primary_name,
                                  json::Allocator& allocator) {
  const Value* default_template = nullptr;
  const Value* primary_template = nullptr;
  if (template_list != nullptr && template_list->IsArray()) {
    for (const Value& c : template_list->GetArray()) {
      const Value* name = json::Find(c, "name");
      if (name == nullptr || !name->IsString()) continue;
      if (name->GetString() == default_name) {
        default_template = &c;
      } else if (name->GetString() == primary_template_name) {
        primary_template = &c;
      }
    }
  }
  Value merged(rapidjson::kArrayType);
  if (base_list == nullptr || !base_list->IsArray()) return merged;
  for (const Value& container : base_list->GetArray()) {
    Value result;
    bool have = false;
    if (default_template != nullptr) {
      result.CopyFrom(*default_template, allocator);
      have = true;
    }
    const Value* name = json::Find(container, "name");
    if (!primary_name.empty() && primary_template != nullptr &&
        name != nullptr && name->IsString() &&
        name->GetString() == primary_name) {
      if (!have) {
        result.CopyFrom(*primary_template, allocator);
        have = true;
      } else {
        json::MergeOverride(result, *primary_template, allocator);
      }
    }
    if (!have) {
      result.CopyFrom(container, allocator);
    } else {
      json::MergeOverride(result, container, allocator);
    }
    merged.PushBack(result, allocator);
  }
  return merged;
}

absl::Status MergeWithBasePodTemplate(
    const flyteplug::abi::flyteidl::core::K8sPod& base, FlytePod& pod,
    json::Allocator& allocator) {
  Value template_spec = sdk::ToRapidJson(base.pod_spec(), allocator);
  if (absl::Status s = CheckPodSpec(template_spec, "base pod template");
      !s.ok()) {
    return s;
  }
  Value merged(template_spec, allocator);
  json::MergeOverride(merged, pod.spec, allocator);
  for (const auto& [list, default_name, primary_template] :
       {std::make_tuple("containers", "default", "primary"),
        std::make_tuple("initContainers", "default-init", "primary-init")}) {
    const Value* base_list = json::Find(pod.spec, list);
    if (base_list == nullptr) continue;
    absl::string_view primary = absl::string_view(list) == "containers"
                                    ? pod.primary_container_name
                                    : absl::string_view();
    Value containers = MergeContainersOntoTemplate(
        json::Find(template_spec, list), base_list, default_name,
        primary_template, primary, allocator);
    json::Set(merged, list, std::move(containers), allocator);
  }
  pod.spec = std::move(merged);
  for (const auto& [k, v] : base.metadata().labels()) pod.labels.emplace(k, v);
  for (const auto& [k, v] : base.metadata().annotations()) {
    pod.annotations.emplace(k, v);
  }
  return absl::OkStatus();
}

bool PodUsesResource(const Value& spec, absl::string_view name,
                     const char* group_key) {
  const Value* containers = json::Find(spec, "containers");
  if (containers == nullptr || !containers->IsArray()) return false;
  for (const Value& c : containers->GetArray()) {
    const Value* resources = json::Find(c, "resources");
    if (resources == nullptr) continue;
    for (const char* key : {"requests", "limits"}) {
      if (group_key != nullptr && absl::string_view(key) != group_key) continue;
      const Value* group = json::Find(*resources, key);
      if (group != nullptr && json::Find(*group, name) != nullptr) return true;
    }
  }
  return false;
}

void AppendToleration(Value& spec, Value toleration,
                      json::Allocator& allocator) {
  json::Ensure(spec, "tolerations", rapidjson::kArrayType, allocator)
      .PushBack(toleration, allocator);
}

// Flyte's ApplyGPUNodeSelectors.
void ApplyGpuNodeSelectors(
    Value& spec, const flyteplug::abi::flyteidl::core::GPUAccelerator& gpu,
    const K8sPluginConfig& k8s, json::Allocator& allocator) {
  if (!PodUsesResource(spec, k8s.gpu_resource_name, nullptr)) return;
  Value& affinity =
      json::Ensure(spec, "affinity", rapidjson::kObjectType, allocator);
  if (!gpu.device().empty()) {
    AddRequiredNodeSelectorRequirement(
        affinity,
        Requirement(k8s.gpu_device_node_label, "In", {gpu.device()}, allocator),
        false, allocator);
    AppendToleration(
        spec, Toleration(k8s.gpu_device_node_label, gpu.device(), allocator),
        allocator);
  }
  switch (gpu.partition_size_value_case()) {
    case flyteplug::abi::flyteidl::core::GPUAccelerator::kUnpartitioned:
      if (!gpu.unpartitioned()) return;
      if (!k8s.gpu_unpartitioned_node_selector_requirement.IsNull()) {
        AddRequiredNodeSelectorRequirement(
            affinity, k8s.gpu_unpartitioned_node_selector_requirement, false,
            allocator);
      } else {
        AddRequiredNodeSelectorRequirement(
            affinity,
            Requirement(k8s.gpu_partition_size_node_label, "DoesNotExist", {},
                        allocator),
            false, allocator);
      }
      if (!k8s.gpu_unpartitioned_toleration.IsNull()) {
        AppendToleration(
            spec, json::Copy(k8s.gpu_unpartitioned_toleration, allocator),
            allocator);
      }
      return;
    case flyteplug::abi::flyteidl::core::GPUAccelerator::kPartitionSize:
      AddRequiredNodeSelectorRequirement(
          affinity,
          Requirement(k8s.gpu_partition_size_node_label, "In",
                      {gpu.partition_size()}, allocator),
          false, allocator);
      AppendToleration(spec,
                       Toleration(k8s.gpu_partition_size_node_label,
                                  gpu.partition_size(), allocator),
                       allocator);
      return;
    default:
      return;
  }
}

// BuildRawPod for a container target: one container named after the
// execution (a DNS label), with the task's image, command, args, env and
// resources.
absl::Status BuildRawContainerPod(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator, FlytePod& pod) {
  const flyteplug::abi::flyteidl::core::Container& source =
      context.task_template().container();
  const std::string& generated_name = context.metadata().generated_name();
  std::string name = IsDnsLabel(generated_name)
                         ? generated_name
                         : FallbackContainerName(generated_name);
  Value container(rapidjson::kObjectType);
  container.AddMember("name", json::String(name, allocator), allocator);
  container.AddMember("image", json::String(source.image(), allocator),
                      allocator);
  for (const auto& [key, list] : {std::make_pair("command", &source.command()),
                                  std::make_pair("args", &source.args())}) {
    if (list->empty()) continue;
    Value array(rapidjson::kArrayType);
    array.Reserve(static_cast<rapidjson::SizeType>(list->size()), allocator);
    for (const std::string& s : *list) {
      array.PushBack(json::String(s, allocator), allocator);
    }
    container.AddMember(rapidjson::StringRef(key), array, allocator);
  }
  if (!source.env().empty()) {
    Value env(rapidjson::kArrayType);
    env.Reserve(static_cast<rapidjson::SizeType>(source.env_size()), allocator);
    for (const auto& kv : source.env()) {
      env.PushBack(EnvVar(kv.key(), kv.value(), allocator), allocator);
    }
    container.AddMember("env", env, allocator);
  }
  Value resources(rapidjson::kObjectType);
  if (absl::Status s = AddResources(source.resources(), k8s,
                                    "taskTemplate.container.resources",
                                    resources, allocator);
      !s.ok()) {
    return s;
  }
  if (resources.MemberCount() > 0) {
    container.AddMember("resources", resources, allocator);
  }
  container.AddMember("terminationMessagePolicy", "FallbackToLogsOnError",
                      allocator);
  if (!k8s.image_pull_policy.empty()) {
    container.AddMember("imagePullPolicy",
                        json::String(k8s.image_pull_policy, allocator),
                        allocator);
  }
  Value containers(rapidjson::kArrayType);
  containers.PushBack(container, allocator);
  pod.spec.AddMember("containers", containers, allocator);
  pod.primary_container_name = std::move(name);
  return absl::OkStatus();
}

// BuildRawPod for a k8sPod target: its pod spec and metadata, the primary
// container named by taskTemplate.config["primary_container_name"].
absl::Status BuildRawK8sPod(
    const flyteplug::abi::flyteidl::core::TaskTemplate& task,
    json::Allocator& allocator, FlytePod& pod) {
  const flyteplug::abi::flyteidl::core::K8sPod& k8s_pod = task.k8s_pod();
  if (!k8s_pod.has_pod_spec()) {
    return BadSpec(
        "Pod tasks with task type version > 1 should specify their target "
        "as a K8sPod with a defined pod spec");
  }
  auto it = task.config().find("primary_container_name");
  if (it == task.config().end()) {
    return BadSpec(
        "invalid TaskSpecification, config missing "
        "[primary_container_name] key in taskTemplate.config");
  }
  pod.primary_container_name = it->second;
  pod.spec = sdk::ToRapidJson(k8s_pod.pod_spec(), allocator);
  if (absl::Status s = CheckPodSpec(pod.spec, "taskTemplate.k8sPod.podSpec");
      !s.ok()) {
    return s;
  }
  pod.labels.insert(k8s_pod.metadata().labels().begin(),
                    k8s_pod.metadata().labels().end());
  pod.annotations.insert(k8s_pod.metadata().annotations().begin(),
                         k8s_pod.metadata().annotations().end());
  return absl::OkStatus();
}

// The execution's pod template override (metadata.overrides.podTemplate):
// replaces the pod spec and primary container name, adds its metadata.
absl::Status ApplyPodTemplateOverride(
    const flyteplug::abi::flyteidl::core::K8sPod& override_pod,
    json::Allocator& allocator, FlytePod& pod) {
  for (const auto& [k, v] : override_pod.metadata().labels()) {
    pod.labels[k] = v;
  }
  for (const auto& [k, v] : override_pod.metadata().annotations()) {
    pod.annotations[k] = v;
  }
  pod.spec = sdk::ToRapidJson(override_pod.pod_spec(), allocator);
  if (absl::Status s =
          CheckPodSpec(pod.spec, "metadata.overrides.podTemplate.podSpec");
      !s.ok()) {
    return s;
  }
  pod.primary_container_name = override_pod.primary_container_name();
  return absl::OkStatus();
}

// Flyte's BuildRawPod, then the execution's pod template override.
absl::Status BuildRawPod(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator, FlytePod& pod) {
  const flyteplug::abi::flyteidl::core::TaskTemplate& task =
      context.task_template();
  absl::Status status;
  switch (task.target_case()) {
    case flyteplug::abi::flyteidl::core::TaskTemplate::kContainer:
      status = BuildRawContainerPod(context, k8s, allocator, pod);
      break;
    case flyteplug::abi::flyteidl::core::TaskTemplate::kK8SPod:
      status = BuildRawK8sPod(task, allocator, pod);
      break;
    default:
      return BadSpec(
          "invalid TaskSpecification, unable to determine Pod configuration");
  }
  if (!status.ok()) return status;
  const flyteplug::abi::flyteplug::v1::TaskOverrides& overrides =
      context.metadata().overrides();
  if (overrides.has_pod_template() && overrides.pod_template().has_pod_spec()) {
    return ApplyPodTemplateOverride(overrides.pod_template(), allocator, pod);
  }
  return absl::OkStatus();
}

// The container loop of ApplyFlytePodConfiguration: every container and
// init container customised, the primary one with the execution's resource
// overrides. Returns the resource names the pod uses (with cpu and memory
// for the primary and init containers). Errors: the primary container is
// missing, an override quantity is invalid.
absl::StatusOr<std::set<std::string>> CustomizeContainers(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator, FlytePod& pod) {
  Value override_resources(rapidjson::kObjectType);
  if (absl::Status s = AddResources(context.metadata().overrides().resources(),
                                    k8s, "metadata.overrides.resources",
                                    override_resources, allocator);
      !s.ok()) {
    return s;
  }
  EnvList decorations = DecorationEnv(context, k8s);
  std::set<std::string> resource_names;
  bool found_primary = false;
  for (const char* list : {"containers", "initContainers"}) {
    Value* containers = json::Find(pod.spec, list);
    if (containers == nullptr || !containers->IsArray()) continue;
    bool init = absl::string_view(list) == "initContainers";
    for (Value& container : containers->GetArray()) {
      const Value* name = json::Find(container, "name");
      bool primary = !init && name != nullptr && name->IsString() &&
                     pod.primary_container_name == name->GetString();
      if (primary) {
        found_primary = true;
        MergeResourceOverrides(container, override_resources, allocator);
      }
      CustomizeContainer(container, context, decorations, k8s, allocator);
      CollectResourceNames(container, &resource_names);
      // Primary and init containers get the platform cpu/memory defaults.
      if (primary || init) {
        resource_names.insert("cpu");
        resource_names.insert("memory");
      }
    }
  }
  if (!found_primary) {
    return BadSpec(
        absl::StrCat("invalid TaskSpecification, primary container [",
                     pod.primary_container_name, "] not defined"));
  }
  return resource_names;
}

// `default-security-context` on a primary container that has none.
void ApplyDefaultSecurityContext(const K8sPluginConfig& k8s,
                                 json::Allocator& allocator, FlytePod& pod) {
  Value* primary = FindContainer(pod.spec, pod.primary_container_name);
  if (primary == nullptr || k8s.default_security_context.IsNull()) return;
  const Value* security = json::Find(*primary, "securityContext");
  if (security == nullptr || security->IsNull()) {
    json::Set(*primary, "securityContext",
              json::Copy(k8s.default_security_context, allocator), allocator);
  }
}

// The first half of Flyte's ApplyFlytePodConfiguration: the named
// PodTemplate must exist, containers customised.
absl::StatusOr<std::set<std::string>> CheckTemplateAndCustomizeContainers(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator, FlytePod& pod) {
  const std::string& template_name =
      context.task_template().metadata().pod_template_name();
  if (!template_name.empty() && !context.has_base_pod_template()) {
    return BadSpec(
        absl::StrCat("PodTemplate '", template_name, "' does not exist"));
  }
  return CustomizeContainers(context, k8s, allocator, pod);
}

// The rest of it: UpdatePod, the default security context, then the base
// PodTemplate merged underneath.
absl::Status FinishFlytePodConfiguration(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, bool interruptible,
    const std::set<std::string>& resource_names, json::Allocator& allocator,
    FlytePod& pod) {
  UpdatePod(pod.spec, resource_names, interruptible, context, k8s, allocator);
  ApplyDefaultSecurityContext(k8s, allocator, pod);
  if (context.has_base_pod_template() &&
      context.base_pod_template().has_pod_spec()) {
    return MergeWithBasePodTemplate(context.base_pod_template(), pod,
                                    allocator);
  }
  return absl::OkStatus();
}

// `add-tolerations-for-extended-resources`: an Exists toleration for each
// listed resource the pod uses, unless already present.
void AddExtendedResourceTolerations(const K8sPluginConfig& k8s,
                                    json::Allocator& allocator, Value& spec) {
  for (const std::string& name : k8s.add_tolerations_for_extended_resources) {
    if (!PodUsesResource(spec, name, nullptr)) continue;
    Value toleration = ToleranceExists(name, allocator);
    bool present = false;
    if (const Value* list = json::Find(spec, "tolerations")) {
      for (const Value& t : list->GetArray()) {
        present = present || t == toleration;
      }
    }
    if (!present) AppendToleration(spec, std::move(toleration), allocator);
  }
}

// Extended resources (the execution's GPU accelerator replaces the task's),
// the execution's container image override, then the extended-resource
// tolerations.
void ApplyExecutionExtras(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator, FlytePod& pod) {
  const flyteplug::abi::flyteplug::v1::TaskOverrides& overrides =
      context.metadata().overrides();
  flyteplug::abi::flyteidl::core::GPUAccelerator gpu =
      context.task_template().extended_resources().gpu_accelerator();
  if (overrides.extended_resources().has_gpu_accelerator()) {
    gpu = overrides.extended_resources().gpu_accelerator();
  }
  ApplyGpuNodeSelectors(pod.spec, gpu, k8s, allocator);
  if (!overrides.container_image().empty()) {
    if (Value* primary = FindContainer(pod.spec, pod.primary_container_name)) {
      json::Set(*primary, "image",
                json::String(overrides.container_image(), allocator),
                allocator);
    }
  }
  AddExtendedResourceTolerations(k8s, allocator, pod.spec);
}

}  // namespace

void AddRequiredNodeSelectorRequirement(Value& affinity,
                                        const Value& requirement,
                                        bool skip_present,
                                        json::Allocator& allocator) {
  Value& node =
      json::Ensure(affinity, "nodeAffinity", rapidjson::kObjectType, allocator);
  Value& required =
      json::Ensure(node, "requiredDuringSchedulingIgnoredDuringExecution",
                   rapidjson::kObjectType, allocator);
  Value& terms = json::Ensure(required, "nodeSelectorTerms",
                              rapidjson::kArrayType, allocator);
  if (terms.Empty()) {
    Value term(rapidjson::kObjectType);
    Value expressions(rapidjson::kArrayType);
    expressions.PushBack(json::Copy(requirement, allocator), allocator);
    term.AddMember("matchExpressions", expressions, allocator);
    terms.PushBack(term, allocator);
    return;
  }
  for (Value& term : terms.GetArray()) {
    Value& expressions = json::Ensure(term, "matchExpressions",
                                      rapidjson::kArrayType, allocator);
    if (skip_present) {
      bool present = false;
      for (const Value& e : expressions.GetArray()) {
        present = present || e == requirement;
      }
      if (present) continue;
    }
    expressions.PushBack(json::Copy(requirement, allocator), allocator);
  }
}

void RenderContainerTemplates(
    Value& spec, const flyteplug::abi::flyteplug::v1::TaskContext& context,
    json::Allocator& allocator) {
  for (const char* list : {"containers", "initContainers"}) {
    Value* containers = json::Find(spec, list);
    if (containers == nullptr || !containers->IsArray()) continue;
    for (Value& container : containers->GetArray()) {
      RenderStrings(json::Find(container, "command"), context, allocator);
      RenderStrings(json::Find(container, "args"), context, allocator);
    }
  }
}

Value* FindContainer(Value& spec, absl::string_view name) {
  Value* containers = json::Find(spec, "containers");
  if (containers == nullptr || !containers->IsArray()) return nullptr;
  for (Value& c : containers->GetArray()) {
    const Value* n = json::Find(c, "name");
    if (n != nullptr && n->IsString() &&
        absl::string_view(n->GetString(), n->GetStringLength()) == name) {
      return &c;
    }
  }
  return nullptr;
}

absl::StatusOr<PreparedPod> PreparePodSpec(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, json::Allocator& allocator) {
  PreparedPod prepared;
  if (absl::Status s = BuildRawPod(context, k8s, allocator, prepared.pod);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::set<std::string>> resource_names =
      CheckTemplateAndCustomizeContainers(context, k8s, allocator,
                                          prepared.pod);
  if (!resource_names.ok()) return resource_names.status();
  prepared.resource_names = *std::move(resource_names);
  return prepared;
}

absl::StatusOr<FlytePod> FinishPodSpec(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, bool interruptible, json::Allocator& allocator,
    PreparedPod prepared) {
  FlytePod& pod = prepared.pod;
  if (absl::Status s = FinishFlytePodConfiguration(
          context, k8s, interruptible, prepared.resource_names, allocator, pod);
      !s.ok()) {
    return s;
  }
  ApplyExecutionExtras(context, k8s, allocator, pod);
  return std::move(pod);
}

PreparedPod CopyPreparedPod(const PreparedPod& prepared,
                            json::Allocator& allocator) {
  PreparedPod copy;
  copy.pod.spec = json::Copy(prepared.pod.spec, allocator);
  copy.pod.labels = prepared.pod.labels;
  copy.pod.annotations = prepared.pod.annotations;
  copy.pod.primary_container_name = prepared.pod.primary_container_name;
  copy.resource_names = prepared.resource_names;
  return copy;
}

absl::StatusOr<FlytePod> ToK8sPodSpec(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const K8sPluginConfig& k8s, bool interruptible,
    json::Allocator& allocator) {
  absl::StatusOr<PreparedPod> prepared =
      PreparePodSpec(context, k8s, allocator);
  if (!prepared.ok()) return prepared.status();
  return FinishPodSpec(context, k8s, interruptible, allocator,
                       *std::move(prepared));
}

}  // namespace flyteplug::flytek8s
