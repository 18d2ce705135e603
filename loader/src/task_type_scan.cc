#include "task_type_scan.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "flyteplug/v1/task_context.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/common.h"

namespace flyteplug::loader {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Stricter than protobuf's own limit of 100, so that anything deeper is
// left to the full parse.
constexpr int kMaxDepth = 64;

// Wire types (protobuf encoding).
enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5,
};

// Where a message sits: the routing key is TaskContext.task_template.type.
enum class Role { kContext, kTemplate, kOther };
constexpr int kTaskTemplateField = 1;  // flyteplug.v1.TaskContext
constexpr int kTypeField = 2;          // flyteidl.core.TaskTemplate

// A bounded reader over [p, end). Every Read* returns false (and reads
// nothing more) on truncated or over-long input.
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;

  // At most `max_bytes` bytes; a 10th byte may only hold the 64th bit.
  bool ReadVarint(uint64_t* value, int max_bytes = 10) {
    if (p != end && *p < 0x80) {  // the common one-byte case
      *value = *p++;
      return true;
    }
    uint64_t result = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (p == end) return false;
      const uint8_t byte = *p++;
      if (i == 9 && byte > 1) return false;
      result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool Skip(uint64_t bytes) {
    if (bytes > static_cast<uint64_t>(end - p)) return false;
    p += bytes;
    return true;
  }
};

// protobuf's own UTF-8 check (the one its parser applies), after a fast
// path for ASCII, which is all most task contexts hold.
bool IsValidUtf8(const char* data, int size) {
  int i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, sizeof(word));
    if ((word & 0x8080808080808080ull) != 0) break;
  }
  for (; i < size; ++i) {
    if (static_cast<unsigned char>(data[i]) >= 0x80) {
      return google::protobuf::internal::IsStructurallyValidUTF8(data, size);
    }
  }
  return true;
}

bool IsVarintScalar(FieldDescriptor::Type type) {
  switch (type) {
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_BOOL:
    case FieldDescriptor::TYPE_ENUM:
      return true;
    default:
      return false;
  }
}

// The element width of a packed fixed-width field; 0 for other types.
int FixedWidth(FieldDescriptor::Type type) {
  switch (type) {
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT:
      return 4;
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_DOUBLE:
      return 8;
    default:
      return 0;
  }
}

// True when `payload`, the packed encoding of a repeated field of `type`, is
// one the parser accepts (and `type` is packable at all).
bool PackedOk(FieldDescriptor::Type type, Cursor payload) {
  if (IsVarintScalar(type)) {
    uint64_t ignored = 0;
    while (payload.p != payload.end) {
      if (!payload.ReadVarint(&ignored)) return false;
    }
    return true;
  }
  const int width = FixedWidth(type);
  return width != 0 && (payload.end - payload.p) % width == 0;
}

// The known fields of one message type, indexed by field number, with the
// table of each message-typed field: a scan looks up every field it meets,
// and Descriptor::FindFieldByNumber is a hash probe each time.
struct FieldTable {
  // 16 bytes: the scan reads one per field it meets.
  struct Entry {
    const FieldTable* message = nullptr;  // for message-typed fields
    // FieldDescriptor::Type, read once (each type() call checks a lazy-init
    // flag); 0 for a number the type does not know.
    uint8_t type = 0;
    bool repeated = false;
  };
  const Descriptor* type = nullptr;
  std::vector<Entry> by_number;  // numbers up to kMaxTableNumber
};

// Field numbers past this are left to the full parse (none in flyteidl).
constexpr int kMaxTableNumber = 4096;

// The tables of TaskContext and every message type reachable from it,
// built once per process. THREADING: immutable once built.
class FieldTables {
 public:
  static const FieldTable& Root() {
    static const FieldTables* tables =
        new FieldTables(*::flyteplug::v1::TaskContext::descriptor());
    return *tables->root_;
  }

 private:
  explicit FieldTables(const Descriptor& root) { root_ = TableOf(root); }

