#include "role_spec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/flytek8s/pod_overlay.h"
#include "flyteplug/flytek8s/pod_spec_check.h"
#include "flyteplug/flytek8s/quantity.h"
#include "flyteplug/sdk/struct_rapidjson.h"
#include "spark_conf.h"

namespace flyteplug::spark {

using ::flyteplug::flytek8s::AddRequiredNodeSelectorRequirement;
using ::flyteplug::flytek8s::ApplyPlatformConstraints;
using ::flyteplug::flytek8s::CheckPodSpec;
using ::flyteplug::flytek8s::FindContainer;
using ::flyteplug::flytek8s::FinishPodSpec;
using ::flyteplug::flytek8s::MergeOverlayPodSpec;
using ::flyteplug::flytek8s::QuantityValue;
using ::flyteplug::flytek8s::RenderContainerTemplates;
using ::flyteplug::sdk::ToRapidJson;
namespace {

using json::Value;

constexpr char kDriverTemplateContainer[] = "spark-kubernetes-driver";
constexpr char kExecutorTemplateContainer[] = "spark-kubernetes-executor";

// Flyte's serviceAccountName(metadata).
std::string ServiceAccount(
    const flyteplug::abi::flyteplug::v1::TaskExecutionMetadata& md) {
  const std::string& run_as =
      md.security_context().run_as().k8s_service_account();
  if (!run_as.empty()) return run_as;
  if (!md.k8s_service_account().empty()) return md.k8s_service_account();
  return "spark";
}

void SetString(Value& object, absl::string_view key, absl::string_view value,
               json::Allocator& allocator) {
  json::Set(object, key, json::String(value, allocator), allocator);
}

void CopyIfPresent(Value& out, absl::string_view out_key, const Value& from,
                   absl::string_view from_key, bool skip_empty,
                   json::Allocator& allocator) {
  const Value* value = json::Find(from, from_key);
  if (value == nullptr || value->IsNull()) return;
  if (skip_empty && json::IsEmpty(*value)) return;
  json::Set(out, out_key, json::Copy(*value, allocator), allocator);
}

const Value* Resource(const Value& container, const char* group,
                      absl::string_view name) {
  const Value* resources = json::Find(container, "resources");
  const Value* g = resources ? json::Find(*resources, group) : nullptr;
  const Value* v = g ? json::Find(*g, name) : nullptr;
  return v != nullptr && (v->IsString() || v->IsNumber()) ? v : nullptr;
}

std::string QuantityString(const Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  return v.IsInt64() ? absl::StrCat(v.GetInt64()) : absl::StrCat(v.GetDouble());
}

// propagate-container-resources: the primary container's resources onto
// coreRequest / coreLimit / memory / gpu, unless sparkConf already decides.
void PropagateResources(const Value& container,
                        const std::map<std::string, std::string>& conf,
                        bool driver, const K8sPluginConfig& k8s, Value& spec,
                        json::Allocator& allocator) {
  const char* role = driver ? "driver" : "executor";
  auto has = [&](const std::string& key) {
    auto it = conf.find(key);
    return it != conf.end() && !it->second.empty();
  };
  const Value* cpu_request = Resource(container, "requests", "cpu");
  const Value* cpu_limit = Resource(container, "limits", "cpu");
  if (cpu_request == nullptr) cpu_request = cpu_limit;
  if (cpu_request != nullptr &&
      !has(absl::StrCat("spark.kubernetes.", role, ".request.cores"))) {
    SetString(spec, "coreRequest", QuantityString(*cpu_request), allocator);
  }
  if (cpu_limit != nullptr &&
      !has(absl::StrCat("spark.kubernetes.", role, ".limit.cores"))) {
    SetString(spec, "coreLimit", QuantityString(*cpu_limit), allocator);
  }
  const Value* memory = Resource(container, "limits", "memory");
  if (memory == nullptr) memory = Resource(container, "requests", "memory");
  if (memory != nullptr && !has(absl::StrCat("spark.", role, ".memory"))) {
    double bytes = QuantityValue(QuantityString(*memory));
    if (bytes > 0) {
      // Spark/JVM notation in MiB, rounded up.
      int64_t mib = static_cast<int64_t>((bytes + 1048575.0) / 1048576.0);
      SetString(spec, "memory", absl::StrCat(mib, "m"), allocator);
    }
  }
  const Value* gpu = Resource(container, "limits", k8s.gpu_resource_name);
  if (gpu == nullptr)
    gpu = Resource(container, "requests", k8s.gpu_resource_name);
  if (gpu != nullptr) {
    double count = QuantityValue(QuantityString(*gpu));
    if (count >= 1) {
      Value g(rapidjson::kObjectType);
      g.AddMember("name", json::String(k8s.gpu_resource_name, allocator),
                  allocator);
      g.AddMember("quantity", Value(static_cast<int64_t>(count)), allocator);
      json::Set(spec, "gpu", std::move(g), allocator);
    }
  }
}

// Labels or annotations of a role: defaults, pod objectMeta, execution
// metadata, then the role overlay's metadata (highest).
Value RoleMetadataMap(
    const std::map<std::string, std::string>& defaults,
    const std::map<std::string, std::string>& object_meta,
    const google::protobuf::Map<std::string, std::string>& execution,
    const std::map<std::string, std::string>* role,
    json::Allocator& allocator) {
  json::StringMapMerger merged;
  merged.Add(defaults);
  merged.Add(object_meta);
  merged.Add(execution);
  if (role != nullptr) merged.Add(*role);
  return merged.Build(allocator);
}

// `overlay-primary-container-alias`: when the overlay's primary container
// name (default "primary") names no container of the role's pod, the
// overlay's container of that name is renamed to the pod's primary
// container. Returns whether the alias applied (then the overlay's name no
// longer designates the primary container).
bool AliasOverlayPrimaryContainer(Role& role, Value& overlay_spec,
                                  json::Allocator& allocator) {
  const std::string alias = role.overlay.primary_container_name.empty()
                                ? "primary"
                                : role.overlay.primary_container_name;
  if (alias == role.primary || FindContainer(role.pod.spec, alias) != nullptr) {
    return false;
  }
  if (Value* container = FindContainer(overlay_spec, alias)) {
    SetString(*container, "name", role.primary, allocator);
  }
  return true;
}

// `enforce-platform-affinity` (Flyte 2's fix): after an overlay merge, the
// (non-)interruptible node-selector requirement is back on every required
// term and an interruptible pod keeps the interruptible node selector.
void ReapplyPlatformAffinity(bool interruptible, const K8sPluginConfig& k8s,
                             Value& spec, json::Allocator& allocator) {
  const Value& requirement =
      interruptible ? k8s.interruptible_node_selector_requirement
                    : k8s.non_interruptible_node_selector_requirement;
  Value& affinity =
      json::Ensure(spec, "affinity", rapidjson::kObjectType, allocator);
  if (!requirement.IsNull()) {
    AddRequiredNodeSelectorRequirement(affinity, requirement,
                                       /*skip_present=*/true, allocator);
  }
  if (interruptible && !k8s.interruptible_node_selector.empty()) {
    Value& selector =
        json::Ensure(spec, "nodeSelector", rapidjson::kObjectType, allocator);
    for (const auto& [k, v] : k8s.interruptible_node_selector) {
      SetString(selector, k, v, allocator);
    }
  }
}

// Flyte's MergeOverlayPodSpecOntoBase of the role's overlay pod spec onto
// its pod, with the switches that shape it. Sets *aliased as
// AliasOverlayPrimaryContainer returns. REQUIRES: role.overlay.pod_spec.
absl::Status MergeRoleOverlay(const BuildInputs& in, Role& role,
                              bool* aliased) {
  json::Allocator& allocator = in.allocator;
  Value overlay_spec = ToRapidJson(*role.overlay.pod_spec, allocator);
  if (absl::Status s = CheckPodSpec(
          overlay_spec, absl::StrCat(role.name(), " pod spec (custom.",
                                     role.overlay_field(), ".podSpec)"));
      !s.ok()) {
    return s;
  }
  if (in.spark.overlay_primary_container_alias) {
    *aliased = AliasOverlayPrimaryContainer(role, overlay_spec, allocator);
  }
  if (in.spark.dedupe_overlay_containers) {
    // The overlay repeats the task's container with its templates
    // unrendered (flytekit does this): render before comparing.
    RenderContainerTemplates(overlay_spec, in.context, allocator);
  }
  MergeOverlayPodSpec(role.pod.spec, overlay_spec,
                      in.spark.dedupe_overlay_containers, allocator);
  if (in.spark.enforce_platform_affinity) {
    ReapplyPlatformAffinity(role.interruptible, in.k8s, role.pod.spec,
                            allocator);
  }
  return absl::OkStatus();
}

// Step 3a, the role's pod: Flyte's ToK8sPodSpec (finished from `prepared`),
// the role's overlay merged onto it, then its primary container (the overlay
// may name another one). Returns that container, inside role.pod.spec.
absl::StatusOr<Value*> BuildRolePod(const BuildInputs& in, PreparedPod prepared,
                                    Role& role) {
  absl::StatusOr<FlytePod> built =
      FinishPodSpec(in.context, in.k8s, role.interruptible, in.allocator,
                    std::move(prepared));
  if (!built.ok()) return built.status();
  role.pod = *std::move(built);
  role.primary = role.pod.primary_container_name;
  const RolePod& overlay = role.overlay;
  bool aliased = false;
  if (overlay.present && overlay.pod_spec != nullptr) {
    if (absl::Status s = MergeRoleOverlay(in, role, &aliased); !s.ok()) {
      return s;
    }
  }
  if (overlay.present && !overlay.primary_container_name.empty() && !aliased) {
    role.primary = overlay.primary_container_name;
  }
  Value* container = FindContainer(role.pod.spec, role.primary);
  if (container == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid TaskSpecification, container [", role.primary,
                     "] not defined (", role.name(), " pod",
                     overlay.present && !overlay.primary_container_name.empty()
                         ? absl::StrCat(", custom.", role.overlay_field(),
                                        ".primaryContainerName")
                         : "",
                     ")"));
  }
  return container;
}

// The role's labels and annotations (RoleMetadataMap's order).
void AddRoleMetadata(const BuildInputs& in, const Role& role, Value& out) {
  const flyteplug::abi::flyteplug::v1::TaskExecutionMetadata& metadata =
      in.context.metadata();
  const RolePod& overlay = role.overlay;
  out.AddMember(
      "annotations",
      RoleMetadataMap(in.k8s.default_annotations, role.pod.annotations,
                      metadata.annotations(),
                      overlay.has_metadata ? &overlay.annotations : nullptr,
                      in.allocator),
      in.allocator);
  out.AddMember(
      "labels",
      RoleMetadataMap(in.k8s.default_labels, role.pod.labels, metadata.labels(),
                      overlay.has_metadata ? &overlay.labels : nullptr,
                      in.allocator),
      in.allocator);
}

// The primary container's env, then FLYTE_MAX_ATTEMPTS.
void AddRoleEnv(
    const flyteplug::abi::flyteplug::v1::TaskExecutionMetadata& metadata,
    const Value& container, Value& out, json::Allocator& allocator) {
  Value env(rapidjson::kArrayType);
  if (const Value* own = json::Find(container, "env"); own && own->IsArray()) {
    env = json::Copy(*own, allocator);
  }
  Value max_attempts(rapidjson::kObjectType);
  max_attempts.AddMember("name", "FLYTE_MAX_ATTEMPTS", allocator);
  max_attempts.AddMember(
      "value", json::String(absl::StrCat(metadata.max_attempts()), allocator),
      allocator);
  env.PushBack(max_attempts, allocator);
  out.AddMember("env", env, allocator);
}

// The SparkPodSpec fields Flyte copies from the pod spec and its primary
// container: image, security contexts, DNS config, tolerations, node
// selector, affinity, scheduler, host network, priority class.
void CopyPodFields(const Value& pod_spec, const Value& container, Value& out,
                   json::Allocator& allocator) {
  const Value* image = json::Find(container, "image");
  out.AddMember("image",
                image != nullptr && image->IsString()
                    ? Value(*image, allocator)
                    : Value(rapidjson::kStringType),
                allocator);
  CopyIfPresent(out, "podSecurityContext", pod_spec, "securityContext", false,
                allocator);
  CopyIfPresent(out, "securityContext", container, "securityContext", false,
                allocator);
  CopyIfPresent(out, "dnsConfig", pod_spec, "dnsConfig", false, allocator);
  CopyIfPresent(out, "tolerations", pod_spec, "tolerations", true, allocator);
  CopyIfPresent(out, "nodeSelector", pod_spec, "nodeSelector", true, allocator);
  const Value* affinity = json::Find(pod_spec, "affinity");
  out.AddMember("affinity",
                affinity != nullptr && affinity->IsObject()
                    ? json::Copy(*affinity, allocator)
                    : Value(rapidjson::kObjectType),
                allocator);
  const Value* scheduler = json::Find(pod_spec, "schedulerName");
  out.AddMember("schedulerName",
                scheduler != nullptr && scheduler->IsString()
                    ? Value(*scheduler, allocator)
                    : Value(rapidjson::kStringType),
                allocator);
  const Value* host_network = json::Find(pod_spec, "hostNetwork");
  out.AddMember("hostNetwork",
                Value(host_network != nullptr && host_network->IsBool() &&
                      host_network->GetBool()),
                allocator);
}

// The sparkConf values Flyte types into the role's fields: cores, memory
// and, for the executor, instances.
void AddSparkConfFields(const std::map<std::string, std::string>& conf,
                        const Role& role, Value& out,
                        json::Allocator& allocator) {
  auto find = [&conf](const std::string& key) -> const std::string* {
    auto it = conf.find(key);
    return it == conf.end() ? nullptr : &it->second;
  };
  std::string prefix = absl::StrCat("spark.", role.name(), ".");
  if (auto cores = ParseSparkInt(find(prefix + "cores"))) {
    out.AddMember("cores", Value(*cores), allocator);
  }
  if (const std::string* memory = find(prefix + "memory");
      memory != nullptr && !memory->empty()) {
    SetString(out, "memory", *memory, allocator);
  }
  if (!role.driver) {
    if (auto instances = ParseSparkInt(find("spark.executor.instances"))) {
      out.AddMember("instances", Value(*instances), allocator);
    }
  }
}

// `enable-pod-template` (Flyte 2's podtemplate.go): the role's `template`,
// {metadata: {labels, annotations}, spec} where spec is the user's custom
// pod spec verbatim (platform constraints applied with
// `enforce-platform-affinity`), or Flyte's pod spec with the primary
// container renamed and its command/args cleared. Sets
// role.template_container. REQUIRES: `out` has labels and annotations.
void AddRolePodTemplate(const BuildInputs& in, Role& role, Value& out) {
  json::Allocator& allocator = in.allocator;
  Value template_spec;
  if (role.overlay.pod_spec != nullptr) {
    template_spec = ToRapidJson(*role.overlay.pod_spec, allocator);
    if (in.spark.enforce_platform_affinity) {
      ApplyPlatformConstraints(template_spec, role.interruptible, in.k8s,
                               allocator);
    }
    role.template_container = role.overlay.primary_container_name.empty()
                                  ? role.primary
                                  : role.overlay.primary_container_name;
  } else {
    template_spec = json::Copy(role.pod.spec, allocator);
    role.template_container =
        role.driver ? kDriverTemplateContainer : kExecutorTemplateContainer;
    if (Value* c = FindContainer(template_spec, role.primary)) {
      SetString(*c, "name", role.template_container, allocator);
      json::Remove(*c, "command");
      json::Remove(*c, "args");
    }
  }
  Value pod_template(rapidjson::kObjectType);
  Value template_meta(rapidjson::kObjectType);
  template_meta.AddMember(
      "labels", json::Copy(*json::Find(out, "labels"), allocator), allocator);
  template_meta.AddMember(
      "annotations", json::Copy(*json::Find(out, "annotations"), allocator),
      allocator);
  pod_template.AddMember("metadata", template_meta, allocator);
  pod_template.AddMember("spec", template_spec, allocator);
  out.AddMember("template", pod_template, allocator);
}

}  // namespace

