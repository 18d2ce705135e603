#include "flyteplug/sdk/struct_json.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace flyteplug::sdk {

absl::StatusOr<Struct> StructFromJson(absl::string_view json) {
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
  google::protobuf::Struct full;
  if (!full.ParseFromString(object.SerializeAsString())) {
    return absl::InternalError("Struct: wire conversion failed");
  }
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(full, &json);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON serialization failed: ",
                                            std::string(status.message())));
  }
  return json;
}

}  // namespace flyteplug::sdk
