#include "flyteplug/sdk/json_value_index.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/strings/string_view.h"

namespace flyteplug::sdk::json {
namespace {

size_t HashString(const Value& string) {
  return std::hash<std::string_view>()(
      std::string_view(string.GetString(), string.GetStringLength()));
}

size_t Combine(size_t seed, size_t hash) {
  return seed ^ (hash + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

// RapidJSON's operator== finds each member by name, so with a repeated name
// it is not symmetric and no hash can agree with it.
bool HasRepeatedName(const Value& object) {
  std::vector<absl::string_view> names;
  names.reserve(object.MemberCount());
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    names.push_back(StringOf(it->name));
  }
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) != names.end();
}

}  // namespace

std::optional<size_t> HashOf(const Value& value) {
  size_t seed = static_cast<size_t>(value.GetType());
  switch (value.GetType()) {
    case rapidjson::kStringType:
      return Combine(seed, HashString(value));
    case rapidjson::kNumberType: {
      // Integers compare by their 64 bits, so an int64 and a uint64 above
      // INT64_MAX can be equal; otherwise equal numbers are equal doubles.
      if (!value.IsDouble() && !value.IsInt64()) return std::nullopt;
      double number = value.GetDouble();
      if (number == 0) number = 0;  // -0.0 == 0.0
      return Combine(seed, std::hash<double>()(number));
    }
    case rapidjson::kArrayType:
      for (const Value& item : value.GetArray()) {
        std::optional<size_t> hash = HashOf(item);
        if (!hash.has_value()) return std::nullopt;
        seed = Combine(seed, *hash);
      }
      return seed;
    case rapidjson::kObjectType: {
      if (HasRepeatedName(value)) return std::nullopt;
      size_t members = value.MemberCount();  // order-insensitive sum
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        std::optional<size_t> hash = HashOf(it->value);
        if (!hash.has_value()) return std::nullopt;
        members += Combine(HashString(it->name), *hash);
      }
      return Combine(seed, members);
    }
    default:
      return seed;
  }
}

void ArrayValueIndex::IndexNew(const Value& array) {
  if (!array.IsArray()) return;
  for (; indexed_ < array.Size(); ++indexed_) {
    std::optional<size_t> hash = HashOf(array[indexed_]);
    if (hash.has_value()) {
      by_hash_.emplace(*hash, indexed_);
    } else {
      unhashable_.push_back(indexed_);
    }
  }
}

bool ArrayValueIndex::Contains(const Value& array, const Value& value) const {
  if (!array.IsArray()) return false;
  std::optional<size_t> hash = HashOf(value);
  if (!hash.has_value()) {
    for (rapidjson::SizeType i = 0; i < indexed_; ++i) {
      if (array[i] == value) return true;
    }
    return false;
  }
  auto [begin, end] = by_hash_.equal_range(*hash);
  for (auto it = begin; it != end; ++it) {
    if (array[it->second] == value) return true;
  }
  for (rapidjson::SizeType i : unhashable_) {
    if (array[i] == value) return true;
  }
  return false;
}

void ArrayValueIndex::Clear() {
  by_hash_.clear();
  unhashable_.clear();
  indexed_ = 0;
}

}  // namespace flyteplug::sdk::json
