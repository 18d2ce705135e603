#include "structural_schema.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rapidjson/internal/regex.h"
#include "rapidjson/pointer.h"

namespace flyteplug::spark {
namespace {

using rapidjson::Value;

// JSON types a schema admits, as RapidJSON 1.1 tells them apart: numbers
// without a fraction part reach "integer", doubles only "number".
enum TypeBit : uint8_t {
  kNullBit = 1 << 0,
  kBooleanBit = 1 << 1,
  kObjectBit = 1 << 2,
  kArrayBit = 1 << 3,
  kStringBit = 1 << 4,
  kIntegerBit = 1 << 5,
  kDoubleBit = 1 << 6,
  kAnyType = 0x7f,
};

// Child schema index meaning "any value" (RapidJSON's typeless schema).
constexpr int32_t kAnyValue = -1;

// Keywords RapidJSON 1.1 ignores and that only annotate a structural
// schema; they are ignored here too.
constexpr absl::string_view kAnnotations[] = {
    "description",
    "default",
    "format",
    "nullable",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-list-type",
    "x-kubernetes-map-type",
    "x-kubernetes-preserve-unknown-fields",
};

absl::string_view View(const Value& string) {
  return absl::string_view(string.GetString(), string.GetStringLength());
}

// RFC 6901 escaping of one reference token.
std::string PointerToken(absl::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::Status SchemaError(const std::string& pointer, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "schema at '", pointer.empty() ? "#" : pointer, "': ", what));
}

absl::StatusOr<uint8_t> TypeBits(const Value& type,
                                 const std::string& pointer) {
  if (!type.IsString()) {
    return SchemaError(pointer, "'type' must be one type name");
  }
  absl::string_view name = View(type);
  if (name == "null") return kNullBit;
  if (name == "boolean") return kBooleanBit;
  if (name == "object") return kObjectBit;
  if (name == "array") return kArrayBit;
  if (name == "string") return kStringBit;
  if (name == "integer") return kIntegerBit;
  if (name == "number") return kIntegerBit | kDoubleBit;
  return SchemaError(pointer, absl::StrCat("unknown type '", name, "'"));
}

// RapidJSON 1.1 passes a number to its Int handler when it fits an int,
// else Uint, else Int64, else Uint64; the first and third compare it as
// signed against minimum/maximum, the others as unsigned.
bool ComparesSigned(const Value& number) {
  return number.IsInt() || (!number.IsUint() && number.IsInt64());
}

// RapidJSON 1.1's CheckInt / CheckUint / CheckDouble for `minimum`.
bool BelowMinimum(const Value& number, const Value& minimum) {
  if (number.IsDouble()) return number.GetDouble() < minimum.GetDouble();
  if (ComparesSigned(number)) {
    int64_t i = number.GetInt64();
    if (minimum.IsInt64()) return i < minimum.GetInt64();
    if (minimum.IsUint64()) return true;
    return static_cast<double>(i) < minimum.GetDouble();
  }
  uint64_t u = number.GetUint64();
  if (minimum.IsUint64()) return u < minimum.GetUint64();
  if (minimum.IsInt64()) return false;
  return static_cast<double>(u) < minimum.GetDouble();
}

// The same for `maximum`.
bool AboveMaximum(const Value& number, const Value& maximum) {
  if (number.IsDouble()) return number.GetDouble() > maximum.GetDouble();
  if (ComparesSigned(number)) {
    int64_t i = number.GetInt64();
    if (maximum.IsInt64()) return i > maximum.GetInt64();
    if (maximum.IsUint64()) return false;
    return static_cast<double>(i) > maximum.GetDouble();
  }
  uint64_t u = number.GetUint64();
  if (maximum.IsUint64()) return u > maximum.GetUint64();
  if (maximum.IsInt64()) return true;
  return static_cast<double>(u) > maximum.GetDouble();
}

uint8_t TypeBitOf(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return kNullBit;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return kBooleanBit;
    case rapidjson::kObjectType:
      return kObjectBit;
    case rapidjson::kArrayType:
      return kArrayBit;
    case rapidjson::kStringType:
      return kStringBit;
    case rapidjson::kNumberType:
      return value.IsDouble() ? kDoubleBit : kIntegerBit;
  }
  return 0;
}

