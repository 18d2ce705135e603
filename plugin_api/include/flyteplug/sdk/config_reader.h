// Reading configuration sections: one rule set for the loader, the shipped
// modules and third-party modules (docs/configuration.md, "How keys are
// read"):
//  - keys match ASCII case-insensitively, as Flyte's configuration (viper)
//    matches them;
//  - two members naming the same key (in any case) are an error;
//  - an unknown key is a warning naming its full path and, when one is
//    close, the known key it probably meant;
//  - `null` keeps the default;
//  - a value of the wrong type is an error naming the path; values are never
//    converted between types (a boolean is not a string);
//  - where a map is expected, Flyte's weak decoding also accepts a list of
//    maps (the Helm charts' form) and the empty list `[]`.
// Errors are InvalidArgumentError "<path>: <what was wrong>"; values are
// never quoted in them (they may be secrets).
//
// Example:
//   std::vector<std::string> warnings;
//   ConfigReader reader("plugins.k8s-job", &warnings);
//   reader.String("default-service-account", &config.service_account)
//       .Bool("inject-finalizer", &config.inject_finalizer);
//   absl::Status status = reader.Read(section);  // section may be nullptr
#ifndef FLYTEPLUG_SDK_CONFIG_READER_H_
#define FLYTEPLUG_SDK_CONFIG_READER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "flyteplug/sdk/json.h"

namespace flyteplug::sdk {

// Reads one JSON object against a table of known keys, each listed once.
// Thread-compatible; the outputs given to the registering calls must outlive
// Read().
class ConfigReader {
 public:
  // Called with a member's value (never null) and its full path.
  using Handler = std::function<absl::Status(const json::Value& value,
                                             const std::string& path)>;

  // `path` is the dotted path of the object ("plugins.spark"); unknown-key
  // warnings are appended to *warnings (nullptr: dropped).
  ConfigReader(std::string path, std::vector<std::string>* warnings);

  const std::string& path() const { return path_; }
  std::vector<std::string>* warnings() const { return warnings_; }

  // Registers `key` with its reader. REQUIRES: each key registered once.
  ConfigReader& On(absl::string_view key, Handler handler);
  // Typed shorthands for On() with the readers below.
  ConfigReader& String(absl::string_view key, std::string* out);
  ConfigReader& Bool(absl::string_view key, bool* out);
  ConfigReader& OptionalBool(absl::string_view key, std::optional<bool>* out);
  ConfigReader& StringList(absl::string_view key,
                           std::vector<std::string>* out);
  ConfigReader& StringMap(absl::string_view key,
                          std::map<std::string, std::string>* out);
  // A key accepted for compatibility (e.g. a Flyte key the reader does not
  // use): no warning, its value is not read.
  ConfigReader& Ignore(absl::string_view key);

  // The full path of `key` under this object.
  std::string PathOf(absl::string_view key) const;

  // Reads `object`: nullptr or null reads nothing (defaults kept); anything
  // but an object is a type error. Calls each member's handler in document
  // order, skipping null values.
  absl::Status Read(const json::Value* object) const;

 private:
  struct Entry {
    std::string key;
    Handler handler;  // empty for Ignore()
  };
  const Entry* Lookup(absl::string_view key) const;
  void WarnUnknown(absl::string_view key) const;

  std::string path_;
  std::vector<std::string>* warnings_;
  std::vector<Entry> entries_;
};

// Strict typed readers, for handlers. Each returns a TypeError naming `path`
// when `value` has another type.
absl::Status ReadString(const json::Value& value, absl::string_view path,
                        std::string* out);
absl::Status ReadBool(const json::Value& value, absl::string_view path,
                      bool* out);
// An array of strings (no null items). Replaces *out.
absl::Status ReadStringList(const json::Value& value, absl::string_view path,
                            std::vector<std::string>* out);

// Calls `visit(key, value, path)` for each entry of a map-valued key: an
// object, a list of objects (entries of every item, in order; null items
// skipped) or `[]`. A key repeated within one object is an error; across
// list items the later entry comes later. Map keys are data: matched
// exactly.
using MapEntryVisitor = std::function<absl::Status(
    absl::string_view key, const json::Value& value, const std::string& path)>;
absl::Status ForEachMapEntry(const json::Value& value, absl::string_view path,
                             const MapEntryVisitor& visit);

// A map of strings (see ForEachMapEntry; later entries win; a null entry
// value is ""). Replaces *out.
absl::Status ReadStringMap(const json::Value& value, absl::string_view path,
                           std::map<std::string, std::string>* out);

// The rule for a whole configuration document, as the YAML reader applies
// it: no object anywhere in `root` names one key twice (byte-wise; the
// readers above also catch spellings differing in case where they match keys
// that way). Returns InvalidArgumentError "<path>: duplicate key" for the
// first repeat in document order, the path naming it from the root
// ("plugins.k8s.default-affinity.a", "tasks.list[2].b"). Linear in the
// document; not recursive.
absl::Status CheckNoDuplicateKeys(const json::Value& root);

// Edit distance between `a` and `b`, byte-wise: insertions, deletions,
// substitutions and transpositions of adjacent bytes each count as one
// (optimal string alignment distance).
size_t EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `key`, if close enough to be a plausible
// misspelling: distance <= max(1, min(3, key.size() / 3)), or the two differ
// only in case, '-' versus '_', or a missing '-'/'_'. Ties go to the first
// candidate. Pure function.
std::optional<std::string> ClosestKey(absl::string_view key,
                                      const std::vector<std::string>& known);

// The warning for an unknown key at `path` (whose last component is the
// key): "<path>: unknown key, did you mean '<closest>'?" when ClosestKey
// finds one among `known`, else "<path>: unknown key, ignored".
std::string UnknownKeyWarning(absl::string_view path, absl::string_view key,
                              const std::vector<std::string>& known);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_CONFIG_READER_H_
