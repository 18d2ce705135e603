// JSON text <-> the module-side google.protobuf.Struct
// (flyteplug::sdk::Struct), with protobuf's canonical JSON mapping.
//
// The module-side Struct is lite code (no descriptors, no JSON support). The
// conversion goes through the system libprotobuf's own google.protobuf.Struct,
// which is wire-identical and registered once by libprotobuf itself, so it
// is safe in any number of modules.
#ifndef FLYTEPLUG_SDK_STRUCT_JSON_H_
#define FLYTEPLUG_SDK_STRUCT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/sdk/messages.h"

namespace flyteplug::sdk {

// Parses a JSON object. Returns InvalidArgument naming the problem (without
// a location prefix: callers add theirs) when `json` is not a JSON object.
// Thread-safe.
absl::StatusOr<Struct> StructFromJson(absl::string_view json);

// Serializes `object` as compact JSON. Returns Internal if protobuf refuses
// (e.g. a NaN number). Thread-safe.
absl::StatusOr<std::string> StructToJson(const Struct& object);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_STRUCT_JSON_H_
