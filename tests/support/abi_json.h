// Test helpers: module-side (lite) messages from and to the host-side (full)
// messages of the same schema, through the wire format, exactly as the
// messages cross the ABI. Lite code has no JSON or text format; tests that
// write a TaskContext as JSON parse it with the full message and convert.
//
// REQUIRES: the test links flyteplug::proto (the full messages) and the
// module-side messages (flyteplug::sdk or flyteplug::abi_proto).
#ifndef FLYTEPLUG_TESTS_SUPPORT_ABI_JSON_H_
#define FLYTEPLUG_TESTS_SUPPORT_ABI_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"

namespace flyteplug::abi_test {

// Parses `json` as the full message `Full` (unknown JSON fields ignored when
// `ignore_unknown_fields`) and decodes its bytes into `*lite`, replacing it.
template <typename Full, typename Lite>
absl::Status LiteFromJson(absl::string_view json, Lite* lite,
                          bool ignore_unknown_fields = true) {
  Full full;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown_fields;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json),
                                                            &full, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(full.GetTypeName(), " JSON: ", status.ToString()));
  }
  if (!lite->ParseFromString(full.SerializeAsString())) {
    return absl::InternalError(absl::StrCat(lite->GetTypeName(), ": bytes of ",
                                            full.GetTypeName(),
                                            " do not parse"));
  }
  return absl::OkStatus();
}

// The text format of `lite`, through the full message `Full` (map entries
// sorted, so equal messages print equal text).
template <typename Full, typename Lite>
std::string LiteDebugString(const Lite& lite) {
  Full full;
  if (!full.ParseFromString(lite.SerializeAsString())) {
    return absl::StrCat("<", lite.GetTypeName(), " does not parse as ",
                        full.GetTypeName(), ">");
  }
  return full.DebugString();
}

}  // namespace flyteplug::abi_test

#endif  // FLYTEPLUG_TESTS_SUPPORT_ABI_JSON_H_
