#include "json_util.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

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

std::string StringMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Snippet(absl::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  return absl::StrCat(text.substr(0, max), "...");
}

}  // namespace flyteplug::databricks
