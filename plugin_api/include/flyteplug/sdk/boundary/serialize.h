// Deterministic protobuf serialization for every message that leaves the
// process or crosses the ABI: map entries are written in key order, so
// identical messages give identical bytes (plain SerializeToString writes
// maps in hash order, which changes from one map instance to the next).
// Works for full and lite messages. Part of the boundary kit (see status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_SERIALIZE_H_
#define FLYTEPLUG_SDK_BOUNDARY_SERIALIZE_H_

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message_lite.h"

namespace flyteplug::sdk::boundary {

// Replaces `*out` with `message` in the wire format, map keys sorted.
// Returns false (and leaves `*out` unspecified) if serialization fails.
inline bool SerializeDeterministic(const google::protobuf::MessageLite& message,
                                   std::string* out) {
  out->clear();
  google::protobuf::io::StringOutputStream string_stream(out);
  google::protobuf::io::CodedOutputStream coded(&string_stream);
  coded.SetSerializationDeterministic(true);
  if (!message.SerializeToCodedStream(&coded)) return false;
  coded.Trim();
  return !coded.HadError();
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_SERIALIZE_H_
