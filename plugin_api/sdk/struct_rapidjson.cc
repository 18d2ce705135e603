#include "flyteplug/sdk/struct_rapidjson.h"

#include <cmath>
#include <cstdint>

#include "flyteplug/sdk/json.h"

namespace flyteplug::sdk {
namespace {

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

}  // namespace

rapidjson::Value ToRapidJson(
    const flyteplug::abi::google::protobuf::Struct& value,
    rapidjson::Document::AllocatorType& allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  for (const auto& [key, field] : value.fields()) {
    object.AddMember(
        rapidjson::Value(key.data(),
                         static_cast<rapidjson::SizeType>(key.size()),
                         allocator),
        ToRapidJson(field, allocator), allocator);
  }
  return object;
}

rapidjson::Value ToRapidJson(
    const flyteplug::abi::google::protobuf::Value& value,
    rapidjson::Document::AllocatorType& allocator) {
  switch (value.kind_case()) {
    case flyteplug::abi::google::protobuf::Value::kNumberValue: {
      double number = value.number_value();
      if (!std::isfinite(number)) return rapidjson::Value(rapidjson::kNullType);
      if (std::trunc(number) == number &&
          std::fabs(number) <= kMaxExactInteger) {
        return rapidjson::Value(static_cast<int64_t>(number));
      }
      return rapidjson::Value(number);
    }
    case flyteplug::abi::google::protobuf::Value::kStringValue: {
      const std::string& s = value.string_value();
      return rapidjson::Value(
          s.data(), static_cast<rapidjson::SizeType>(s.size()), allocator);
    }
    case flyteplug::abi::google::protobuf::Value::kBoolValue:
      return rapidjson::Value(value.bool_value());
    case flyteplug::abi::google::protobuf::Value::kStructValue:
      return ToRapidJson(value.struct_value(), allocator);
    case flyteplug::abi::google::protobuf::Value::kListValue: {
      rapidjson::Value array(rapidjson::kArrayType);
      const auto& list = value.list_value().values();
      array.Reserve(static_cast<rapidjson::SizeType>(list.size()), allocator);
      for (const auto& item : list)
        array.PushBack(ToRapidJson(item, allocator), allocator);
      return array;
    }
    case flyteplug::abi::google::protobuf::Value::kNullValue:
    case flyteplug::abi::google::protobuf::Value::KIND_NOT_SET:
      break;
  }
  return rapidjson::Value(rapidjson::kNullType);
}

const char* DescribeKind(const flyteplug::abi::google::protobuf::Value& value) {
  switch (value.kind_case()) {
    case flyteplug::abi::google::protobuf::Value::kNullValue:
      return sdk::json::TypeName(rapidjson::kNullType);
    case flyteplug::abi::google::protobuf::Value::kNumberValue:
      return sdk::json::TypeName(rapidjson::kNumberType);
    case flyteplug::abi::google::protobuf::Value::kStringValue:
      return sdk::json::TypeName(rapidjson::kStringType);
    case flyteplug::abi::google::protobuf::Value::kBoolValue:
      return sdk::json::TypeName(rapidjson::kTrueType);
    case flyteplug::abi::google::protobuf::Value::kStructValue:
      return sdk::json::TypeName(rapidjson::kObjectType);
    case flyteplug::abi::google::protobuf::Value::kListValue:
      return sdk::json::TypeName(rapidjson::kArrayType);
    case flyteplug::abi::google::protobuf::Value::KIND_NOT_SET:
      break;
  }
  return "nothing";
}

}  // namespace flyteplug::sdk
