#include "fake_kube_api.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "rapidjson/document.h"
#include "rapidjson/pointer.h"

namespace flyteplug::testing {
namespace {

namespace json = ::flyteplug::sdk::json;
using json::Value;

std::string Key(const kube::ObjectRef& ref) {
  return absl::StrCat(ref.group, "/", ref.version, "/", ref.resource, "/",
                      ref.namespace_name, "/", ref.name);
}

// `sparkapplications.sparkoperator.k8s.io "name"`, as the server names one.
std::string Named(const kube::ObjectRef& ref) {
  return absl::StrCat(ref.resource, ref.group.empty() ? "" : ".", ref.group,
                      " \"", ref.name, "\"");
}

absl::StatusOr<rapidjson::Document> Parse(absl::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError("the request body is not JSON");
  }
  return doc;
}

// One RFC 6902 operation on `doc` (test, remove, add, replace).
absl::Status ApplyOp(const Value& op, rapidjson::Document& doc) {
  std::string kind = json::StringMember(op, "op");
  rapidjson::Pointer pointer(json::StringMember(op, "path").c_str());
  if (!pointer.IsValid()) return absl::InvalidArgumentError("bad path");
  Value* target = pointer.Get(doc);
  const Value* value = json::Find(op, "value");
  if (kind == "test") {
    if (target == nullptr || value == nullptr || *target != *value) {
      return absl::InvalidArgumentError(
          "the server rejected our request: testing value failed");
    }
    return absl::OkStatus();
  }
  if (kind == "remove") {
    if (target == nullptr || !pointer.Erase(doc)) {
      return absl::InvalidArgumentError("remove: no such path");
    }
    return absl::OkStatus();
  }
  if ((kind == "add" || kind == "replace") && value != nullptr) {
    pointer.Set(doc, Value(*value, doc.GetAllocator()));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported op ", kind));
}

}  // namespace

std::optional<absl::Status> FakeKubeApi::Begin(
    Op op, const kube::CallControl& control) {
  ++calls_[op];
  last_control_ = control;
  auto it = failures_.find(op);
  if (it == failures_.end()) return std::nullopt;
  absl::Status status = it->second;
  failures_.erase(it);
  return status;
}

absl::StatusOr<std::string> FakeKubeApi::Create(
    const kube::ObjectRef& ref, absl::string_view object_json,
    const kube::CallControl& control) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto failure = Begin(Op::kCreate, control)) return *failure;
  absl::StatusOr<rapidjson::Document> doc = Parse(object_json);
  if (!doc.ok()) return doc.status();
  Value* metadata = json::Find(*doc, "metadata");
  if (metadata == nullptr ||
      json::StringMember(*metadata, "name") != ref.name) {
    return absl::InvalidArgumentError("metadata.name does not match the URL");
  }
  std::string namespace_name = json::StringMember(*metadata, "namespace");
  if (!namespace_name.empty() && namespace_name != ref.namespace_name) {
    return absl::InvalidArgumentError(
        "the namespace of the object does not match the namespace on the "
        "request");
  }
  const std::string key = Key(ref);
  if (objects_.count(key) != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(Named(ref), " already exists"));
  }
  json::Allocator& a = doc->GetAllocator();
  json::Set(*metadata, "namespace", json::String(ref.namespace_name, a), a);
  json::Set(*metadata, "resourceVersion",
            json::String(absl::StrCat(++resource_version_), a), a);
  json::Set(*metadata, "uid",
            json::String(absl::StrCat("uid-", resource_version_), a), a);
  json::Set(*metadata, "creationTimestamp",
            json::String("2026-01-02T03:04:05Z", a), a);
  std::string stored = json::Write(*doc);
  objects_[key] = stored;
  return stored;
}

absl::StatusOr<std::string> FakeKubeApi::Get(const kube::ObjectRef& ref,
                                             const kube::CallControl& control) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto failure = Begin(Op::kGet, control)) return *failure;
  auto it = objects_.find(Key(ref));
  if (it == objects_.end()) {
    return absl::NotFoundError(absl::StrCat(Named(ref), " not found"));
  }
  return it->second;
}

