// JSON values for module code: finding, setting and creating members, naming
// JSON types and the one "expected X, got Y" error. Used by the loader, the
// shipped modules and third-party modules alike (target flyteplug::json).
//
// Every function that allocates takes the allocator of the document that owns
// the values it touches; values are never shared between documents.
// Thread-compatible: no shared state.
#ifndef FLYTEPLUG_SDK_JSON_H_
#define FLYTEPLUG_SDK_JSON_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::sdk::json {

using Value = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// Parse flags for every parse of outside input: iterative (nesting depth
// cannot exhaust the stack) and UTF-8 validated (strings may end up in
// protobuf `string` fields, which must hold valid UTF-8).
inline constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// The text of a string value. REQUIRES: value.IsString().
inline absl::string_view StringOf(const Value& value) {
  return absl::string_view(value.GetString(), value.GetStringLength());
}

// The member `key` (exact, byte-wise) of `object`, or nullptr when `object`
// is not an object or has no such member.
Value* Find(Value& object, absl::string_view key);
const Value* Find(const Value& object, absl::string_view key);

// The string member `key` of `object`, or "" when absent or not a string.
std::string StringMember(const Value& object, absl::string_view key);

// A string value holding a copy of `s`.
Value String(absl::string_view s, Allocator& allocator);

// Sets `object[key] = value`, replacing an existing member.
// REQUIRES: object.IsObject().
void Set(Value& object, absl::string_view key, Value value,
         Allocator& allocator);

// Returns `object[key]`, first setting it to an empty value of `type` when it
// is absent or null. REQUIRES: object.IsObject().
Value& Ensure(Value& object, absl::string_view key, rapidjson::Type type,
              Allocator& allocator);

// Removes `object[key]` if present.
void Remove(Value& object, absl::string_view key);

// A deep copy of `value`, allocated from `allocator` (constant strings stay
// references, as with RapidJSON's copy). RapidJSON 1.1's copy constructor
// goes through a temporary document with a heap-allocated stack per copy;
// this copies directly, except arrays of more than 16 elements, which
// RapidJSON's copy gives objects of exactly their size (AddMember reserves
// 16 members): less memory for long lists. For the same reason, a loop that
// copies the elements of a list one by one keeps RapidJSON's copy.
Value Copy(const Value& value, Allocator& allocator);

// A map<string,string> as a JSON object.
Value StringMap(const std::map<std::string, std::string>& map,
                Allocator& allocator);

// String maps merged into one JSON object without copying them first, as
// assigning each map's entries into one std::map in turn and calling
// StringMap would: keys in byte-wise order, a key's value from the last map
// added that has it.
// LIFETIME: the added maps must outlive Build().
class StringMapMerger {
 public:
  // Adds the entries of `map` (any map of std::string to std::string with
  // unique keys, e.g. std::map or google::protobuf::Map).
  template <typename Map>
  void Add(const Map& map) {
    for (const auto& [key, value] : map) {
      entries_.push_back({key, value, entries_.size()});
    }
  }

  bool empty() const { return entries_.empty(); }

  // The merged object; the added maps are left as they are.
  Value Build(Allocator& allocator);

 private:
  struct Entry {
    absl::string_view key;
    absl::string_view value;
    size_t order;  // position among the added entries: later ones win
  };
  std::vector<Entry> entries_;
};

// The type's name with its article, for messages: "null", "a boolean",
// "a number", "a string", "an array", "an object".
const char* TypeName(rapidjson::Type type);
inline const char* TypeName(const Value& value) {
  return TypeName(value.GetType());
}

// InvalidArgumentError "<path>: expected <expected>, got <TypeName(got)>".
// The value itself is never printed (it may be a secret).
absl::Status TypeError(absl::string_view path, absl::string_view expected,
                       const Value& got);

}  // namespace flyteplug::sdk::json

#endif  // FLYTEPLUG_SDK_JSON_H_
