#include "flyteplug/flytek8s/pod_overlay.h"

#include <map>
#include <string>
#include <utility>

#include "flyteplug/flytek8s/pod_spec.h"

namespace flyteplug::flytek8s {

using json::Value;

void MergeOverlayPodSpec(Value& base, const Value& overlay, bool dedupe,
                         json::Allocator& allocator) {
  Value merged(base, allocator);
  json::MergeOverride(merged, overlay, allocator);
  for (const char* list : {"containers", "initContainers"}) {
    const Value* base_list = json::Find(base, list);
    if (base_list == nullptr || !base_list->IsArray()) {
      json::Remove(merged, list);
      continue;
    }
    const Value* overlay_list = json::Find(overlay, list);
    Value containers(rapidjson::kArrayType);
    for (const Value& container : base_list->GetArray()) {
      Value result(container, allocator);
      const Value* name = json::Find(container, "name");
      if (overlay_list != nullptr && overlay_list->IsArray() &&
          name != nullptr) {
        for (const Value& candidate : overlay_list->GetArray()) {
          const Value* other = json::Find(candidate, "name");
          if (other == nullptr || !(*other == *name)) continue;
          if (!dedupe) {
            json::MergeOverride(result, candidate, allocator);
            continue;
          }
          // Drop what the overlay merely repeats, then merge the rest.
          Value trimmed(candidate, allocator);
          const Value* base_args = json::Find(result, "args");
          if (const Value* args = json::Find(trimmed, "args");
              args != nullptr && base_args != nullptr && *args == *base_args) {
            json::Remove(trimmed, "args");
          }
          if (Value* env = json::Find(trimmed, "env"); env && env->IsArray()) {
            const Value* base_env = json::Find(result, "env");
            Value kept(rapidjson::kArrayType);
            for (Value& var : env->GetArray()) {
              bool repeated = false;
              if (base_env != nullptr && base_env->IsArray()) {
                for (const Value& existing : base_env->GetArray()) {
                  repeated = repeated || existing == var;
                }
              }
              if (!repeated) kept.PushBack(var, allocator);
            }
            *env = kept;
          }
          json::MergeOverride(result, trimmed, allocator);
        }
      }
      containers.PushBack(result, allocator);
    }
    json::Set(merged, list, std::move(containers), allocator);
  }
  base = std::move(merged);
}

void ApplyPlatformConstraints(Value& spec, bool interruptible,
                              const K8sPluginConfig& k8s,
                              json::Allocator& allocator) {
  const Value* affinity = json::Find(spec, "affinity");
  if ((affinity == nullptr || affinity->IsNull()) &&
      !k8s.default_affinity.IsNull()) {
    json::Set(spec, "affinity", Value(k8s.default_affinity, allocator),
              allocator);
  }
  const Value& requirement =
      interruptible ? k8s.interruptible_node_selector_requirement
                    : k8s.non_interruptible_node_selector_requirement;
  if (!requirement.IsNull()) {
    AddRequiredNodeSelectorRequirement(
        json::Ensure(spec, "affinity", rapidjson::kObjectType, allocator),
        requirement, /*skip_present=*/true, allocator);
  }
  std::map<std::string, std::string> selector = k8s.default_node_selector;
  if (const Value* own = json::Find(spec, "nodeSelector");
      own != nullptr && own->IsObject()) {
    for (auto it = own->MemberBegin(); it != own->MemberEnd(); ++it) {
      if (it->value.IsString()) {
        selector[it->name.GetString()] = it->value.GetString();
      }
    }
  }
  if (interruptible) {
    for (const auto& [k, v] : k8s.interruptible_node_selector) selector[k] = v;
  }
  if (!selector.empty()) {
    json::Set(spec, "nodeSelector", json::StringMap(selector, allocator),
              allocator);
  }
  Value tolerations(rapidjson::kArrayType);
  auto add = [&](const Value& t) {
    for (const Value& existing : tolerations.GetArray()) {
      if (existing == t) return;
    }
    tolerations.PushBack(Value(t, allocator), allocator);
  };
  if (interruptible) {
    for (const Value& t : k8s.interruptible_tolerations.GetArray()) add(t);
  }
  for (const Value& t : k8s.default_tolerations.GetArray()) add(t);
  if (const Value* own = json::Find(spec, "tolerations");
      own != nullptr && own->IsArray()) {
    for (const Value& t : own->GetArray()) add(t);
  }
  if (!tolerations.Empty()) {
    json::Set(spec, "tolerations", std::move(tolerations), allocator);
  }
}

}  // namespace flyteplug::flytek8s
