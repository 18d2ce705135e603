// Membership in a JSON array by value in expected O(1): the linear-time
// replacement for scanning an array with RapidJSON's operator== when
// deduplicating (overlay env entries, tolerations).
// Thread-compatible: no shared state.
#ifndef FLYTEPLUG_SDK_JSON_VALUE_INDEX_H_
#define FLYTEPLUG_SDK_JSON_VALUE_INDEX_H_

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "flyteplug/sdk/json.h"

namespace flyteplug::sdk::json {

// A hash of `value` that agrees with RapidJSON's operator==: a == b implies
// equal hashes. nullopt for the values where operator== is not an
// equivalence (an object with a repeated member name, an integer above
// INT64_MAX), which callers must compare by scanning.
std::optional<size_t> HashOf(const Value& value);

// Indexes the leading elements of one JSON array by value. Holds positions,
// not pointers, so the array may grow (PushBack) and move between calls.
// LIFETIME: every call passes the same array, whose indexed elements are
// not modified or removed; a different or rebuilt array needs Clear().
class ArrayValueIndex {
 public:
  // Indexes the elements of `array` from the first unindexed position to its
  // end. A non-array indexes nothing.
  void IndexNew(const Value& array);

  // Whether an indexed element `e` of `array` has `e == value` (the
  // comparison order of a scan over the array).
  bool Contains(const Value& array, const Value& value) const;

  // Forgets every element.
  void Clear();

 private:
  std::unordered_multimap<size_t, rapidjson::SizeType> by_hash_;
  std::vector<rapidjson::SizeType> unhashable_;
  rapidjson::SizeType indexed_ = 0;
};

}  // namespace flyteplug::sdk::json

#endif  // FLYTEPLUG_SDK_JSON_VALUE_INDEX_H_
