// Names the string field holding invalid UTF-8 in a serialized message, for
// errors that say more than "not a valid serialized X" (libprotobuf refuses
// such input and only logs which field it was). Host side: needs the full
// runtime's descriptors. Stateless; thread-safe.
#ifndef FLYTEPLUG_LOADER_SRC_PROTO_UTF8_H_
#define FLYTEPLUG_LOADER_SRC_PROTO_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace flyteplug::loader {

// Walks `bytes` as wire format of `type` (nested messages and map entries
// included, to protobuf's default depth of 100) and describes the first
// `string` field whose content is not valid UTF-8, e.g. "string field
// 'flyteidl.core.TaskTemplate.type' (at task_template.type) holds invalid
// UTF-8 (its 9 bytes start at byte 14)". Empty when there is none or the
// wire format breaks before one is found.
std::string DescribeInvalidUtf8(const google::protobuf::Descriptor& type,
                                absl::string_view bytes);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_PROTO_UTF8_H_
