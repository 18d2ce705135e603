// Small RapidJSON helpers shared by the response and meta parsers.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_JSON_UTIL_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_JSON_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::databricks {

// Flags for every parse of outside input (configuration, server responses,
// resource meta, resources): iterative, so nesting depth cannot exhaust the
// stack (a 100000-deep array is just a long input).
// Strings must be valid UTF-8: they end up in protobuf `string` fields
// (PhaseInfo), which must never carry invalid UTF-8.
inline constexpr unsigned kJsonParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Reads a non-negative 64-bit id from a JSON integer (exact: RapidJSON's
// Uint64, never a double) or a decimal string. False for anything else,
// fractional and out-of-range numbers included.
bool ReadId(const rapidjson::Value& value, uint64_t* id);

// The string member `key` of `object`, or empty when absent or not a string.
std::string StringMember(const rapidjson::Value& object, const char* key);

// Compact JSON text of `value`. Recursive: only for values this module built
// (bounded depth), never for parsed outside input.
std::string ToJson(const rapidjson::Value& value);

// At most `max` bytes of `text` (cut on a character boundary), "..."
// appended when cut, made printable valid UTF-8 (for error messages).
std::string Snippet(absl::string_view text, size_t max = 200);

// `text` with every invalid UTF-8 sequence and control character replaced
// by '?' (tab, newline kept as spaces).
std::string SanitizeUtf8(absl::string_view text);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_JSON_UTIL_H_