absl::StatusOr<const Value*> BuildRoleSpec(
    const BuildInputs& in, const std::map<std::string, std::string>& conf,
    PreparedPod prepared, Role& role) {
  absl::StatusOr<Value*> container =
      BuildRolePod(in, std::move(prepared), role);
  if (!container.ok()) return container.status();
  json::Allocator& allocator = in.allocator;
  Value& out = role.spec;
  AddRoleMetadata(in, role, out);
  AddRoleEnv(in.context.metadata(), **container, out, allocator);
  CopyPodFields(role.pod.spec, **container, out, allocator);
  SetString(out, "serviceAccount", ServiceAccount(in.context.metadata()),
            allocator);
  CopyIfPresent(out, "priorityClassName", role.pod.spec, "priorityClassName",
                true, allocator);
  AddSparkConfFields(conf, role, out, allocator);
  if (in.spark.propagate_container_resources) {
    PropagateResources(**container, conf, role.driver, in.k8s, out, allocator);
  }
  // Step 4, the pod template (a switch; Flyte 2).
  if (in.spark.enable_pod_template) AddRolePodTemplate(in, role, out);
  return *container;
}

void PruneEmptyRoleMaps(Value& spec) {
  for (const char* key : {"annotations", "labels"}) {
    if (json::IsEmpty(*json::Find(spec, key))) json::Remove(spec, key);
  }
}

}  // namespace flyteplug::spark
