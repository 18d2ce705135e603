#include "flyteplug/sdk/json_util.h"

#include <algorithm>
#include <vector>

#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::sdk::json {
namespace {

absl::string_view KeyOf(const Value& name) {
  return absl::string_view(name.GetString(), name.GetStringLength());
}

template <typename Writer>
void WriteValue(const Value& value, Writer& writer) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      writer.Null();
      return;
    case rapidjson::kFalseType:
      writer.Bool(false);
      return;
    case rapidjson::kTrueType:
      writer.Bool(true);
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
      std::sort(members.begin(), members.end(),
                [](const Value::Member* a, const Value::Member* b) {
                  return KeyOf(a->name) < KeyOf(b->name);
                });
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

Value* Find(Value& object, absl::string_view key) {
  if (!object.IsObject()) return nullptr;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (KeyOf(it->name) == key) return &it->value;
  }
  return nullptr;
}

const Value* Find(const Value& object, absl::string_view key) {
  return Find(const_cast<Value&>(object), key);
}

Value String(absl::string_view s, Allocator& allocator) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), allocator);
}

void Set(Value& object, absl::string_view key, Value value,
         Allocator& allocator) {
  if (Value* existing = Find(object, key)) {
    *existing = value;  // RapidJSON assignment moves
    return;
  }
  object.AddMember(String(key, allocator), value, allocator);
}

Value& Ensure(Value& object, absl::string_view key, rapidjson::Type type,
              Allocator& allocator) {
  Value* existing = Find(object, key);
  if (existing != nullptr && !existing->IsNull()) return *existing;
  Set(object, key, Value(type), allocator);
  return *Find(object, key);
}

void Remove(Value& object, absl::string_view key) {
  if (!object.IsObject()) return;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (KeyOf(it->name) == key) {
      object.EraseMember(it);
      return;
    }
  }
}

bool IsEmpty(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
    case rapidjson::kFalseType:
      return true;
    case rapidjson::kTrueType:
      return false;
    case rapidjson::kStringType:
      return value.GetStringLength() == 0;
    case rapidjson::kNumberType:
      return value.GetDouble() == 0.0;
    case rapidjson::kArrayType:
      return value.Empty();
    case rapidjson::kObjectType:
      return value.MemberCount() == 0;
  }
  return true;
}

void MergeOverride(Value& dst, const Value& src, Allocator& allocator) {
  if (src.IsObject() && dst.IsObject()) {
    for (auto it = src.MemberBegin(); it != src.MemberEnd(); ++it) {
      Value* target = Find(dst, KeyOf(it->name));
      if (target == nullptr) {
        if (IsEmpty(it->value)) continue;
        dst.AddMember(Value(it->name, allocator), Value(it->value, allocator),
                      allocator);
      } else {
        MergeOverride(*target, it->value, allocator);
      }
    }
    return;
  }
  if (src.IsArray() && dst.IsArray()) {
    for (const Value& item : src.GetArray()) {
      dst.PushBack(Value(item, allocator), allocator);
    }
    return;
  }
  if (IsEmpty(src)) return;
  dst.CopyFrom(src, allocator);
}

Value StringMap(const std::map<std::string, std::string>& map,
                Allocator& allocator) {
  Value object(rapidjson::kObjectType);
  for (const auto& [key, value] : map) {
    object.AddMember(String(key, allocator), String(value, allocator),
                     allocator);
  }
  return object;
}

std::string WriteSorted(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  WriteValue(value, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const char* TypeName(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kObjectType:
      return "an object";
  }
  return "unknown";
}

}  // namespace flyteplug::sdk::json
