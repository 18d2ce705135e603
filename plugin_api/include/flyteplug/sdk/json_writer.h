// The one JSON writer: compact, with the members of every object sorted by
// key (byte order, recursively), so identical input gives identical bytes.
// Thread-safe.
#ifndef FLYTEPLUG_SDK_JSON_WRITER_H_
#define FLYTEPLUG_SDK_JSON_WRITER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::sdk::json {

// Compact JSON text of `value`, object keys sorted byte-wise; among members
// with equal keys the document order is kept. Strings are escaped as JSON
// requires (quotes, backslashes, control characters); other bytes are copied.
// Recursive: only for values whose depth is bounded (built by the caller, or
// parsed with a depth check).
std::string Write(const rapidjson::Value& value);

// `text` as a JSON string literal, quotes included.
std::string Quote(absl::string_view text);

}  // namespace flyteplug::sdk::json

#endif  // FLYTEPLUG_SDK_JSON_WRITER_H_