// A document path token as RapidJSON 1.1 reports it: its validator keeps
// the path as JSON pointer text and parses it back, so an object key made
// of digits (no leading zero, below 2^32-1) reads as an array index.
bool ReadsAsIndex(absl::string_view name) {
  if (name.empty() || (name.size() > 1 && name[0] == '0')) return false;
  uint64_t index = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
    index = index * 10 + static_cast<uint64_t>(c - '0');
    if (index >= rapidjson::kPointerInvalidIndex) return false;
  }
  return true;
}

}  // namespace

struct StructuralSchema::Node {
  struct Property {
    int32_t schema = kAnyValue;
    bool required = false;
  };

  const Value* source = nullptr;  // the schema object
  uint8_t types = kAnyType;
  // Objects: properties (and required names without one) by name.
  absl::flat_hash_map<absl::string_view, uint32_t> property_index;
  std::vector<Property> properties;
  bool has_required = false;
  bool additional_allowed = true;
  int32_t additional = kAnyValue;
  // Arrays.
  int32_t items = kAnyValue;
  // Strings: index into patterns_, or -1.
  int32_t pattern = -1;
  // Numbers (inside the schema document).
  const Value* minimum = nullptr;
  const Value* maximum = nullptr;
  // Any value.
  const Value* enum_values = nullptr;  // an array of strings
  std::vector<int32_t> any_of;
};

namespace {

// True when every '(' of `pattern` outside a character class and not
// escaped is closed by a later ')', and no ')' closes nothing.
bool GroupsBalanced(absl::string_view pattern) {
  int depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // the escaped character, whatever it is
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth < 0) {
      return false;
    }
  }
  return depth == 0;
}

}  // namespace

// A compiled `pattern`: RapidJSON 1.1's regex writes to state inside the
// compiled pattern while searching, so each search takes one not in use.
class StructuralSchema::PatternPool {
 public:
  using Regex = rapidjson::internal::GenericRegex<rapidjson::UTF8<>>;

  explicit PatternPool(std::string source) : source_(std::move(source)) {}

  // RapidJSON 1.1's parser asserts (debug builds) on a '(' left open, and
  // release builds read it as '+'; such a pattern is refused before it is
  // handed on.
  bool Valid() const {
    return GroupsBalanced(source_) && Regex(source_.c_str()).IsValid();
  }

  // RapidJSON's IsPatternMatch: a search, anchored only by ^ and $.
  bool Search(const char* text) const {
    std::unique_ptr<Regex> regex;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        regex = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (regex == nullptr) regex = std::make_unique<Regex>(source_.c_str());
    bool found = regex->Search(text);
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(regex));
    return found;
  }

 private:
  const std::string source_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Regex>> idle_;
};

// The first violation while unwinding: path tokens innermost first.
struct StructuralSchema::Failure {
  struct Token {
    absl::string_view name;
    rapidjson::SizeType index;
    bool is_index;
  };
  std::vector<Token> reversed_path;
  const char* keyword = nullptr;
  const Value* schema_node = nullptr;
  const Value* document_node = nullptr;
};

StructuralSchema::StructuralSchema() = default;
StructuralSchema::~StructuralSchema() = default;

absl::StatusOr<std::unique_ptr<StructuralSchema>> StructuralSchema::Compile(
    const rapidjson::Value& schema) {
  std::unique_ptr<StructuralSchema> compiled(new StructuralSchema());
  absl::StatusOr<int32_t> root = compiled->CompileNode(schema, "");
  if (!root.ok()) return root.status();
  return compiled;
}

