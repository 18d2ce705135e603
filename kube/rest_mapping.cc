#include "rest_mapping.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/utf8.h"
#include "rapidjson/document.h"

namespace flyteplug::kube {
namespace {

struct BuiltinEntry {
  const char* api_version;
  const char* kind;
  const char* resource;
};

// Namespaced kinds only.
constexpr BuiltinEntry kBuiltins[] = {
    {"sparkoperator.k8s.io/v1beta2", "SparkApplication", "sparkapplications"},
    {"sparkoperator.k8s.io/v1beta2", "ScheduledSparkApplication",
     "scheduledsparkapplications"},
    {"batch/v1", "Job", "jobs"},
    {"batch/v1", "CronJob", "cronjobs"},
    {"v1", "Pod", "pods"},
    {"v1", "ConfigMap", "configmaps"},
    {"v1", "Secret", "secrets"},
    {"v1", "Service", "services"},
    {"v1", "ServiceAccount", "serviceaccounts"},
    {"apps/v1", "Deployment", "deployments"},
    {"apps/v1", "StatefulSet", "statefulsets"},
};

// Splits "group/version" (or "version" for the core group).
bool SplitApiVersion(absl::string_view api_version, std::string* group,
                     std::string* version) {
  size_t slash = api_version.find('/');
  if (slash == absl::string_view::npos) {
    group->clear();
    *version = std::string(api_version);
  } else {
    *group = std::string(api_version.substr(0, slash));
    *version = std::string(api_version.substr(slash + 1));
    if (group->empty()) return false;
  }
  return !version->empty() && version->find('/') == std::string::npos;
}

}  // namespace

bool LookupBuiltinMapping(absl::string_view api_version, absl::string_view kind,
                          ResourceMapping* mapping) {
  for (const BuiltinEntry& entry : kBuiltins) {
    if (api_version != entry.api_version || kind != entry.kind) continue;
    SplitApiVersion(api_version, &mapping->group, &mapping->version);
    mapping->resource = entry.resource;
    return true;
  }
  return false;
}

absl::StatusOr<std::vector<RestMapper::Discovered>> RestMapper::Discover(
    const std::string& group, const std::string& version,
    const CallControl& control) {
  std::string path = group.empty()
                         ? absl::StrCat("/api/", version)
                         : absl::StrCat("/apis/", group, "/", version);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(path);
    if (it != cache_.end()) return it->second;
  }
  absl::StatusOr<std::string> body = api_->GetPath(path, control);
  if (!body.ok()) return body.status();
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(body->data(), body->size());
  const sdk::json::Value* resources =
      doc.HasParseError() ? nullptr : sdk::json::Find(doc, "resources");
  if (resources == nullptr || !resources->IsArray()) {
    return absl::UnavailableError(absl::StrCat(
        "kubernetes discovery ", path,
        ": the answer is not an APIResourceList with a 'resources' list"));
  }
  std::vector<Discovered> found;
  for (const sdk::json::Value& r : resources->GetArray()) {
    Discovered d;
    d.resource = sdk::json::StringMember(r, "name");
    d.kind = sdk::json::StringMember(r, "kind");
    const sdk::json::Value* namespaced = sdk::json::Find(r, "namespaced");
    d.namespaced =
        namespaced != nullptr && namespaced->IsBool() && namespaced->GetBool();
    // Subresources ("jobs/status") are not kinds of their own.
    if (d.resource.empty() || d.resource.find('/') != std::string::npos) {
      continue;
    }
    found.push_back(std::move(d));
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(path, found);
  return found;
}

absl::StatusOr<ResourceMapping> RestMapper::Map(absl::string_view api_version,
                                                absl::string_view kind,
                                                const CallControl& control) {
  ResourceMapping mapping;
  if (LookupBuiltinMapping(api_version, kind, &mapping)) return mapping;
  if (!SplitApiVersion(api_version, &mapping.group, &mapping.version) ||
      kind.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubernetes: apiVersion '", sdk::Snippet(api_version, 100),
                     "' kind '", sdk::Snippet(kind, 100),
                     "': expected 'group/version' (or 'v1') and a kind"));
  }
  absl::StatusOr<std::vector<Discovered>> discovered =
      Discover(mapping.group, mapping.version, control);
  if (!discovered.ok()) return discovered.status();
  for (const Discovered& d : *discovered) {
    if (d.kind != kind) continue;
    if (!d.namespaced) {
      return absl::InvalidArgumentError(absl::StrCat(
          "kubernetes: ", kind, " (", api_version, ", resource ", d.resource,
          ") is cluster-scoped; only namespaced objects are supported"));
    }
    mapping.resource = d.resource;
    return mapping;
  }
  return absl::NotFoundError(absl::StrCat(
      "kubernetes: the API server serves no kind '", sdk::Snippet(kind, 100),
      "' in ", api_version, " (is its CRD installed?)"));
}

absl::StatusOr<ObjectRef> RestMapper::RefForObject(
    absl::string_view object_json, absl::string_view default_namespace,
    const CallControl& control) {
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(object_json.data(), object_json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError(
        "kubernetes: the object is not a JSON object");
  }
  std::string api_version = sdk::json::StringMember(doc, "apiVersion");
  std::string kind = sdk::json::StringMember(doc, "kind");
  const sdk::json::Value* metadata = sdk::json::Find(doc, "metadata");
  std::string name =
      metadata == nullptr ? "" : sdk::json::StringMember(*metadata, "name");
  std::string ns = metadata == nullptr
                       ? ""
                       : sdk::json::StringMember(*metadata, "namespace");
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"apiVersion", &api_version},
        {"kind", &kind},
        {"metadata.name", &name}}) {
    if (value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "kubernetes: the object has no ", field, " (a non-empty string)"));
    }
  }
  return Resolve(api_version, kind,
                 ns.empty() ? default_namespace : absl::string_view(ns), name,
                 control);
}

absl::StatusOr<ObjectRef> RestMapper::Resolve(absl::string_view api_version,
                                              absl::string_view kind,
                                              absl::string_view namespace_name,
                                              absl::string_view name,
                                              const CallControl& control) {
  absl::StatusOr<ResourceMapping> mapping = Map(api_version, kind, control);
  if (!mapping.ok()) return mapping.status();
  ObjectRef ref;
  ref.group = std::move(mapping->group);
  ref.version = std::move(mapping->version);
  ref.resource = std::move(mapping->resource);
  ref.namespace_name = std::string(namespace_name);
  ref.name = std::string(name);
  return ref;
}

}  // namespace flyteplug::kube
