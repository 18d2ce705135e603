// UTF-8 validation and sanitising, for text that ends up in protobuf
// `string` fields (which must hold valid UTF-8) or in messages. Thread-safe.
#ifndef FLYTEPLUG_SDK_UTF8_H_
#define FLYTEPLUG_SDK_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace flyteplug::sdk {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). Embedded NULs are allowed.
bool IsValidUtf8(absl::string_view text);

// `text` made printable valid UTF-8: every invalid byte and control
// character becomes '?', except tab, CR and LF, which become spaces.
std::string SanitizeUtf8(absl::string_view text);

// At most `max` bytes of `text` (cut on a character boundary), "..." appended
// when cut, sanitised as SanitizeUtf8 does. For quoting input in errors.
std::string Snippet(absl::string_view text, size_t max = 200);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_UTF8_H_
