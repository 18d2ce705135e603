#include "yaml_to_json.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "yaml-cpp/yaml.h"
#include "yaml_budget.h"

namespace flyteplug::loader {
namespace {

constexpr absl::string_view kTagPrefix = "tag:yaml.org,2002:";

bool IsNull(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// 1 for true, 0 for false, -1 for neither.
int Bool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return 1;
  if (s == "false" || s == "False" || s == "FALSE") return 0;
  return -1;
}

bool AllOf(absl::string_view s, bool (*pred)(unsigned char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsOctalDigit(unsigned char c) { return c >= '0' && c <= '7'; }
bool IsDigit(unsigned char c) { return absl::ascii_isdigit(c); }
bool IsHexDigit(unsigned char c) { return absl::ascii_isxdigit(c); }

// Core schema int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+.
bool LooksInt(const std::string& s, int* base, absl::string_view* digits,
              bool* negative) {
  absl::string_view v = s;
  *negative = false;
  if (absl::ConsumePrefix(&v, "0o")) {
    *base = 8;
    *digits = v;
    return AllOf(v, IsOctalDigit);
  }
  if (absl::ConsumePrefix(&v, "0x")) {
    *base = 16;
    *digits = v;
    return AllOf(v, IsHexDigit);
  }
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    *negative = v[0] == '-';
    v.remove_prefix(1);
  }
  *base = 10;
  *digits = v;
  return AllOf(v, IsDigit);
}

// Core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool LooksFloat(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0;
  while (i < n && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && IsDigit(s[i])) ++i, ++frac_digits;
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < n && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

bool LooksInfOrNan(const std::string& s) {
  absl::string_view v = s;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  return v == ".inf" || v == ".Inf" || v == ".INF" || s == ".nan" ||
         s == ".NaN" || s == ".NAN";
}

std::string Where(absl::string_view source, const YAML::Node& node,
                  const std::string& path) {
  const YAML::Mark mark = node.Mark();
  const std::string where = path.empty() ? "(top level)" : path;
  if (mark.is_null()) return absl::StrCat(source, ": ", where);
  return absl::StrCat(source, ":", mark.line + 1, ":", mark.column + 1, ": ",
                      where);
}

class Converter {
 public:
  Converter(absl::string_view source, rapidjson::Document::AllocatorType* a)
      : source_(source), alloc_(*a) {}

  // Converts `node` (at the path of the open components) into *out.
  // REQUIRES: the document passed CheckYamlBudget (bounded depth and size).
  absl::Status Convert(const YAML::Node& node, rapidjson::Value* out) {
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out->SetNull();
        return absl::OkStatus();
      case YAML::NodeType::Scalar:
        return Scalar(node, out);
      case YAML::NodeType::Sequence: {
        out->SetArray();
        size_t i = 0;
        for (const YAML::Node& item : node) {
          rapidjson::Value value;
          path_.push_back(absl::StrCat("[", i++, "]"));
          absl::Status status = Convert(item, &value);
          path_.pop_back();
          if (!status.ok()) return status;
          out->PushBack(value, alloc_);
        }
        return absl::OkStatus();
      }
      case YAML::NodeType::Map:
        return Map(node, out);
    }
    return absl::InternalError("unreachable YAML node type");
  }

 private:
  absl::Status Map(const YAML::Node& node, rapidjson::Value* out) {
    out->SetObject();
    std::set<std::string> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(entry.first), ": a mapping key must be a scalar"));
      }
      const std::string& key = entry.first.Scalar();
      path_.push_back(path_.empty() ? key : absl::StrCat(".", key));
      absl::Status status;
      rapidjson::Value value;
      if (!seen.insert(key).second) {
        status = absl::InvalidArgumentError(
            absl::StrCat(Where(entry.first), ": duplicate key"));
      } else {
        status = Convert(entry.second, &value);
      }
      path_.pop_back();
      if (!status.ok()) return status;
      out->AddMember(
          rapidjson::Value(
              key.data(), static_cast<rapidjson::SizeType>(key.size()), alloc_),
          value, alloc_);
    }
    return absl::OkStatus();
  }

  // "<source>:<line>:<column>: <path>" of `node` at the open path.
  std::string Where(const YAML::Node& node) const {
    return loader::Where(source_, node, absl::StrJoin(path_, ""));
  }

  absl::Status Scalar(const YAML::Node& node, rapidjson::Value* out) {
    const std::string& s = node.Scalar();
    std::string tag = node.Tag();
    // yaml-cpp: "!" marks a quoted or block scalar (never resolved),
    // "?" (or empty) a plain one; other tags are explicit.
    if (tag == "!") return String(s, out);
    if (absl::StartsWith(tag, "!!")) {
      tag = absl::StrCat(kTagPrefix, tag.substr(2));
    }
    if (tag == "?" || tag.empty()) return Resolve(node, s, out);
    if (tag == absl::StrCat(kTagPrefix, "str")) return String(s, out);
    if (tag == absl::StrCat(kTagPrefix, "null")) {
      out->SetNull();
      return absl::OkStatus();
    }
    if (tag == absl::StrCat(kTagPrefix, "bool")) {
      const int b = Bool(s);
      if (b < 0) return Bad(node, s, "!!bool");
      out->SetBool(b == 1);
      return absl::OkStatus();
    }
    if (tag == absl::StrCat(kTagPrefix, "int")) {
      absl::Status status = Int(node, s, out);
      return status.ok() ? status : Bad(node, s, "!!int");
    }
    if (tag == absl::StrCat(kTagPrefix, "float")) {
      int base;
      absl::string_view digits;
      bool negative;
      if (LooksFloat(s) || LooksInt(s, &base, &digits, &negative)) {
        return Float(node, s, out);
      }
      return Bad(node, s, "!!float");
    }
    return absl::InvalidArgumentError(
        absl::StrCat(Where(node), ": unsupported tag '", node.Tag(), "'"));
  }

  absl::Status Resolve(const YAML::Node& node, const std::string& s,
                       rapidjson::Value* out) {
    if (IsNull(s)) {
      out->SetNull();
      return absl::OkStatus();
    }
    const int b = Bool(s);
    if (b >= 0) {
      out->SetBool(b == 1);
      return absl::OkStatus();
    }
    int base;
    absl::string_view digits;
    bool negative;
    if (LooksInt(s, &base, &digits, &negative)) return Int(node, s, out);
    if (LooksFloat(s)) return Float(node, s, out);
    if (LooksInfOrNan(s)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(node), ": '", s,
                       "' (infinity or NaN) has no JSON form; quote it to "
                       "keep it as a string"));
    }
    return String(s, out);
  }

  absl::Status Int(const YAML::Node& node, const std::string& s,
                   rapidjson::Value* out) {
    int base;
    absl::string_view digits;
    bool negative;
    if (!LooksInt(s, &base, &digits, &negative)) {
      return Bad(node, s, "!!int");
    }
    uint64_t magnitude = 0;
    bool ok = base == 10   ? absl::SimpleAtoi(digits, &magnitude)
              : base == 16 ? absl::SimpleHexAtoi(digits, &magnitude)
                           : false;
    if (base == 8) {
      ok = digits.size() <= 22;
      for (char c : digits) {
        if (magnitude > (std::numeric_limits<uint64_t>::max() >> 3)) {
          ok = false;
          break;
        }
        magnitude = magnitude * 8 + static_cast<uint64_t>(c - '0');
      }
    }
    const uint64_t kMinMagnitude =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
    if (!ok || (negative && magnitude > kMinMagnitude)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(node), ": integer '", s,
                       "' is out of range; quote it to keep it as a string"));
    }
    if (negative) {
      out->SetInt64(magnitude == kMinMagnitude
                        ? std::numeric_limits<int64_t>::min()
                        : -static_cast<int64_t>(magnitude));
    } else if (magnitude <=
               static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      out->SetInt64(static_cast<int64_t>(magnitude));
    } else {
      out->SetUint64(magnitude);
    }
    return absl::OkStatus();
  }

  absl::Status Float(const YAML::Node& node, const std::string& s,
                     rapidjson::Value* out) {
    double value = 0;
    if (!absl::SimpleAtod(s, &value) || !std::isfinite(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(node), ": number '", s, "' is out of range"));
    }
    out->SetDouble(value);
    return absl::OkStatus();
  }

  absl::Status String(const std::string& s, rapidjson::Value* out) {
    out->SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()),
                   alloc_);
    return absl::OkStatus();
  }

  absl::Status Bad(const YAML::Node& node, const std::string& s,
                   absl::string_view tag) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(node), ": '", s, "' is not a valid ", tag));
  }

  absl::string_view source_;
  rapidjson::Document::AllocatorType& alloc_;
  // The path of the node being converted, one component per level
  // ("tasks", ".task-plugins", "[0]"), joined only for an error message.
  std::vector<std::string> path_;
};

}  // namespace

absl::StatusOr<std::string> YamlToJson(absl::string_view yaml,
                                       absl::string_view source_name) {
  if (absl::Status s = CheckYamlBudget(yaml, source_name); !s.ok()) return s;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // e.what() repeats the mark; use the bare message.
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ":", e.mark.line + 1, ":", e.mark.column + 1,
                     ": invalid YAML: ", e.msg));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": invalid YAML: ", e.what()));
  }
  if (documents.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": holds ", documents.size(),
                     " YAML documents; the configuration must be exactly one"));
  }
  rapidjson::Document doc;
  if (documents.empty() || documents[0].IsNull()) {
    return std::string("{}");
  }
  try {
    Converter converter(source_name, &doc.GetAllocator());
    absl::Status status = converter.Convert(documents[0], &doc);
    if (!status.ok()) return status;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": invalid YAML: ", e.what()));
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace flyteplug::loader
