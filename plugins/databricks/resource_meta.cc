#include "resource_meta.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "flyteplug/sdk/utf8.h"
#include "instance.h"
#include "small_document.h"

namespace flyteplug::databricks {

bool ReadId(const rapidjson::Value& value, uint64_t* id) {
  if (value.IsUint64()) {
    *id = value.GetUint64();
    return true;
  }
  if (value.IsString()) {
    absl::string_view text(value.GetString(), value.GetStringLength());
    if (text.empty() || text.size() > 20) return false;
    for (char c : text) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    return absl::SimpleAtoi(text, id);
  }
  return false;
}

std::string EncodeResourceMeta(const ResourceMeta& meta) {
  SmallDocument small(rapidjson::kObjectType);
  rapidjson::Document& doc = small.doc();
  auto& a = doc.GetAllocator();
  doc.AddMember("instance", rapidjson::Value(meta.instance.c_str(), a), a);
  std::string id = absl::StrCat(meta.run_id);
  doc.AddMember("run_id", rapidjson::Value(id.c_str(), a), a);
  return sdk::json::Write(doc);
}

absl::StatusOr<ResourceMeta> DecodeResourceMeta(absl::string_view json) {
  if (absl::Status s = sdk::json::CheckLimits(json); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("resource_meta: ", s.message()));
  }
  SmallDocument small;
  rapidjson::Document& doc = small.doc();
  doc.Parse<sdk::json::kParseFlags>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resource_meta: not a JSON object as written by create (got ",
        json.size(), " bytes: '", sdk::Snippet(json, 80), "')"));
  }
  ResourceMeta meta;
  auto run_id = doc.FindMember("run_id");
  if (run_id == doc.MemberEnd() || !ReadId(run_id->value, &meta.run_id)) {
    return absl::InvalidArgumentError(
        "resource_meta.run_id: missing or not a non-negative 64-bit integer "
        "(number or decimal string)");
  }
  auto instance = doc.FindMember("instance");
  if (instance == doc.MemberEnd() || !instance->value.IsString()) {
    return absl::InvalidArgumentError(
        "resource_meta.instance: missing or not a string");
  }
  absl::StatusOr<std::string> normalized =
      NormalizeInstance(instance->value.GetString(), "resource_meta.instance");
  if (!normalized.ok()) return normalized.status();
  meta.instance = *normalized;
  return meta;
}

}  // namespace flyteplug::databricks
