#include "task_phase_resource.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace flyteplug::spark {
namespace {

using ::rapidjson::Value;

constexpr absl::string_view kWhat = "SparkApplication";

absl::string_view TypeName(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kNumberType:
      return "a number";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kObjectType:
      return "an object";
  }
  return "an unknown JSON type";
}

absl::Status TypeError(absl::string_view path, absl::string_view expected,
                       const Value& got) {
  return absl::InvalidArgumentError(absl::StrCat(
      kWhat, " ", path, ": expected ", expected, ", got ", TypeName(got)));
}

absl::string_view StringOf(const Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

// The last member named `key`, or nullptr (Go's decoder keeps the last of
// repeated keys).
const Value* Member(const Value& obj, absl::string_view key) {
  const Value* found = nullptr;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (StringOf(it->name) == key) found = &it->value;
  }
  return found;
}

// Sets *out to the object at `key`, or nullptr when absent or null.
absl::Status GetObject(const Value& obj, absl::string_view key,
                       absl::string_view path, const Value** out) {
  *out = nullptr;
  const Value* v = Member(obj, key);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  if (!v->IsObject()) return TypeError(path, "an object", *v);
  *out = v;
  return absl::OkStatus();
}

absl::Status GetString(const Value& obj, absl::string_view key,
                       absl::string_view path, std::string* out) {
  const Value* v = Member(obj, key);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  if (!v->IsString()) return TypeError(path, "a string", *v);
  out->assign(v->GetString(), v->GetStringLength());
  return absl::OkStatus();
}

absl::Status GetTime(const Value& obj, absl::string_view key,
                     absl::string_view path, int64_t* out) {
  const Value* v = Member(obj, key);
  if (v == nullptr || v->IsNull()) return absl::OkStatus();
  if (!v->IsString()) return TypeError(path, "an RFC 3339 timestamp", *v);
  if (v->GetStringLength() == 0) return absl::OkStatus();
  absl::StatusOr<int64_t> seconds = ParseRfc3339ToUnixSeconds(StringOf(*v));
  if (!seconds.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, " ", path, ": ", seconds.status().message()));
  }
  *out = *seconds;
  return absl::OkStatus();
}

// Rejects nesting deeper than the limit before RapidJSON sees the text.
absl::Status CheckDepth(absl::string_view json) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxSparkApplicationJsonDepth) {
        return absl::InvalidArgumentError(
            absl::StrCat(kWhat, ": JSON nested deeper than ",
                         kMaxSparkApplicationJsonDepth, " levels at byte ", i));
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ObservedSparkApplication> ParseObservedSparkApplication(
    absl::string_view json) {
  if (json.size() > kMaxSparkApplicationJsonBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhat, ": object is ", json.size(), " bytes, more than the limit of ",
        kMaxSparkApplicationJsonBytes));
  }
  if (absl::Status st = CheckDepth(json); !st.ok()) return st;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag |
            rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": not valid JSON at byte ", doc.GetErrorOffset(),
                     ": ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject()) return TypeError("(root)", "an object", doc);

  ObservedSparkApplication app;
  if (const Value* kind = Member(doc, "kind");
      kind != nullptr && !kind->IsNull()) {
    if (!kind->IsString()) return TypeError("kind", "a string", *kind);
    if (StringOf(*kind) != kWhat) {
      const absl::string_view got = StringOf(*kind).substr(0, 64);
      return absl::InvalidArgumentError(absl::StrCat(
          kWhat, " kind: expected \"SparkApplication\", got \"", got, "\""));
    }
  }

  const Value* metadata;
  if (absl::Status st = GetObject(doc, "metadata", "metadata", &metadata);
      !st.ok()) {
    return st;
  }
  if (metadata != nullptr) {
    absl::Status st = GetString(*metadata, "name", "metadata.name", &app.name);
    if (st.ok()) {
      st = GetString(*metadata, "namespace", "metadata.namespace",
                     &app.namespace_name);
    }
    if (st.ok()) {
      st = GetTime(*metadata, "creationTimestamp", "metadata.creationTimestamp",
                   &app.creation_unix_seconds);
    }
    if (!st.ok()) return st;
  }

  const Value* status;
  if (absl::Status st = GetObject(doc, "status", "status", &status); !st.ok()) {
    return st;
  }
  if (status == nullptr) return app;
  const Value* app_state;
  const Value* driver_info;
  absl::Status st = GetObject(*status, "applicationState",
                              "status.applicationState", &app_state);
  if (st.ok() && app_state != nullptr) {
    st = GetString(*app_state, "state", "status.applicationState.state",
                   &app.state);
    if (st.ok()) {
      st =
          GetString(*app_state, "errorMessage",
                    "status.applicationState.errorMessage", &app.error_message);
    }
  }
  if (st.ok()) {
    st = GetObject(*status, "driverInfo", "status.driverInfo", &driver_info);
  }
  if (st.ok() && driver_info != nullptr) {
    st = GetString(*driver_info, "podName", "status.driverInfo.podName",
                   &app.driver_pod_name);
    if (st.ok()) {
      st = GetString(*driver_info, "webUIIngressAddress",
                     "status.driverInfo.webUIIngressAddress",
                     &app.web_ui_ingress_address);
    }
  }
  if (st.ok()) {
    st = GetString(*status, "sparkApplicationId", "status.sparkApplicationId",
                   &app.spark_application_id);
  }
  if (st.ok()) {
    st = GetTime(*status, "terminationTime", "status.terminationTime",
                 &app.termination_unix_seconds);
  }
  if (!st.ok()) return st;
  return app;
}

}  // namespace flyteplug::spark
