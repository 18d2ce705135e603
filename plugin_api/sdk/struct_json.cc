#include "flyteplug/sdk/struct_json.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json_writer.h"
#include "flyteplug/sdk/struct_rapidjson.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/document.h"

namespace flyteplug::sdk {

absl::StatusOr<Struct> StructFromJson(absl::string_view json) {
  if (absl::Status s = json::CheckLimits(json); !s.ok()) return s;
  google::protobuf::Struct full;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &full);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(std::string(parsed.message()));
  }
  Struct object;
  if (!object.ParseFromString(full.SerializeAsString())) {
    return absl::InternalError("Struct: wire conversion failed");
  }
  return object;
}

absl::StatusOr<std::string> StructToJson(const Struct& object) {
  rapidjson::Document document;
  static_cast<rapidjson::Value&>(document) =
      ToRapidJson(object, document.GetAllocator());
  return json::Write(document);
}

}  // namespace flyteplug::sdk
