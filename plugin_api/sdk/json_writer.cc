#include "flyteplug/sdk/json_writer.h"

#include <algorithm>
#include <vector>

#include "flyteplug/sdk/json.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::sdk::json {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteObject(const Value& value, Writer& writer);

void WriteValue(const Value& value, Writer& writer) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      writer.Null();
      return;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      writer.Bool(value.GetBool());
      return;
    case rapidjson::kStringType:
      writer.String(value.GetString(), value.GetStringLength());
      return;
    case rapidjson::kNumberType:
      if (value.IsInt64()) {
        writer.Int64(value.GetInt64());
      } else if (value.IsUint64()) {
        writer.Uint64(value.GetUint64());
      } else {
        writer.Double(value.GetDouble());
      }
      return;
    case rapidjson::kArrayType:
      writer.StartArray();
      for (const Value& item : value.GetArray()) WriteValue(item, writer);
      writer.EndArray(value.Size());
      return;
    case rapidjson::kObjectType:
      WriteObject(value, writer);
      return;
  }
}

// Byte-wise key order (as std::string_view compares).
bool KeyLess(const Value& a, const Value& b) {
  const rapidjson::SizeType a_size = a.GetStringLength();
  const rapidjson::SizeType b_size = b.GetStringLength();
  const char* a_data = a.GetString();
  const char* b_data = b.GetString();
  // Most keys of one object differ in their first byte.
  if (a_size > 0 && b_size > 0 && a_data[0] != b_data[0]) {
    return static_cast<unsigned char>(a_data[0]) <
           static_cast<unsigned char>(b_data[0]);
  }
  return absl::string_view(a_data, a_size) < absl::string_view(b_data, b_size);
}

void WriteObject(const Value& value, Writer& writer) {
  writer.StartObject();
  // Objects built in key order (sparkConf, labels, ...) are written as they
  // are: one linear check instead of a sort.
  bool sorted = true;
  for (auto it = value.MemberBegin();
       sorted && it != value.MemberEnd() && it + 1 != value.MemberEnd(); ++it) {
    sorted = !KeyLess((it + 1)->name, it->name);
  }
  if (sorted) {
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
      writer.Key(it->name.GetString(), it->name.GetStringLength());
      WriteValue(it->value, writer);
    }
  } else {
    // Most objects have few members: no allocation for those.
    constexpr rapidjson::SizeType kOnStack = 32;
    const Value::Member* on_stack[kOnStack];
    std::vector<const Value::Member*> on_heap;
    const rapidjson::SizeType count = value.MemberCount();
    const Value::Member** members = on_stack;
    if (count > kOnStack) {
      on_heap.resize(count);
      members = on_heap.data();
    }
    for (rapidjson::SizeType i = 0; i < count; ++i) {
      members[i] = &value.MemberBegin()[i];
    }
    auto less = [](const Value::Member* a, const Value::Member* b) {
      return KeyLess(a->name, b->name);
    };
    if (count > kOnStack) {
      std::stable_sort(members, members + count, less);
    } else {
      // Insertion sort: stable, and std::stable_sort would allocate.
      for (rapidjson::SizeType i = 1; i < count; ++i) {
        const Value::Member* member = members[i];
        rapidjson::SizeType j = i;
        for (; j > 0 && less(member, members[j - 1]); --j) {
          members[j] = members[j - 1];
        }
        members[j] = member;
      }
    }
    for (rapidjson::SizeType i = 0; i < count; ++i) {
      const Value::Member* member = members[i];
      writer.Key(member->name.GetString(), member->name.GetStringLength());
      WriteValue(member->value, writer);
    }
  }
  writer.EndObject(value.MemberCount());
}

}  // namespace

std::string Write(const rapidjson::Value& value) {
  // Manifests are a few KB (a SparkApplication 5-10 KB): start above that
  // rather than grow (and copy) from 256 bytes.
  rapidjson::StringBuffer buffer(nullptr, 16384);
  Writer writer(buffer);
  WriteValue(value, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Quote(absl::string_view text) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace flyteplug::sdk::json