absl::StatusOr<int32_t> StructuralSchema::CompileNode(
    const rapidjson::Value& schema, const std::string& pointer) {
  if (!schema.IsObject()) {
    return SchemaError(pointer, "a schema must be an object");
  }
  const int32_t index = static_cast<int32_t>(nodes_.size());
  nodes_.emplace_back();  // filled below: children are compiled first
  Node node;
  node.source = &schema;
  if (absl::Status s = CompileObjectKeywords(schema, pointer, node); !s.ok()) {
    return s;
  }
  for (auto it = schema.MemberBegin(); it != schema.MemberEnd(); ++it) {
    const absl::string_view key = View(it->name);
    const Value& value = it->value;
    const std::string at = absl::StrCat(pointer, "/", PointerToken(key));
    if (key == "type") {
      absl::StatusOr<uint8_t> bits = TypeBits(value, at);
      if (!bits.ok()) return bits.status();
      node.types = *bits;
    } else if (key == "items") {
      absl::StatusOr<int32_t> items = CompileNode(value, at);
      if (!items.ok()) return items.status();
      node.items = *items;
    } else if (key == "anyOf") {
      if (!value.IsArray() || value.Empty()) {
        return SchemaError(at, "'anyOf' must be a non-empty array");
      }
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        absl::StatusOr<int32_t> branch =
            CompileNode(value[i], absl::StrCat(at, "/", i));
        if (!branch.ok()) return branch.status();
        node.any_of.push_back(*branch);
      }
    } else if (key == "enum") {
      if (!value.IsArray() || value.Empty() ||
          !std::all_of(value.Begin(), value.End(),
                       [](const Value& v) { return v.IsString(); })) {
        return SchemaError(at, "'enum' must be a non-empty array of strings");
      }
      node.enum_values = &value;
    } else if (key == "pattern") {
      if (!value.IsString()) return SchemaError(at, "'pattern' not a string");
      auto pool = std::make_unique<PatternPool>(
          std::string(value.GetString(), value.GetStringLength()));
      if (!pool->Valid()) {
        return SchemaError(at,
                           "'pattern' is not a regular expression "
                           "RapidJSON's engine compiles");
      }
      node.pattern = static_cast<int32_t>(patterns_.size());
      patterns_.push_back(std::move(pool));
    } else if (key == "minimum" || key == "maximum") {
      if (!value.IsNumber()) {
        return SchemaError(at, absl::StrCat("'", key, "' must be a number"));
      }
      (key == "minimum" ? node.minimum : node.maximum) = &value;
    } else if (key != "properties" && key != "required" &&
               key != "additionalProperties" &&
               std::find(std::begin(kAnnotations), std::end(kAnnotations),
                         key) == std::end(kAnnotations)) {
      return SchemaError(at, "keyword not implemented by this validator");
    }
  }
  nodes_[index] = std::move(node);
  return index;
}

absl::Status StructuralSchema::CompileObjectKeywords(
    const rapidjson::Value& schema, const std::string& pointer, Node& node) {
  if (const auto it = schema.FindMember("properties");
      it != schema.MemberEnd()) {
    const std::string at = absl::StrCat(pointer, "/properties");
    if (!it->value.IsObject()) return SchemaError(at, "not an object");
    for (auto p = it->value.MemberBegin(); p != it->value.MemberEnd(); ++p) {
      absl::StatusOr<int32_t> child = CompileNode(
          p->value, absl::StrCat(at, "/", PointerToken(View(p->name))));
      if (!child.ok()) return child.status();
      auto [slot, added] = node.property_index.try_emplace(
          View(p->name), static_cast<uint32_t>(node.properties.size()));
      if (!added) return SchemaError(at, "duplicate property");
      node.properties.push_back({*child, false});
    }
  }
  if (const auto it = schema.FindMember("required"); it != schema.MemberEnd()) {
    const std::string at = absl::StrCat(pointer, "/required");
    if (!it->value.IsArray()) return SchemaError(at, "not an array");
    // RapidJSON 1.1 admits a required name without a property schema as
    // a property of any value.
    for (const Value& name : it->value.GetArray()) {
      if (!name.IsString()) return SchemaError(at, "not all strings");
      auto [slot, added] = node.property_index.try_emplace(
          View(name), static_cast<uint32_t>(node.properties.size()));
      if (added) node.properties.push_back({kAnyValue, false});
      node.properties[slot->second].required = true;
      node.has_required = true;
    }
  }
  if (const auto it = schema.FindMember("additionalProperties");
      it != schema.MemberEnd()) {
    const std::string at = absl::StrCat(pointer, "/additionalProperties");
    if (it->value.IsBool()) {
      node.additional_allowed = it->value.GetBool();
    } else {
      absl::StatusOr<int32_t> additional = CompileNode(it->value, at);
      if (!additional.ok()) return additional.status();
      node.additional = *additional;
    }
  }
  return absl::OkStatus();
}

std::optional<StructuralSchema::Violation> StructuralSchema::Check(
    const rapidjson::Value& document) const {
  Failure failure;
  if (CheckValue(0, document, &failure)) return std::nullopt;
  std::string path;
  for (auto it = failure.reversed_path.rbegin();
       it != failure.reversed_path.rend(); ++it) {
    if (it->is_index || ReadsAsIndex(it->name)) {
      absl::StrAppend(
          &path, "[",
          it->is_index ? absl::StrCat(it->index) : std::string(it->name), "]");
    } else {
      if (!path.empty()) path.push_back('.');
      path.append(it->name.data(), it->name.size());
    }
  }
  if (path.empty()) path = "<root>";
  return Violation{std::move(path), failure.keyword, failure.schema_node,
                   failure.document_node};
}

