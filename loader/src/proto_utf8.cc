#include "proto_utf8.h"

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/utf8.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace flyteplug::loader {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

constexpr int kMaxDepth = 100;

// Appends to `*found` and returns true at the first invalid string field of
// `bytes` (a `type` message starting at byte `base` of the whole input,
// reached through `path`).
bool Walk(const Descriptor& type, absl::string_view bytes, size_t base,
          const std::string& path, int depth, std::string* found) {
  if (depth > kMaxDepth) return false;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return false;
    if (WireFormatLite::GetTagWireType(tag) !=
        WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
    const size_t start = static_cast<size_t>(in.CurrentPosition());
    if (length > bytes.size() - start) return false;
    absl::string_view payload = bytes.substr(start, length);
    const FieldDescriptor* field =
        type.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    if (field != nullptr) {
      const std::string where =
          path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
      if (field->type() == FieldDescriptor::TYPE_STRING &&
          !sdk::IsValidUtf8(payload)) {
        *found = absl::StrCat("string field '", field->full_name(), "' (at ",
                              where, ") holds invalid UTF-8 (its ", length,
                              " bytes start at byte ", base + start, ")");
        return true;
      }
      if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
          Walk(*field->message_type(), payload, base + start, where, depth + 1,
               found)) {
        return true;
      }
    }
    if (!in.Skip(static_cast<int>(length))) return false;
  }
}

}  // namespace

std::string DescribeInvalidUtf8(const Descriptor& type,
                                absl::string_view bytes) {
  std::string found;
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return found;
  Walk(type, bytes, 0, "", 0, &found);
  return found;
}

}  // namespace flyteplug::loader
