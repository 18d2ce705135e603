#include "flyteplug/flytek8s/pod_overlay.h"

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flyteplug/flytek8s/pod_spec.h"
#include "flyteplug/sdk/json_value_index.h"

namespace flyteplug::flytek8s {

using json::Value;

namespace {

// The overlay containers of `overlay_list` by name, in overlay order, for
// matching each base container in O(1) instead of a scan. Names that are
// not strings cannot equal a string and are matched by scanning.
class OverlayContainersByName {
 public:
  explicit OverlayContainersByName(const Value* overlay_list)
      : list_(overlay_list != nullptr && overlay_list->IsArray() ? overlay_list
                                                                 : nullptr) {
    if (list_ == nullptr) return;
    for (rapidjson::SizeType i = 0; i < list_->Size(); ++i) {
      const Value* name = json::Find((*list_)[i], "name");
      if (name != nullptr && name->IsString()) {
        by_name_[std::string_view(name->GetString(), name->GetStringLength())]
            .push_back(i);
      }
    }
  }

  // The overlay containers whose name equals `name` (operator==), in order.
  std::vector<const Value*> Matching(const Value& name) const {
    std::vector<const Value*> out;
    if (list_ == nullptr) return out;
    if (name.IsString()) {
      auto it = by_name_.find(
          std::string_view(name.GetString(), name.GetStringLength()));
      if (it == by_name_.end()) return out;
      for (rapidjson::SizeType i : it->second) out.push_back(&(*list_)[i]);
      return out;
    }
    for (const Value& candidate : list_->GetArray()) {
      const Value* other = json::Find(candidate, "name");
      if (other != nullptr && *other == name) out.push_back(&candidate);
    }
    return out;
  }

 private:
  const Value* list_;  // nullptr: no overlay containers
  std::unordered_map<std::string_view, std::vector<rapidjson::SizeType>>
      by_name_;
};

// Merges the overlay container `candidate` onto `result` with `dedupe`: its
// args are dropped when they equal `result`'s, and its env entries equal to
// one already in `result`'s env are skipped. `env_index` indexes `result`'s
// env across the candidates merged onto it.
void MergeDedupedContainer(Value& result, const Value& candidate,
                           json::ArrayValueIndex& env_index,
                           json::Allocator& allocator) {
  Value trimmed(candidate, allocator);
  const Value* base_args = json::Find(result, "args");
  if (const Value* args = json::Find(trimmed, "args");
      args != nullptr && base_args != nullptr && *args == *base_args) {
    json::Remove(trimmed, "args");
  }
  Value* env = json::Find(trimmed, "env");
  if (env != nullptr && env->IsArray()) {
    const Value* base_env = json::Find(result, "env");
    if (base_env != nullptr && base_env->IsArray()) {
      env_index.IndexNew(*base_env);
      Value kept(rapidjson::kArrayType);
      for (Value& var : env->GetArray()) {
        if (!env_index.Contains(*base_env, var)) kept.PushBack(var, allocator);
      }
      *env = kept;
    }
  }
  // An array env is appended to result's (the index stays valid); any
  // other non-empty one replaces it.
  if (env != nullptr && !env->IsArray()) env_index.Clear();
  json::MergeOverride(result, trimmed, allocator);
}

}  // namespace

void MergeOverlayPodSpec(Value& base, const Value& overlay, bool dedupe,
                         json::Allocator& allocator) {
  constexpr const char* kLists[] = {"containers", "initContainers"};
  // The container lists are rebuilt from base's: moved out first (leaving
  // null in place) so that the merge below neither copies nor extends them.
  Value base_lists[2];
  for (int i = 0; i < 2; ++i) {
    if (Value* list = json::Find(base, kLists[i])) {
      base_lists[i] = std::move(*list);
    }
  }
  json::MergeOverride(base, overlay, allocator);
  for (int i = 0; i < 2; ++i) {
    Value& list = base_lists[i];
    if (!list.IsArray()) {
      json::Remove(base, kLists[i]);
      continue;
    }
    const OverlayContainersByName overlay_containers(
        json::Find(overlay, kLists[i]));
    for (Value& container : list.GetArray()) {
      const Value* name = json::Find(container, "name");
      if (name == nullptr) continue;
      std::vector<const Value*> candidates = overlay_containers.Matching(*name);
      json::ArrayValueIndex env_index;
      for (const Value* candidate : candidates) {
        if (dedupe) {
          MergeDedupedContainer(container, *candidate, env_index, allocator);
        } else {
          json::MergeOverride(container, *candidate, allocator);
        }
      }
    }
    json::Set(base, kLists[i], std::move(list), allocator);
  }
}

void ApplyPlatformConstraints(Value& spec, bool interruptible,
                              const K8sPluginConfig& k8s,
                              json::Allocator& allocator) {
  const Value* affinity = json::Find(spec, "affinity");
  if ((affinity == nullptr || affinity->IsNull()) &&
      !k8s.default_affinity.IsNull()) {
    json::Set(spec, "affinity", json::Copy(k8s.default_affinity, allocator),
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
  json::ArrayValueIndex added;
  auto add = [&](const Value& t) {
    if (added.Contains(tolerations, t)) return;
    tolerations.PushBack(Value(t, allocator), allocator);
    added.IndexNew(tolerations);
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