  FieldTable* TableOf(const Descriptor& type) {
    auto [it, added] = tables_.try_emplace(&type);
    if (!added) return it->second.get();
    it->second = std::make_unique<FieldTable>();
    FieldTable* table = it->second.get();
    table->type = &type;
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor* field = type.field(i);
      if (field->number() > kMaxTableNumber) continue;
      if (static_cast<size_t>(field->number()) >= table->by_number.size()) {
        table->by_number.resize(field->number() + 1);
      }
      FieldTable::Entry& entry = table->by_number[field->number()];
      entry.type = static_cast<uint8_t>(field->type());
      entry.repeated = field->is_repeated();
    }
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor* field = type.field(i);
      if (field->number() <= kMaxTableNumber &&
          field->type() == FieldDescriptor::TYPE_MESSAGE) {
        table->by_number[field->number()].message =
            TableOf(*field->message_type());
      }
    }
    return table;
  }

  std::unordered_map<const Descriptor*, std::unique_ptr<FieldTable>> tables_;
  const FieldTable* root_ = nullptr;
};

class Scanner {
 public:
  // The type found so far (last occurrence wins).
  absl::string_view type() const { return type_; }

  // True when `in` holds a well-formed message of `table`'s type as the
  // parser sees it.
  bool Message(const FieldTable& table, Role role, int depth, Cursor in) {
    if (depth > kMaxDepth) return false;
    while (in.p != in.end) {
      uint64_t tag = 0;
      if (!in.ReadVarint(&tag, 5) || tag > UINT32_MAX) return false;
      const uint64_t number = tag >> 3;
      if (number == 0) return false;
      switch (static_cast<uint32_t>(tag & 7)) {
        case kVarint: {
          uint64_t ignored = 0;
          if (!in.ReadVarint(&ignored)) return false;
          break;
        }
        case kFixed64:
          if (!in.Skip(8)) return false;
          break;
        case kFixed32:
          if (!in.Skip(4)) return false;
          break;
        case kLengthDelimited: {
          uint64_t length = 0;
          if (!in.ReadVarint(&length, 5) || length > INT32_MAX) return false;
          const uint8_t* start = in.p;
          if (!in.Skip(length)) return false;
          if (number >= table.by_number.size()) {
            // Unknown, or known past kMaxTableNumber: left to the parser.
            if (table.type->FindFieldByNumber(static_cast<int>(number)) !=
                nullptr) {
              return false;
            }
            break;
          }
          const FieldTable::Entry& entry = table.by_number[number];
          if (entry.type != 0 &&
              !Field(entry, number, role, depth, Cursor{start, in.p})) {
            return false;
          }
          break;
        }
        default:  // groups (absent from proto3) and invalid wire types
          return false;
      }
    }
    return true;
  }

 private:
  // A length-delimited occurrence of known field `number` (`entry`) of a
  // message in `role`.
  bool Field(const FieldTable::Entry& entry, uint64_t number, Role role,
             int depth, Cursor payload) {
    const auto size = static_cast<int>(payload.end - payload.p);
    const char* data = reinterpret_cast<const char*>(payload.p);
    const auto type = static_cast<FieldDescriptor::Type>(entry.type);
    switch (type) {
      case FieldDescriptor::TYPE_STRING:
        if (!IsValidUtf8(data, size)) return false;
        if (role == Role::kTemplate && number == kTypeField) {
          type_ = absl::string_view(data, static_cast<size_t>(size));
        }
        return true;
      case FieldDescriptor::TYPE_MESSAGE: {
        const Role inner =
            role == Role::kContext && number == kTaskTemplateField
                ? Role::kTemplate
                : Role::kOther;
        return Message(*entry.message, inner, depth + 1, payload);
      }
      case FieldDescriptor::TYPE_BYTES:
        return true;
      case FieldDescriptor::TYPE_GROUP:
        return false;
      default:  // a scalar: packed when repeated, else an unknown field
        return !entry.repeated || PackedOk(type, payload);
    }
  }

  absl::string_view type_;
};

}  // namespace

std::optional<absl::string_view> ScanTaskType(absl::string_view task_context) {
  const auto* begin = reinterpret_cast<const uint8_t*>(task_context.data());
  Scanner scanner;
  if (!scanner.Message(FieldTables::Root(), Role::kContext, 0,
                       Cursor{begin, begin + task_context.size()})) {
    return std::nullopt;
  }
  return scanner.type();
}

}  // namespace flyteplug::loader
