#include "flyteplug/sdk/json_merge.h"

namespace flyteplug::sdk::json {

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
      Value* target = Find(dst, StringOf(it->name));
      if (target == nullptr) {
        if (IsEmpty(it->value)) continue;
        dst.AddMember(Value(it->name, allocator), Copy(it->value, allocator),
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

}  // namespace flyteplug::sdk::json
