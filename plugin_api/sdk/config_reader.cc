#include "flyteplug/sdk/config_reader.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::sdk {
namespace {

using json::StringOf;
using json::Value;

// Lower case, then '-' and '_' dropped: spellings that differ only so.
std::string Normalize(absl::string_view key) {
  std::string out = absl::AsciiStrToLower(key);
  out.erase(std::remove_if(out.begin(), out.end(),
                           [](char c) { return c == '-' || c == '_'; }),
            out.end());
  return out;
}

// An error when two members of `object` name the same key: in any case when
// `ignore_case`, else exactly. Linear (one hash set); never recursive.
absl::Status CheckDuplicateKeys(const Value& object, absl::string_view path,
                                bool ignore_case) {
  // The first spelling of each key seen, by its (lower-cased) form.
  std::unordered_map<std::string, absl::string_view> first_spelling;
  first_spelling.reserve(object.MemberCount());
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const absl::string_view key = StringOf(it->name);
    auto [seen, inserted] = first_spelling.emplace(
        ignore_case ? absl::AsciiStrToLower(key) : std::string(key), key);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".", key, ": duplicate key (already given as '",
                       seen->second, "')"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ConfigReader::ConfigReader(std::string path, std::vector<std::string>* warnings)
    : path_(std::move(path)), warnings_(warnings) {}

ConfigReader& ConfigReader::On(absl::string_view key, Handler handler) {
  entries_.push_back(Entry{std::string(key), std::move(handler)});
  return *this;
}

ConfigReader& ConfigReader::String(absl::string_view key, std::string* out) {
  return On(key, [out](const Value& value, const std::string& path) {
    return ReadString(value, path, out);
  });
}

ConfigReader& ConfigReader::Bool(absl::string_view key, bool* out) {
  return On(key, [out](const Value& value, const std::string& path) {
    return ReadBool(value, path, out);
  });
}

ConfigReader& ConfigReader::OptionalBool(absl::string_view key,
                                         std::optional<bool>* out) {
  return On(key, [out](const Value& value, const std::string& path) {
    bool b = false;
    absl::Status status = ReadBool(value, path, &b);
    if (status.ok()) *out = b;
    return status;
  });
}

ConfigReader& ConfigReader::StringList(absl::string_view key,
                                       std::vector<std::string>* out) {
  return On(key, [out](const Value& value, const std::string& path) {
    return ReadStringList(value, path, out);
  });
}

ConfigReader& ConfigReader::StringMap(absl::string_view key,
                                      std::map<std::string, std::string>* out) {
  return On(key, [out](const Value& value, const std::string& path) {
    return ReadStringMap(value, path, out);
  });
}

ConfigReader& ConfigReader::Ignore(absl::string_view key) {
  return On(key, nullptr);
}

std::string ConfigReader::PathOf(absl::string_view key) const {
  return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
}

const ConfigReader::Entry* ConfigReader::Lookup(absl::string_view key) const {
  for (const Entry& entry : entries_) {
    if (absl::EqualsIgnoreCase(entry.key, key)) return &entry;
  }
  return nullptr;
}

void ConfigReader::WarnUnknown(absl::string_view key) const {
  if (warnings_ == nullptr) return;
  std::vector<std::string> known;
  known.reserve(entries_.size());
  for (const Entry& entry : entries_) known.push_back(entry.key);
  warnings_->push_back(UnknownKeyWarning(PathOf(key), key, known));
}

absl::Status ConfigReader::Read(const Value* object) const {
  if (object == nullptr || object->IsNull()) return absl::OkStatus();
  if (!object->IsObject()) {
    return json::TypeError(path_.empty() ? "(top level)" : path_, "an object",
                           *object);
  }
  if (absl::Status s = CheckDuplicateKeys(*object, path_, /*ignore_case=*/true);
      !s.ok()) {
    return s;
  }
  for (auto it = object->MemberBegin(); it != object->MemberEnd(); ++it) {
    const absl::string_view key = StringOf(it->name);
    const Entry* entry = Lookup(key);
    if (entry == nullptr) {
      WarnUnknown(key);
      continue;
    }
    if (it->value.IsNull() || !entry->handler) continue;
    if (absl::Status s = entry->handler(it->value, PathOf(key)); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ReadString(const Value& value, absl::string_view path,
                        std::string* out) {
  if (!value.IsString()) return json::TypeError(path, "a string", value);
  out->assign(value.GetString(), value.GetStringLength());
  return absl::OkStatus();
}

absl::Status ReadBool(const Value& value, absl::string_view path, bool* out) {
  if (!value.IsBool()) return json::TypeError(path, "a boolean", value);
  *out = value.GetBool();
  return absl::OkStatus();
}

absl::Status ReadStringList(const Value& value, absl::string_view path,
                            std::vector<std::string>* out) {
  if (!value.IsArray()) {
    return json::TypeError(path, "an array of strings", value);
  }
  std::vector<std::string> list(value.Size());
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    if (absl::Status s =
            ReadString(value[i], absl::StrCat(path, "[", i, "]"), &list[i]);
        !s.ok()) {
      return s;
    }
  }
  *out = std::move(list);
  return absl::OkStatus();
}

absl::Status ForEachMapEntry(const Value& value, absl::string_view path,
                             const MapEntryVisitor& visit) {
  auto visit_object = [&visit](const Value& object,
                               absl::string_view object_path) -> absl::Status {
    if (absl::Status s =
            CheckDuplicateKeys(object, object_path, /*ignore_case=*/false);
        !s.ok()) {
      return s;
    }
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
      const absl::string_view key = StringOf(it->name);
      if (absl::Status s =
              visit(key, it->value, absl::StrCat(object_path, ".", key));
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  };
  if (value.IsObject()) return visit_object(value, path);
  if (!value.IsArray()) {
    return json::TypeError(path, "a map or a list of maps", value);
  }
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    const Value& item = value[i];
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (item.IsNull()) continue;
    if (!item.IsObject()) return json::TypeError(item_path, "a map", item);
    if (absl::Status s = visit_object(item, item_path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

namespace {

// One open array or object of CheckNoDuplicateKeys' walk.
struct OpenValue {
  const Value* value;
  rapidjson::SizeType next;  // index of the next child to visit
};

// The path from the root to the child `next - 1` of each open value, then
// `last_key`.
std::string PathOf(const std::vector<OpenValue>& open,
                   absl::string_view last_key) {
  std::string path;
  for (const OpenValue& o : open) {
    if (o.value->IsArray()) {
      absl::StrAppend(&path, "[", o.next - 1, "]");
    } else {
      const Value& name = (o.value->MemberBegin() + (o.next - 1))->name;
      absl::StrAppend(&path, path.empty() ? "" : ".", StringOf(name));
    }
  }
  absl::StrAppend(&path, path.empty() ? "" : ".", last_key);
  return path;
}

}  // namespace

absl::Status CheckNoDuplicateKeys(const Value& root) {
  std::vector<OpenValue> open;
  auto enter = [&open](const Value& value) -> absl::Status {
    if (value.IsObject()) {
      std::unordered_set<std::string> keys;
      keys.reserve(value.MemberCount());
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        if (!keys.emplace(StringOf(it->name)).second) {
          return absl::InvalidArgumentError(absl::StrCat(
              PathOf(open, StringOf(it->name)), ": duplicate key"));
        }
      }
    }
    if (value.IsObject() || value.IsArray()) open.push_back({&value, 0});
    return absl::OkStatus();
  };
  if (absl::Status s = enter(root); !s.ok()) return s;
  while (!open.empty()) {
    OpenValue& top = open.back();
    const Value& v = *top.value;
    const rapidjson::SizeType size = v.IsArray() ? v.Size() : v.MemberCount();
    if (top.next == size) {
      open.pop_back();
      continue;
    }
    const Value& child =
        v.IsArray() ? v[top.next] : (v.MemberBegin() + top.next)->value;
    ++top.next;
    if (absl::Status s = enter(child); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadStringMap(const Value& value, absl::string_view path,
                           std::map<std::string, std::string>* out) {
  std::map<std::string, std::string> map;
  absl::Status status = ForEachMapEntry(
      value, path,
      [&map](absl::string_view key, const Value& entry,
             const std::string& entry_path) -> absl::Status {
        std::string text;
        if (!entry.IsNull()) {
          if (absl::Status s = ReadString(entry, entry_path, &text); !s.ok()) {
            return s;
          }
        }
        map[std::string(key)] = std::move(text);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  *out = std::move(map);
  return absl::OkStatus();
}

size_t EditDistance(absl::string_view a, absl::string_view b) {
  // Optimal string alignment: three rows of the Damerau-Levenshtein matrix.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1),
      current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestKey(absl::string_view key,
                                      const std::vector<std::string>& known) {
  const size_t limit = std::max<size_t>(1, std::min<size_t>(3, key.size() / 3));
  const std::string normalized = Normalize(key);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : known) {
    if (Normalize(candidate) == normalized) return candidate;
    const size_t distance = EditDistance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string UnknownKeyWarning(absl::string_view path, absl::string_view key,
                              const std::vector<std::string>& known) {
  std::optional<std::string> closest = ClosestKey(key, known);
  if (!closest.has_value()) return absl::StrCat(path, ": unknown key, ignored");
  return absl::StrCat(path, ": unknown key, did you mean '", *closest, "'?");
}

}  // namespace flyteplug::sdk
