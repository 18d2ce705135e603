#include "k8s_resource_meta.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace flyteplug::connector {
namespace {

namespace json = ::flyteplug::sdk::json;
using json::Value;

constexpr char kWhere[] = "resource_meta";

std::string Join(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

absl::Status FieldError(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(kWhere, ": ", path, " ", problem));
}

// The string member `key` of `object` (at `path`) into `*out`.
absl::Status ReadString(const Value& object, absl::string_view path,
                        absl::string_view key, bool required,
                        std::string* out) {
  const Value* value = json::Find(object, key);
  std::string at = Join(path, key);
  if (value == nullptr) return FieldError(at, "is missing");
  if (!value->IsString()) {
    return json::TypeError(absl::StrCat(kWhere, ": ", at), "a string", *value);
  }
  *out = std::string(json::StringOf(*value));
  if (required && out->empty()) return FieldError(at, "is empty");
  return absl::OkStatus();
}

absl::StatusOr<const Value*> ReadObject(const Value& object,
                                        absl::string_view path,
                                        absl::string_view key) {
  const Value* value = json::Find(object, key);
  std::string at = Join(path, key);
  if (value == nullptr) return FieldError(at, "is missing");
  if (!value->IsObject()) {
    return json::TypeError(absl::StrCat(kWhere, ": ", at), "an object", *value);
  }
  return value;
}

absl::Status DecodeObject(const Value& object, K8sResourceMeta* meta) {
  kube::ObjectRef& ref = meta->object;
  for (auto [key, out, required] :
       {std::make_tuple("cluster", &meta->cluster, true),
        std::make_tuple("kind", &meta->kind, true),
        std::make_tuple("group", &ref.group, false),
        std::make_tuple("version", &ref.version, true),
        std::make_tuple("resource", &ref.resource, true),
        std::make_tuple("namespace", &ref.namespace_name, true),
        std::make_tuple("name", &ref.name, true)}) {
    if (absl::Status s = ReadString(object, "object", key, required, out);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeTask(const Value& task, K8sResourceMeta* meta) {
  if (absl::Status s = ReadString(task, "task", "uniqueNodeId", false,
                                  &meta->unique_node_id);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadString(task, "task", "generatedName", false,
                                  &meta->generated_name);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<const Value*> config = ReadObject(task, "task", "config");
  if (!config.ok()) return config.status();
  for (auto it = (*config)->MemberBegin(); it != (*config)->MemberEnd(); ++it) {
    std::string key(json::StringOf(it->name));
    if (!it->value.IsString()) {
      return json::TypeError(
          absl::StrCat(kWhere, ": task.config[", json::Quote(key), "]"),
          "a string", it->value);
    }
    meta->task_config[key] = std::string(json::StringOf(it->value));
  }
  absl::StatusOr<const Value*> id = ReadObject(task, "task", "executionId");
  if (!id.ok()) return id.status();
  auto parsed = google::protobuf::util::JsonStringToMessage(
      json::Write(**id), &meta->task_execution_id);
  if (!parsed.ok()) {
    return FieldError("task.executionId",
                      "is not a TaskExecutionIdentifier in proto3 JSON");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> EncodeK8sResourceMeta(const K8sResourceMeta& meta) {
  rapidjson::Document doc(rapidjson::kObjectType);
  json::Allocator& a = doc.GetAllocator();
  json::Set(doc, "format", json::String(kK8sResourceMetaFormat, a), a);

  Value object(rapidjson::kObjectType);
  const kube::ObjectRef& ref = meta.object;
  json::Set(object, "cluster", json::String(meta.cluster, a), a);
  json::Set(object, "kind", json::String(meta.kind, a), a);
  json::Set(object, "group", json::String(ref.group, a), a);
  json::Set(object, "version", json::String(ref.version, a), a);
  json::Set(object, "resource", json::String(ref.resource, a), a);
  json::Set(object, "namespace", json::String(ref.namespace_name, a), a);
  json::Set(object, "name", json::String(ref.name, a), a);
  json::Set(doc, "object", std::move(object), a);

  std::string id_json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(meta.task_execution_id,
                                                   &id_json, options)
           .ok()) {
    return absl::InternalError("the task execution id does not print as JSON");
  }
  rapidjson::Document id(&a);
  id.Parse(id_json.data(), id_json.size());
  if (id.HasParseError()) {
    return absl::InternalError("the task execution id's JSON does not parse");
  }
  Value task(rapidjson::kObjectType);
  json::Set(task, "executionId", Value(id, a), a);
  json::Set(task, "uniqueNodeId", json::String(meta.unique_node_id, a), a);
  json::Set(task, "generatedName", json::String(meta.generated_name, a), a);
  json::Set(task, "config", json::StringMap(meta.task_config, a), a);
  json::Set(doc, "task", std::move(task), a);

  std::string bytes = json::Write(doc);
  if (bytes.size() > kMaxK8sResourceMetaBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("resource_meta would be ", bytes.size(),
                     " bytes, over the limit of ", kMaxK8sResourceMetaBytes,
                     " (is the task template's config that large?)"));
  }
  return bytes;
}

absl::StatusOr<K8sResourceMeta> DecodeK8sResourceMeta(absl::string_view bytes) {
  if (bytes.size() > kMaxK8sResourceMetaBytes) {
    return absl::InvalidArgumentError(absl::StrCat(kWhere, ": ", bytes.size(),
                                                   " bytes, over the limit of ",
                                                   kMaxK8sResourceMetaBytes));
  }
  rapidjson::Document doc;
  doc.Parse<json::kParseFlags>(bytes.data(), bytes.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhere, ": not JSON (",
        rapidjson::GetParseError_En(doc.GetParseError()), " at byte ",
        doc.GetErrorOffset(),
        "); it was not written by this connector for a Kubernetes-resource "
        "task"));
  }
  if (!doc.IsObject()) {
    return json::TypeError(kWhere, "an object", doc);
  }
  std::string format;
  if (absl::Status s = ReadString(doc, "", "format", true, &format); !s.ok()) {
    return s;
  }
  if (format != kK8sResourceMetaFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhere, ": format ", json::Quote(format), " is not ",
                     json::Quote(kK8sResourceMetaFormat)));
  }
  K8sResourceMeta meta;
  absl::StatusOr<const Value*> object = ReadObject(doc, "", "object");
  if (!object.ok()) return object.status();
  if (absl::Status s = DecodeObject(**object, &meta); !s.ok()) return s;
  absl::StatusOr<const Value*> task = ReadObject(doc, "", "task");
  if (!task.ok()) return task.status();
  if (absl::Status s = DecodeTask(**task, &meta); !s.ok()) return s;
  return meta;
}

}  // namespace flyteplug::connector
