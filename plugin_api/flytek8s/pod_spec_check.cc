#include "flyteplug/flytek8s/pod_spec_check.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace flyteplug::flytek8s {
namespace {

using json::Value;

absl::Status TypeError(absl::string_view what, absl::string_view path,
                       absl::string_view expected, const Value& got) {
  return absl::InvalidArgumentError(
      absl::StrCat("Unable to unmarshal ", what, ": ", path, ": expected ",
                   expected, ", got ", json::TypeName(got)));
}

absl::Status CheckStringArray(const Value& value, absl::string_view what,
                              const std::string& path) {
  if (!value.IsArray()) return TypeError(what, path, "an array", value);
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    if (!value[i].IsString()) {
      return TypeError(what, absl::StrCat(path, "[", i, "]"), "a string",
                       value[i]);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStringMap(const Value& value, absl::string_view what,
                            const std::string& path) {
  if (!value.IsObject()) return TypeError(what, path, "an object", value);
  for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
    if (!it->value.IsString()) {
      return TypeError(what, absl::StrCat(path, ".", it->name.GetString()),
                       "a string", it->value);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckContainer(const Value& container, absl::string_view what,
                            const std::string& path) {
  if (!container.IsObject()) {
    return TypeError(what, path, "an object", container);
  }
  for (const char* key : {"name", "image"}) {
    if (const Value* v = json::Find(container, key);
        v != nullptr && !v->IsNull() && !v->IsString()) {
      return TypeError(what, absl::StrCat(path, ".", key), "a string", *v);
    }
  }
  for (const char* key : {"args", "command"}) {
    if (const Value* v = json::Find(container, key);
        v != nullptr && !v->IsNull()) {
      if (absl::Status s =
              CheckStringArray(*v, what, absl::StrCat(path, ".", key));
          !s.ok()) {
        return s;
      }
    }
  }
  if (const Value* env = json::Find(container, "env");
      env != nullptr && !env->IsNull()) {
    std::string env_path = absl::StrCat(path, ".env");
    if (!env->IsArray()) return TypeError(what, env_path, "an array", *env);
    for (rapidjson::SizeType i = 0; i < env->Size(); ++i) {
      const Value& item = (*env)[i];
      std::string item_path = absl::StrCat(env_path, "[", i, "]");
      if (!item.IsObject())
        return TypeError(what, item_path, "an object", item);
      const Value* name = json::Find(item, "name");
      if (name == nullptr || !name->IsString()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Unable to unmarshal ", what, ": ", item_path,
                         ".name: an environment variable needs a string name"));
      }
    }
  }
  if (const Value* resources = json::Find(container, "resources");
      resources != nullptr && !resources->IsNull()) {
    std::string res_path = absl::StrCat(path, ".resources");
    if (!resources->IsObject()) {
      return TypeError(what, res_path, "an object", *resources);
    }
    for (const char* key : {"requests", "limits"}) {
      if (const Value* v = json::Find(*resources, key);
          v != nullptr && !v->IsNull() && !v->IsObject()) {
        return TypeError(what, absl::StrCat(res_path, ".", key), "an object",
                         *v);
      }
    }
  }
  if (const Value* v = json::Find(container, "securityContext");
      v != nullptr && !v->IsNull() && !v->IsObject()) {
    return TypeError(what, absl::StrCat(path, ".securityContext"), "an object",
                     *v);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPodSpec(const Value& spec, absl::string_view what) {
  if (!spec.IsObject()) return TypeError(what, "podSpec", "an object", spec);
  for (const char* list : {"containers", "initContainers"}) {
    const Value* containers = json::Find(spec, list);
    if (containers == nullptr || containers->IsNull()) continue;
    if (!containers->IsArray()) {
      return TypeError(what, list, "an array", *containers);
    }
    for (rapidjson::SizeType i = 0; i < containers->Size(); ++i) {
      if (absl::Status s = CheckContainer((*containers)[i], what,
                                          absl::StrCat(list, "[", i, "]"));
          !s.ok()) {
        return s;
      }
    }
  }
  if (const Value* v = json::Find(spec, "tolerations");
      v != nullptr && !v->IsNull()) {
    if (!v->IsArray()) return TypeError(what, "tolerations", "an array", *v);
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      if (!(*v)[i].IsObject()) {
        return TypeError(what, absl::StrCat("tolerations[", i, "]"),
                         "an object", (*v)[i]);
      }
    }
  }
  if (const Value* v = json::Find(spec, "nodeSelector");
      v != nullptr && !v->IsNull()) {
    if (absl::Status s = CheckStringMap(*v, what, "nodeSelector"); !s.ok()) {
      return s;
    }
  }
  for (const char* key : {"affinity", "securityContext", "dnsConfig"}) {
    if (const Value* v = json::Find(spec, key);
        v != nullptr && !v->IsNull() && !v->IsObject()) {
      return TypeError(what, key, "an object", *v);
    }
  }
  for (const char* key : {"schedulerName", "serviceAccountName",
                          "priorityClassName", "restartPolicy"}) {
    if (const Value* v = json::Find(spec, key);
        v != nullptr && !v->IsNull() && !v->IsString()) {
      return TypeError(what, key, "a string", *v);
    }
  }
  if (const Value* v = json::Find(spec, "hostNetwork");
      v != nullptr && !v->IsNull() && !v->IsBool()) {
    return TypeError(what, "hostNetwork", "a boolean", *v);
  }
  if (const Value* v = json::Find(spec, "affinity"); v && v->IsObject()) {
    const Value* node = json::Find(*v, "nodeAffinity");
    const Value* required =
        node ? json::Find(*node,
                          "requiredDuringSchedulingIgnoredDuringExecution")
             : nullptr;
    const Value* terms =
        required ? json::Find(*required, "nodeSelectorTerms") : nullptr;
    if (terms != nullptr && !terms->IsNull()) {
      constexpr absl::string_view kTerms =
          "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
          ".nodeSelectorTerms";
      if (!terms->IsArray()) return TypeError(what, kTerms, "an array", *terms);
      for (rapidjson::SizeType i = 0; i < terms->Size(); ++i) {
        const Value& term = (*terms)[i];
        std::string path = absl::StrCat(kTerms, "[", i, "]");
        if (!term.IsObject()) return TypeError(what, path, "an object", term);
        const Value* exprs = json::Find(term, "matchExpressions");
        if (exprs != nullptr && !exprs->IsNull() && !exprs->IsArray()) {
          return TypeError(what, absl::StrCat(path, ".matchExpressions"),
                           "an array", *exprs);
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace flyteplug::flytek8s
