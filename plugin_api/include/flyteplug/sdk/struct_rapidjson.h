// Walks the module-side google.protobuf.Struct / Value directly into
// RapidJSON, without a round trip through JSON text.
#ifndef FLYTEPLUG_SDK_STRUCT_RAPIDJSON_H_
#define FLYTEPLUG_SDK_STRUCT_RAPIDJSON_H_

#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "rapidjson/document.h"

namespace flyteplug::sdk {

// Converts `value` into a RapidJSON value allocated from `allocator`.
// Numbers that are whole and within +-2^53 become integers (a Struct carries
// every number as a double, so `1` arrives as 1.0 and must leave as `1`);
// other numbers stay doubles; NaN and infinities become null. Thread-safe.
rapidjson::Value ToRapidJson(
    const flyteplug::abi::google::protobuf::Value& value,
    rapidjson::Document::AllocatorType& allocator);
rapidjson::Value ToRapidJson(
    const flyteplug::abi::google::protobuf::Struct& value,
    rapidjson::Document::AllocatorType& allocator);

// Names the kind of `value` for error messages, as sdk::json::TypeName names
// the JSON type it becomes ("null", "a number", "a string", "a boolean",
// "an object", "an array"), or "nothing" when no kind is set.
const char* DescribeKind(const flyteplug::abi::google::protobuf::Value& value);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_STRUCT_RAPIDJSON_H_
