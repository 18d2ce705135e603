#include "flyteplug/sdk/json.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace flyteplug::sdk::json {

Value* Find(Value& object, absl::string_view key) {
  if (!object.IsObject()) return nullptr;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (StringOf(it->name) == key) return &it->value;
  }
  return nullptr;
}

const Value* Find(const Value& object, absl::string_view key) {
  return Find(const_cast<Value&>(object), key);
}

std::string StringMember(const Value& object, absl::string_view key) {
  const Value* value = Find(object, key);
  if (value == nullptr || !value->IsString()) return {};
  return std::string(StringOf(*value));
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
    if (StringOf(it->name) == key) {
      object.EraseMember(it);
      return;
    }
  }
}

Value Copy(const Value& value, Allocator& allocator) {
  constexpr rapidjson::SizeType kLongArray = 16;
  switch (value.GetType()) {
    case rapidjson::kObjectType: {
      Value object(rapidjson::kObjectType);
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        object.AddMember(Value(it->name, allocator), Copy(it->value, allocator),
                         allocator);
      }
      return object;
    }
    case rapidjson::kArrayType: {
      if (value.Size() > kLongArray) return Value(value, allocator);
      Value array(rapidjson::kArrayType);
      array.Reserve(value.Size(), allocator);
      for (const Value& item : value.GetArray()) {
        array.PushBack(Copy(item, allocator), allocator);
      }
      return array;
    }
    default:  // scalars: RapidJSON copies them without a document
      return Value(value, allocator);
  }
}

Value StringMapMerger::Build(Allocator& allocator) {
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) {
              return a.key != b.key ? a.key < b.key : a.order < b.order;
            });
  Value object(rapidjson::kObjectType);
  for (size_t i = 0; i < entries_.size(); ++i) {
    // Of equal keys (adjacent now), only the last added is kept.
    if (i + 1 < entries_.size() && entries_[i + 1].key == entries_[i].key) {
      continue;
    }
    object.AddMember(String(entries_[i].key, allocator),
                     String(entries_[i].value, allocator), allocator);
  }
  return object;
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

const char* TypeName(rapidjson::Type type) {
  switch (type) {
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
  return "an unknown JSON type";
}

absl::Status TypeError(absl::string_view path, absl::string_view expected,
                       const Value& got) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", expected, ", got ", TypeName(got)));
}

}  // namespace flyteplug::sdk::json
