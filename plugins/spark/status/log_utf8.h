// UTF-8 validation for strings that end up in protobuf `string` fields
// (which must hold valid UTF-8) on the status side.
#ifndef FLYTEPLUG_PLUGINS_SPARK_LOG_UTF8_H_
#define FLYTEPLUG_PLUGINS_SPARK_LOG_UTF8_H_

#include "absl/strings/string_view.h"

namespace flyteplug::spark {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). Embedded NULs are allowed.
// Thread-safe.
bool IsValidUtf8(absl::string_view text);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_LOG_UTF8_H_
