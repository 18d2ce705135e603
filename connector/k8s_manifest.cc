#include "k8s_manifest.h"

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace flyteplug::connector {
namespace {

namespace json = ::flyteplug::sdk::json;
using json::Value;

absl::StatusOr<rapidjson::Document> ParseObject(absl::string_view what,
                                                absl::string_view text) {
  rapidjson::Document doc;
  doc.Parse<json::kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not JSON (",
                     rapidjson::GetParseError_En(doc.GetParseError()),
                     " at byte ", doc.GetErrorOffset(), ")"));
  }
  if (!doc.IsObject()) return json::TypeError(what, "an object", doc);
  return doc;
}

// The string at `object[key]` ("" when absent or null), or a type error
// naming `path`.
absl::StatusOr<std::string> OptionalString(const Value& object,
                                           absl::string_view key,
                                           absl::string_view path) {
  const Value* value = json::Find(object, key);
  if (value == nullptr || value->IsNull()) return std::string();
  if (!value->IsString()) return json::TypeError(path, "a string", *value);
  return std::string(json::StringOf(*value));
}

absl::StatusOr<Value*> OptionalObject(Value& object, absl::string_view key,
                                      absl::string_view path) {
  Value* value = json::Find(object, key);
  if (value == nullptr || value->IsNull()) return nullptr;
  if (!value->IsObject()) return json::TypeError(path, "an object", *value);
  return value;
}

absl::StatusOr<std::string> RequiredString(const Value& object,
                                           absl::string_view key,
                                           absl::string_view path) {
  absl::StatusOr<std::string> value = OptionalString(object, key, path);
  if (value.ok() && value->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is empty or missing"));
  }
  return value;
}

}  // namespace

std::string TaskExecutionKey(
    const flyteidl::core::TaskExecutionIdentifier& id) {
  const flyteidl::core::NodeExecutionIdentifier& node = id.node_execution_id();
  const flyteidl::core::WorkflowExecutionIdentifier& execution =
      node.execution_id();
  return absl::StrCat(execution.project(), "/", execution.domain(), "/",
                      execution.name(), "/", node.node_id(), "/",
                      id.retry_attempt());
}

absl::StatusOr<PreparedManifest> PrepareManifest(
    absl::string_view module_id, absl::string_view manifest_json,
    absl::string_view default_namespace, absl::string_view task_execution_key) {
  std::string where = absl::StrCat("module ", module_id, "'s manifest");
  absl::StatusOr<rapidjson::Document> doc = ParseObject(where, manifest_json);
  if (!doc.ok()) return doc.status();
  json::Allocator& a = doc->GetAllocator();
  PreparedManifest out;
  absl::StatusOr<std::string> api_version =
      RequiredString(*doc, "apiVersion", absl::StrCat(where, ": apiVersion"));
  if (!api_version.ok()) return api_version.status();
  absl::StatusOr<std::string> kind =
      RequiredString(*doc, "kind", absl::StrCat(where, ": kind"));
  if (!kind.ok()) return kind.status();
  Value& metadata = json::Ensure(*doc, "metadata", rapidjson::kObjectType, a);
  if (!metadata.IsObject()) {
    return json::TypeError(absl::StrCat(where, ": metadata"), "an object",
                           metadata);
  }
  absl::StatusOr<std::string> name =
      RequiredString(metadata, "name", absl::StrCat(where, ": metadata.name"));
  if (!name.ok()) return name.status();
  absl::StatusOr<std::string> namespace_name = OptionalString(
      metadata, "namespace", absl::StrCat(where, ": metadata.namespace"));
  if (!namespace_name.ok()) return namespace_name.status();
  if (namespace_name->empty()) {
    if (default_namespace.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where,
                       ": metadata.namespace is empty and the request's "
                       "task_execution_metadata.namespace is empty too"));
    }
    *namespace_name = std::string(default_namespace);
    json::Set(metadata, "namespace", json::String(*namespace_name, a), a);
  }
  Value& annotations =
      json::Ensure(metadata, "annotations", rapidjson::kObjectType, a);
  if (!annotations.IsObject()) {
    return json::TypeError(absl::StrCat(where, ": metadata.annotations"),
                           "an object", annotations);
  }
  json::Set(annotations, kTaskExecutionAnnotation,
            json::String(task_execution_key, a), a);
  out.api_version = *std::move(api_version);
  out.kind = *std::move(kind);
  out.name = *std::move(name);
  out.namespace_name = *std::move(namespace_name);
  out.json = json::Write(*doc);
  return out;
}

absl::StatusOr<ObservedObject> ReadObservedObject(
    absl::string_view what, absl::string_view object_json) {
  absl::StatusOr<rapidjson::Document> doc = ParseObject(what, object_json);
  if (!doc.ok()) return doc.status();
  ObservedObject out;
  absl::StatusOr<std::string> kind =
      OptionalString(*doc, "kind", absl::StrCat(what, ": kind"));
  if (!kind.ok()) return kind.status();
  out.kind = *std::move(kind);
  absl::StatusOr<Value*> metadata =
      OptionalObject(*doc, "metadata", absl::StrCat(what, ": metadata"));
  if (!metadata.ok()) return metadata.status();
  if (*metadata == nullptr) return out;
  absl::StatusOr<Value*> annotations = OptionalObject(
      **metadata, "annotations", absl::StrCat(what, ": metadata.annotations"));
  if (!annotations.ok()) return annotations.status();
  if (*annotations != nullptr) {
    absl::StatusOr<std::string> key =
        OptionalString(**annotations, kTaskExecutionAnnotation,
                       absl::StrCat(what, ": metadata.annotations[\"",
                                    kTaskExecutionAnnotation, "\"]"));
    if (!key.ok()) return key.status();
    out.task_execution_key = *std::move(key);
  }
  const Value* finalizers = json::Find(**metadata, "finalizers");
  if (finalizers == nullptr || finalizers->IsNull()) return out;
  std::string path = absl::StrCat(what, ": metadata.finalizers");
  if (!finalizers->IsArray()) {
    return json::TypeError(path, "an array", *finalizers);
  }
  for (const Value& finalizer : finalizers->GetArray()) {
    if (!finalizer.IsString()) {
      return json::TypeError(
          absl::StrCat(path, "[", out.finalizers.size(), "]"), "a string",
          finalizer);
    }
    out.finalizers.emplace_back(json::StringOf(finalizer));
  }
  return out;
}

}  // namespace flyteplug::connector
