#include "spark_job.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/struct_rapidjson.h"

namespace flyteplug::spark {
namespace {

using flyteplug::abi::google::protobuf::Struct;
using flyteplug::abi::google::protobuf::Value;

constexpr absl::string_view kPrefix =
    "invalid TaskSpecification, failed to unmarshal custom into SparkJob: ";

absl::Status FieldError(absl::string_view path, absl::string_view what,
                        const Value& value) {
  return absl::InvalidArgumentError(absl::StrCat(
      kPrefix, path, ": ", what, ", got ", sdk::DescribeKind(value)));
}

bool IsNull(const Value& value) {
  return value.kind_case() == Value::kNullValue ||
         value.kind_case() == Value::KIND_NOT_SET;
}

// The field `json_name` or `proto_name` of `object` (JSON name first), or
// nullptr. proto3 JSON accepts both spellings.
const Value* Field(const Struct& object, const char* json_name,
                   const char* proto_name) {
  auto it = object.fields().find(json_name);
  if (it != object.fields().end()) return &it->second;
  if (proto_name != nullptr) {
    it = object.fields().find(proto_name);
    if (it != object.fields().end()) return &it->second;
  }
  return nullptr;
}

absl::Status ReadString(const Struct& object, const char* json_name,
                        const char* proto_name, absl::string_view path,
                        std::string* out) {
  const Value* value = Field(object, json_name, proto_name);
  if (value == nullptr || IsNull(*value)) return absl::OkStatus();
  if (value->kind_case() != Value::kStringValue) {
    return FieldError(path, "expected a string", *value);
  }
  *out = value->string_value();
  return absl::OkStatus();
}

absl::Status ReadStringMap(const Struct& object, const char* json_name,
                           const char* proto_name, absl::string_view path,
                           std::map<std::string, std::string>* out) {
  const Value* value = Field(object, json_name, proto_name);
  if (value == nullptr || IsNull(*value)) return absl::OkStatus();
  if (value->kind_case() != Value::kStructValue) {
    return FieldError(path, "expected an object", *value);
  }
  // Sorted first, then inserted in key order with a hint: linear in the
  // map instead of a tree search per entry.
  std::vector<const google::protobuf::MapPair<std::string, Value>*> entries;
  entries.reserve(value->struct_value().fields().size());
  for (const auto& entry : value->struct_value().fields()) {
    if (entry.second.kind_case() != Value::kStringValue) {
      return FieldError(absl::StrCat(path, "[\"", entry.first, "\"]"),
                        "map values must be strings", entry.second);
    }
    entries.push_back(&entry);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : entries) {
    out->insert_or_assign(out->end(), entry->first,
                          entry->second.string_value());
  }
  return absl::OkStatus();
}

absl::Status ReadApplicationType(const Struct& object, int32_t* out) {
  const Value* value = Field(object, "applicationType", nullptr);
  if (value == nullptr || IsNull(*value)) return absl::OkStatus();
  constexpr absl::string_view kPath = "custom.applicationType";
  if (value->kind_case() == Value::kStringValue) {
    static constexpr const char* kNames[] = {"PYTHON", "JAVA", "SCALA", "R"};
    for (int32_t i = 0; i < 4; ++i) {
      if (value->string_value() == kNames[i]) {
        *out = i;
        return absl::OkStatus();
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        kPrefix, kPath, ": unknown SparkApplication.Type \"",
        value->string_value(), "\" (expected PYTHON, JAVA, SCALA or R)"));
  }
  if (value->kind_case() == Value::kNumberValue) {
    double number = value->number_value();
    if (std::trunc(number) != number || number < INT32_MIN ||
        number > INT32_MAX) {
      return FieldError(kPath, "expected an enum number (int32)", *value);
    }
    *out = static_cast<int32_t>(number);
    return absl::OkStatus();
  }
  return FieldError(kPath, "expected an enum name or number", *value);
}

absl::Status ReadRolePod(const Struct& object, const char* json_name,
                         RolePod* out) {
  const Value* value = Field(object, json_name, nullptr);
  if (value == nullptr || IsNull(*value)) return absl::OkStatus();
  std::string path = absl::StrCat("custom.", json_name);
  if (value->kind_case() != Value::kStructValue) {
    return FieldError(path, "expected a K8sPod object", *value);
  }
  const Struct& pod = value->struct_value();
  out->present = true;
  if (const Value* metadata = Field(pod, "metadata", nullptr);
      metadata != nullptr && !IsNull(*metadata)) {
    std::string metadata_path = absl::StrCat(path, ".metadata");
    if (metadata->kind_case() != Value::kStructValue) {
      return FieldError(metadata_path, "expected an object", *metadata);
    }
    out->has_metadata = true;
    const Struct& meta = metadata->struct_value();
    if (absl::Status s =
            ReadStringMap(meta, "labels", nullptr,
                          absl::StrCat(metadata_path, ".labels"), &out->labels);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ReadStringMap(
            meta, "annotations", nullptr,
            absl::StrCat(metadata_path, ".annotations"), &out->annotations);
        !s.ok()) {
      return s;
    }
  }
  if (const Value* spec = Field(pod, "podSpec", "pod_spec");
      spec != nullptr && !IsNull(*spec)) {
    if (spec->kind_case() != Value::kStructValue) {
      return FieldError(absl::StrCat(path, ".podSpec"), "expected an object",
                        *spec);
    }
    out->pod_spec = &spec->struct_value();
  }
  return ReadString(pod, "primaryContainerName", "primary_container_name",
                    absl::StrCat(path, ".primaryContainerName"),
                    &out->primary_container_name);
}

}  // namespace

absl::StatusOr<int32_t> ParseApplicationType(const Struct& custom) {
  int32_t type = kApplicationPython;
  absl::Status s = ReadApplicationType(custom, &type);
  if (!s.ok()) return s;
  return type;
}

absl::StatusOr<SparkJobSpec> ParseSparkJob(const Struct& custom) {
  SparkJobSpec job;
  absl::Status s = ReadApplicationType(custom, &job.application_type);
  if (!s.ok()) return s;
  struct {
    const char* name;
    std::string* field;
  } strings[] = {
      {"mainApplicationFile", &job.main_application_file},
      {"mainClass", &job.main_class},
      {"executorPath", &job.executor_path},
  };
  for (const auto& f : strings) {
    if (s = ReadString(custom, f.name, nullptr, absl::StrCat("custom.", f.name),
                       f.field);
        !s.ok()) {
      return s;
    }
  }
  std::string ignored;
  for (const char* name : {"databricksToken", "databricksInstance"}) {
    if (s = ReadString(custom, name, nullptr, absl::StrCat("custom.", name),
                       &ignored);
        !s.ok()) {
      return s;
    }
  }
  if (const Value* conf = Field(custom, "databricksConf", nullptr);
      conf != nullptr && !IsNull(*conf) &&
      conf->kind_case() != Value::kStructValue) {
    return FieldError("custom.databricksConf", "expected an object", *conf);
  }
  if (s = ReadStringMap(custom, "sparkConf", nullptr, "custom.sparkConf",
                        &job.spark_conf);
      !s.ok()) {
    return s;
  }
  if (s = ReadStringMap(custom, "hadoopConf", nullptr, "custom.hadoopConf",
                        &job.hadoop_conf);
      !s.ok()) {
    return s;
  }
  if (s = ReadRolePod(custom, "driverPod", &job.driver_pod); !s.ok()) return s;
  if (s = ReadRolePod(custom, "executorPod", &job.executor_pod); !s.ok()) {
    return s;
  }
  return job;
}

}  // namespace flyteplug::spark
