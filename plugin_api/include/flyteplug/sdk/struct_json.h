// JSON text <-> the module-side google.protobuf.Struct
// (flyteplug::sdk::Struct).
//
// The module-side Struct is lite code (no descriptors, no JSON support).
// StructFromJson parses through the system libprotobuf's own
// google.protobuf.Struct, which is wire-identical and registered once by
// libprotobuf itself, so it is safe in any number of modules; StructToJson
// writes through the SDK's canonical JSON writer.
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

// Serializes `object` as compact, canonical JSON: the canonical writer of
// json_writer.h (object keys sorted, so identical input gives identical
// bytes) over ToRapidJson's number rules (whole numbers within +-2^53 as
// integers; NaN and infinities as null). Never fails today; the status is
// kept for future limits. Thread-safe.
absl::StatusOr<std::string> StructToJson(const Struct& object);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_STRUCT_JSON_H_