namespace {

// Records the violation (when asked for) and returns false.
template <typename FailureType, typename NodeType>
bool Violated(FailureType* failure, const char* keyword, const NodeType& node,
              const Value& value) {
  if (failure != nullptr) {
    failure->keyword = keyword;
    failure->schema_node = node.source;
    failure->document_node = &value;
  }
  return false;
}

}  // namespace

// RapidJSON's order: the type (and a scalar's own keywords) when the value
// starts, then an object's members or an array's items in order, an
// object's `required` at its end, then `enum` and `anyOf`.
bool StructuralSchema::CheckValue(int32_t index, const rapidjson::Value& value,
                                  Failure* failure) const {
  if (index == kAnyValue) return true;
  const Node& node = nodes_[index];
  if ((node.types & TypeBitOf(value)) == 0) {
    return Violated(failure, "type", node, value);
  }
  if (value.IsObject()) {
    if (!CheckMembers(node, value, failure)) return false;
  } else if (value.IsArray()) {
    if (node.items != kAnyValue) {
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        if (!CheckValue(node.items, value[i], failure)) {
          if (failure != nullptr) {
            failure->reversed_path.push_back({{}, i, true});
          }
          return false;
        }
      }
    }
  } else if (!CheckScalar(node, value, failure)) {
    return false;
  }
  if (node.enum_values != nullptr) {
    bool listed =
        value.IsString() &&
        std::any_of(node.enum_values->Begin(), node.enum_values->End(),
                    [&](const Value& v) { return View(v) == View(value); });
    if (!listed) return Violated(failure, "enum", node, value);
  }
  if (!node.any_of.empty() &&
      std::none_of(node.any_of.begin(), node.any_of.end(),
                   [&](int32_t b) { return CheckValue(b, value, nullptr); })) {
    return Violated(failure, "anyOf", node, value);
  }
  return true;
}

bool StructuralSchema::CheckScalar(const Node& node,
                                   const rapidjson::Value& value,
                                   Failure* failure) const {
  if (value.IsString()) {
    if (node.pattern >= 0 &&
        !patterns_[node.pattern]->Search(value.GetString())) {
      return Violated(failure, "pattern", node, value);
    }
  } else if (value.IsNumber()) {
    if (node.minimum != nullptr && BelowMinimum(value, *node.minimum)) {
      return Violated(failure, "minimum", node, value);
    }
    if (node.maximum != nullptr && AboveMaximum(value, *node.maximum)) {
      return Violated(failure, "maximum", node, value);
    }
  }
  return true;
}

bool StructuralSchema::CheckMembers(const Node& node,
                                    const rapidjson::Value& value,
                                    Failure* failure) const {
  // Which properties are present, for `required` (objects here have few).
  constexpr size_t kInline = 64;
  bool seen_inline[kInline];
  std::vector<bool> seen_heap;
  const bool track = node.has_required;
  if (track) {
    if (node.properties.size() <= kInline) {
      std::fill_n(seen_inline, node.properties.size(), false);
    } else {
      seen_heap.assign(node.properties.size(), false);
    }
  }
  auto mark = [&](uint32_t i) {
    if (node.properties.size() <= kInline) {
      seen_inline[i] = true;
    } else {
      seen_heap[i] = true;
    }
  };
  for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
    const absl::string_view key = View(it->name);
    int32_t child = node.additional;
    if (auto found = node.property_index.find(key);
        found != node.property_index.end()) {
      child = node.properties[found->second].schema;
      if (track) mark(found->second);
    } else if (node.additional == kAnyValue && !node.additional_allowed) {
      if (failure != nullptr) {
        failure->reversed_path.push_back({key, 0, false});
      }
      return Violated(failure, "additionalProperties", node, it->value);
    }
    if (!CheckValue(child, it->value, failure)) {
      if (failure != nullptr) {
        failure->reversed_path.push_back({key, 0, false});
      }
      return false;
    }
  }
  if (track) {
    for (uint32_t i = 0; i < node.properties.size(); ++i) {
      bool present =
          node.properties.size() <= kInline ? seen_inline[i] : seen_heap[i];
      if (node.properties[i].required && !present) {
        return Violated(failure, "required", node, value);
      }
    }
  }
  return true;
}

}  // namespace flyteplug::spark
