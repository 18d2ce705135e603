// Small RapidJSON helpers for module code (Kubernetes objects as JSON).
//
// Every function that allocates takes the allocator of the document that owns
// the values it touches; values are never shared between documents.
// Thread-compatible: no shared state.
#ifndef FLYTEPLUG_SDK_JSON_UTIL_H_
#define FLYTEPLUG_SDK_JSON_UTIL_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::sdk::json {

using Value = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// The member `key` of `object`, or nullptr when `object` is not an object or
// has no such member.
Value* Find(Value& object, absl::string_view key);
const Value* Find(const Value& object, absl::string_view key);

// A string value holding a copy of `s`.
Value String(absl::string_view s, Allocator& allocator);

// Sets `object[key] = value`, replacing an existing member. `object` must be
// an object.
void Set(Value& object, absl::string_view key, Value value,
         Allocator& allocator);

// Returns `object[key]`, first setting it to an empty value of `type` when it
// is absent or null. `object` must be an object.
Value& Ensure(Value& object, absl::string_view key, rapidjson::Type type,
              Allocator& allocator);

// Removes `object[key]` if present.
void Remove(Value& object, absl::string_view key);

// mergo's notion of an empty value, on JSON: null, false, 0, "", [] and {}.
bool IsEmpty(const Value& value);

// mergo.Merge(dst, src, WithOverride, WithAppendSlice) on JSON: objects merge
// member by member (recursively); a non-empty array in `src` is appended to
// the one in `dst`; any other non-empty `src` value replaces `dst`'s. Empty
// `src` values never override.
void MergeOverride(Value& dst, const Value& src, Allocator& allocator);

// A map<string,string> as a JSON object.
Value StringMap(const std::map<std::string, std::string>& map,
                Allocator& allocator);

// Serializes `value` with the members of every object sorted by key (byte
// order), recursively. Deterministic for equal inputs.
std::string WriteSorted(const Value& value);

// A human-readable JSON type name ("string", "object", ...), for errors.
const char* TypeName(const Value& value);

}  // namespace flyteplug::sdk::json

#endif  // FLYTEPLUG_SDK_JSON_UTIL_H_
