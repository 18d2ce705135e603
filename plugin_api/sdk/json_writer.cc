#include "flyteplug/sdk/json_writer.h"

#include <algorithm>
#include <vector>

#include "flyteplug/sdk/json.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::sdk::json {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteValue(const Value& value, Writer& writer) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      writer.Null();
      return;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      writer.Bool(value.GetBool());
      return;
    case rapidjson::kStringType:
      writer.String(value.GetString(), value.GetStringLength());
      return;
    case rapidjson::kNumberType:
      if (value.IsInt64()) {
        writer.Int64(value.GetInt64());
      } else if (value.IsUint64()) {
        writer.Uint64(value.GetUint64());
      } else {
        writer.Double(value.GetDouble());
      }
      return;
    case rapidjson::kArrayType:
      writer.StartArray();
      for (const Value& item : value.GetArray()) WriteValue(item, writer);
      writer.EndArray(value.Size());
      return;
    case rapidjson::kObjectType: {
      std::vector<const Value::Member*> members;
      members.reserve(value.MemberCount());
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        members.push_back(&*it);
      }
      auto by_name = [](const Value::Member* a, const Value::Member* b) {
        return StringOf(a->name) < StringOf(b->name);
      };
      // Objects built from sorted maps (sparkConf, labels, ...) are already
      // in order: one linear check instead of an n log n sort.
      if (!std::is_sorted(members.begin(), members.end(), by_name)) {
        std::stable_sort(members.begin(), members.end(), by_name);
      }
      writer.StartObject();
      for (const Value::Member* member : members) {
        writer.Key(member->name.GetString(), member->name.GetStringLength());
        WriteValue(member->value, writer);
      }
      writer.EndObject(value.MemberCount());
      return;
    }
  }
}

}  // namespace

std::string Write(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  WriteValue(value, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Quote(absl::string_view text) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace flyteplug::sdk::json