absl::StatusOr<std::string> FakeKubeApi::JsonPatch(
    const kube::ObjectRef& ref, absl::string_view patch_json,
    const kube::CallControl& control) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto failure = Begin(Op::kPatch, control)) return *failure;
  const std::string key = Key(ref);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return absl::NotFoundError(absl::StrCat(Named(ref), " not found"));
  }
  absl::StatusOr<rapidjson::Document> patch = Parse(patch_json);
  if (!patch.ok()) return patch.status();
  if (!patch->IsArray()) return absl::InvalidArgumentError("not a JSON Patch");
  absl::StatusOr<rapidjson::Document> doc = Parse(it->second);
  if (!doc.ok()) return doc.status();
  for (const Value& op : patch->GetArray()) {
    if (absl::Status s = ApplyOp(op, *doc); !s.ok()) return s;  // atomic
  }
  json::Allocator& a = doc->GetAllocator();
  Value& metadata = json::Ensure(*doc, "metadata", rapidjson::kObjectType, a);
  json::Set(metadata, "resourceVersion",
            json::String(absl::StrCat(++resource_version_), a), a);
  it->second = json::Write(*doc);
  std::string patched = it->second;
  CollectIfFinalized(key);
  return patched;
}

absl::Status FakeKubeApi::Delete(const kube::ObjectRef& ref,
                                 const kube::CallControl& control) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto failure = Begin(Op::kDelete, control)) return *failure;
  const std::string key = Key(ref);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return absl::NotFoundError(absl::StrCat(Named(ref), " not found"));
  }
  absl::StatusOr<rapidjson::Document> doc = Parse(it->second);
  if (!doc.ok()) return doc.status();
  json::Allocator& a = doc->GetAllocator();
  Value& metadata = json::Ensure(*doc, "metadata", rapidjson::kObjectType, a);
  if (json::Find(metadata, "deletionTimestamp") == nullptr) {
    json::Set(metadata, "deletionTimestamp",
              json::String("2026-01-02T03:05:00Z", a), a);
  }
  it->second = json::Write(*doc);
  CollectIfFinalized(key);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FakeKubeApi::GetPath(
    absl::string_view path, const kube::CallControl& /*control*/) {
  return absl::NotFoundError(
      absl::StrCat("the fake serves no discovery path ", path));
}

void FakeKubeApi::CollectIfFinalized(const std::string& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  absl::StatusOr<rapidjson::Document> doc = Parse(it->second);
  if (!doc.ok()) return;
  const Value* metadata = json::Find(*doc, "metadata");
  if (metadata == nullptr ||
      json::Find(*metadata, "deletionTimestamp") == nullptr) {
    return;
  }
  const Value* finalizers = json::Find(*metadata, "finalizers");
  if (finalizers != nullptr && finalizers->IsArray() && !finalizers->Empty()) {
    return;
  }
  objects_.erase(it);
}

void FakeKubeApi::Put(const kube::ObjectRef& ref, std::string object_json) {
  std::lock_guard<std::mutex> lock(mu_);
  objects_[Key(ref)] = std::move(object_json);
}

void FakeKubeApi::SetStatus(const kube::ObjectRef& ref,
                            absl::string_view status_json) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string& stored = objects_.at(Key(ref));
  rapidjson::Document doc = *Parse(stored);
  rapidjson::Document status(&doc.GetAllocator());
  status.Parse(status_json.data(), status_json.size());
  json::Set(doc, "status", Value(status, doc.GetAllocator()),
            doc.GetAllocator());
  stored = json::Write(doc);
}

std::optional<std::string> FakeKubeApi::Stored(
    const kube::ObjectRef& ref) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(Key(ref));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

size_t FakeKubeApi::ObjectCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.size();
}

void FakeKubeApi::FailNext(Op op, absl::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[op] = std::move(status);
}

int FakeKubeApi::Calls(Op op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

kube::CallControl FakeKubeApi::LastControl() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_control_;
}

}  // namespace flyteplug::testing
