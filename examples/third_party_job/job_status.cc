#include "job_status.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "flyteplug/sdk/struct_json.h"

namespace k8s_job {
namespace {

using flyteplug::abi::flyteplug::v1::Phase;
using flyteplug::abi::flyteplug::v1::PhaseInfo;
using flyteplug::abi::google::protobuf::Struct;
using flyteplug::abi::google::protobuf::Value;

const Value* Field(const Struct& object, const std::string& key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? nullptr : &it->second;
}

std::string StringField(const Struct& object, const std::string& key) {
  const Value* value = Field(object, key);
  return value != nullptr && value->kind_case() == Value::kStringValue
             ? value->string_value()
             : std::string();
}

// A counter such as status.active; absent or not a number counts as 0.
double Counter(const Struct& status, const std::string& key) {
  const Value* value = Field(status, key);
  return value != nullptr && value->kind_case() == Value::kNumberValue
             ? value->number_value()
             : 0;
}

PhaseInfo Make(Phase phase, std::string reason) {
  PhaseInfo info;
  info.set_phase(phase);
  info.set_reason(std::move(reason));
  return info;
}

PhaseInfo Failure(Phase phase, std::string code, std::string message) {
  PhaseInfo info = Make(phase, absl::StrCat("Job failed: ", code));
  flyteplug::abi::flyteidl::core::ExecutionError* error = info.mutable_error();
  error->set_code(std::move(code));
  error->set_message(message.empty() ? "the Job's pod failed" : message);
  error->set_kind(flyteplug::abi::flyteidl::core::ExecutionError::USER);
  return info;
}

}  // namespace

absl::StatusOr<PhaseInfo> JobPhase(absl::string_view job_json) {
  auto parsed = flyteplug::sdk::StructFromJson(job_json);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resource: not a JSON object: ", parsed.status().message()));
  }
  const Struct& job = *parsed;
  const std::string kind = StringField(job, "kind");
  if (Field(job, "kind") != nullptr && kind != "Job") {
    return absl::InvalidArgumentError(
        absl::StrCat("resource.kind: '", kind, "', expected 'Job'"));
  }
  const Value* status_value = Field(job, "status");
  if (status_value == nullptr ||
      status_value->kind_case() == Value::kNullValue) {
    return Make(flyteplug::abi::flyteplug::v1::QUEUED, "Job has no status yet");
  }
  if (status_value->kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError("resource.status: expected an object");
  }
  const Struct& status = status_value->struct_value();

  PhaseInfo info;
  const Value* conditions = Field(status, "conditions");
  if (conditions != nullptr && conditions->kind_case() != Value::kNullValue &&
      conditions->kind_case() != Value::kListValue) {
    return absl::InvalidArgumentError(
        "resource.status.conditions: expected a list");
  }
  bool decided = false;
  if (conditions != nullptr && conditions->kind_case() == Value::kListValue) {
    for (const Value& item : conditions->list_value().values()) {
      if (item.kind_case() != Value::kStructValue) continue;
      const Struct& condition = item.struct_value();
      if (StringField(condition, "status") != "True") continue;
      const std::string type = StringField(condition, "type");
      if (type == "Complete") {
        info = Make(flyteplug::abi::flyteplug::v1::SUCCESS, "Job completed");
        decided = true;
        break;
      }
      if (type == "Failed") {
        std::string reason = StringField(condition, "reason");
        if (reason.empty()) reason = "JobFailed";
        const Phase phase =
            reason == "DeadlineExceeded"
                ? flyteplug::abi::flyteplug::v1::PERMANENT_FAILURE
                : flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE;
        info = Failure(phase, reason, StringField(condition, "message"));
        decided = true;
        break;
      }
    }
  }
  const double active = Counter(status, "active");
  const double succeeded = Counter(status, "succeeded");
  const double failed = Counter(status, "failed");
  if (!decided) {
    if (succeeded >= 1) {
      info = Make(flyteplug::abi::flyteplug::v1::SUCCESS, "Job succeeded");
    } else if (failed >= 1) {
      info = Failure(flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE,
                     "JobFailed", "");
    } else if (active >= 1) {
      info = Make(flyteplug::abi::flyteplug::v1::RUNNING, "Job is running");
    } else {
      info = Make(flyteplug::abi::flyteplug::v1::QUEUED,
                  "Job has no active pod yet");
    }
  }
  auto& custom = *info.mutable_custom_info()->mutable_fields();
  custom["active"].set_number_value(active);
  custom["succeeded"].set_number_value(succeeded);
  custom["failed"].set_number_value(failed);
  return info;
}

}  // namespace k8s_job
