#include "run_status.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "flyteplug/sdk/phase_info.h"
#include "flyteplug/sdk/utf8.h"
#include "resource_meta.h"
#include "small_document.h"

namespace flyteplug::databricks {
namespace {

using flyteplug::abi::flyteidl::core::ExecutionError;
using flyteplug::abi::flyteplug::v1::Phase;

// Sorted by name, the order sdk::json::Write emits (it then need not sort).
constexpr const char* kFields[] = {
    "error",         "error_trace",      "instance",
    "job_id",        "life_cycle_state", "result_state",
    "run_id",        "run_name",         "run_page_url",
    "state_message", "termination_code", "termination_type"};

template <typename State>
auto FieldOf(State& s, absl::string_view name) -> decltype(&s.instance) {
  if (name == "instance") return &s.instance;
  if (name == "run_id") return &s.run_id;
  if (name == "job_id") return &s.job_id;
  if (name == "run_name") return &s.run_name;
  if (name == "life_cycle_state") return &s.life_cycle_state;
  if (name == "result_state") return &s.result_state;
  if (name == "state_message") return &s.state_message;
  if (name == "run_page_url") return &s.run_page_url;
  if (name == "termination_code") return &s.termination_code;
  if (name == "termination_type") return &s.termination_type;
  if (name == "error") return &s.error;
  if (name == "error_trace") return &s.error_trace;
  return nullptr;
}

std::string IdMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  uint64_t id = 0;
  if (it == object.MemberEnd() || !ReadId(it->value, &id)) return {};
  return absl::StrCat(id);
}

// The run whose runs/get-output explains a failure: the first task that
// failed (FAILED, TIMEDOUT or INTERNAL_ERROR), else the first one that did
// not succeed, else `run_id` itself when the run lists no tasks. Empty when
// no task qualifies.
std::string FailedTaskRunId(const rapidjson::Value& run, uint64_t run_id) {
  auto tasks = run.FindMember("tasks");
  if (tasks == run.MemberEnd() || !tasks->value.IsArray() ||
      tasks->value.Empty()) {
    return absl::StrCat(run_id);
  }
  std::string fallback;
  for (const rapidjson::Value& task : tasks->value.GetArray()) {
    if (!task.IsObject()) continue;
    std::string id = IdMember(task, "run_id");
    if (id.empty()) continue;
    std::string life_cycle, result;
    auto state = task.FindMember("state");
    if (state != task.MemberEnd() && state->value.IsObject()) {
      life_cycle = sdk::json::StringMember(state->value, "life_cycle_state");
      result = sdk::json::StringMember(state->value, "result_state");
    }
    if (result == "FAILED" || result == "TIMEDOUT" ||
        life_cycle == "INTERNAL_ERROR") {
      return id;
    }
    if (fallback.empty() && result != "SUCCESS") fallback = id;
  }
  return fallback;
}

struct Failure {
  Phase phase;
  ExecutionError::ErrorKind kind;
};

}  // namespace

absl::StatusOr<RunState> ParseRunsGetResponse(absl::string_view body,
                                              absl::string_view instance,
                                              uint64_t run_id) {
  SmallDocument small;
  rapidjson::Document& doc = small.doc();
  doc.Parse<sdk::json::kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::UnavailableError(
        absl::StrCat("databricks runs/get: response for run ", run_id,
                     " is not a JSON object: '", sdk::Snippet(body, 120), "'"));
  }
  RunState state;
  state.instance = std::string(instance);
  state.run_id = absl::StrCat(run_id);
  state.job_id = IdMember(doc, "job_id");
  state.run_name = sdk::json::StringMember(doc, "run_name");
  state.run_page_url = sdk::json::StringMember(doc, "run_page_url");
  auto st = doc.FindMember("state");
  if (st != doc.MemberEnd() && st->value.IsObject()) {
    state.life_cycle_state =
        sdk::json::StringMember(st->value, "life_cycle_state");
    state.result_state = sdk::json::StringMember(st->value, "result_state");
    state.state_message = sdk::json::StringMember(st->value, "state_message");
  }
  auto status = doc.FindMember("status");
  if (status != doc.MemberEnd() && status->value.IsObject()) {
    auto details = status->value.FindMember("termination_details");
    if (details != status->value.MemberEnd() && details->value.IsObject()) {
      state.termination_code = sdk::json::StringMember(details->value, "code");
      state.termination_type = sdk::json::StringMember(details->value, "type");
      if (state.state_message.empty()) {
        state.state_message =
            sdk::json::StringMember(details->value, "message");
      }
    }
    if (state.life_cycle_state.empty()) {
      // Newer `status` object: WAITING is its name for WAITING_FOR_RETRY;
      // a terminated run's outcome is in termination_details.code.
      state.life_cycle_state = sdk::json::StringMember(status->value, "state");
      if (state.life_cycle_state == "TERMINATED" &&
          state.result_state.empty()) {
        const std::string& code = state.termination_code;
        if (code == "SUCCESS" || code == "SUCCESS_WITH_FAILURES") {
          state.result_state = code;
        } else if (code == "CANCELED" || code == "USER_CANCELED") {
          state.result_state = "CANCELED";
        } else if (code == "SKIPPED") {
          state.life_cycle_state = "SKIPPED";
        } else if (code == "INTERNAL_ERROR") {
          state.life_cycle_state = "INTERNAL_ERROR";
        } else if (!code.empty()) {
          state.result_state = "FAILED";
        }
      }
    }
  }
  state.failed_task_run_id = FailedTaskRunId(doc, run_id);
  if (state.life_cycle_state.empty()) {
    return absl::UnavailableError(
        absl::StrCat("databricks runs/get: response for run ", run_id,
                     " has no state.life_cycle_state (nor status.state): '",
                     sdk::Snippet(body, 120), "'"));
  }
  return state;
}

bool WantsFailureDetails(const RunState& state) {
  const std::string life_cycle = absl::AsciiStrToUpper(state.life_cycle_state);
  const std::string result = absl::AsciiStrToUpper(state.result_state);
  return (life_cycle == "TERMINATED" &&
          (result == "FAILED" || result == "TIMEDOUT")) ||
         life_cycle == "INTERNAL_ERROR";
}

std::string SerializeRunState(const RunState& state) {
  SmallDocument small(rapidjson::kObjectType);
  rapidjson::Document& doc = small.doc();
  auto& a = doc.GetAllocator();
  for (const char* name : kFields) {
    const std::string& value = *FieldOf(state, name);
    if (value.empty()) continue;
    doc.AddMember(
        rapidjson::StringRef(name),
        rapidjson::Value(value.data(),
                         static_cast<rapidjson::SizeType>(value.size()), a),
        a);
  }
  return sdk::json::Write(doc);
}

absl::StatusOr<RunState> DeserializeRunState(absl::string_view json) {
  if (absl::Status s = sdk::json::CheckLimits(json); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("resource: ", s.message()));
  }
  SmallDocument small;
  rapidjson::Document& doc = small.doc();
  doc.Parse<sdk::json::kParseFlags>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat("resource: not a JSON object as returned by get: '",
                     sdk::Snippet(json, 80), "'"));
  }
  RunState state;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    std::string* field = FieldOf(state, name);
    if (field == nullptr) continue;  // tolerate additions
    if (name == "run_id" || name == "job_id") {
      uint64_t id = 0;
      if (!ReadId(it->value, &id)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "resource.", name, ": not a non-negative 64-bit integer"));
      }
      *field = absl::StrCat(id);
      continue;
    }
    if (!it->value.IsString()) {
      return absl::InvalidArgumentError(
          absl::StrCat("resource.", name, ": expected a string"));
    }
    field->assign(it->value.GetString(), it->value.GetStringLength());
  }
  if (state.life_cycle_state.empty()) {
    return absl::InvalidArgumentError(
        "resource.life_cycle_state: missing (not a resource returned by get)");
  }
  return state;
}

std::string ConsoleLink(const RunState& state, bool prefer_run_page_url) {
  if (!state.run_page_url.empty() &&
      (prefer_run_page_url || state.job_id.empty())) {
    return state.run_page_url;
  }
  if (state.job_id.empty() || state.instance.empty() || state.run_id.empty()) {
    return {};
  }
  return absl::StrCat(state.instance, "/#job/", state.job_id, "/run/",
                      state.run_id);
}

flyteplug::abi::flyteplug::v1::PhaseInfo MapRunState(
    const RunState& state, bool link_to_run_page_url,
    const flyteplug::abi::flyteplug::v1::PluginState& previous,
    int64_t now_unix_nanos) {
  flyteplug::abi::flyteplug::v1::PhaseInfo info;
  const std::string lcs = absl::AsciiStrToUpper(state.life_cycle_state);
  const std::string result = absl::AsciiStrToUpper(state.result_state);
  Phase phase = Phase::RUNNING;
  bool failed = false;
  Failure failure{Phase::PERMANENT_FAILURE, ExecutionError::USER};
  std::string code;
  if (lcs == "QUEUED") {
    phase = Phase::QUEUED;
  } else if (lcs == "PENDING") {
    phase = Phase::INITIALIZING;
  } else if (lcs == "TERMINATED") {
    if (result == "SUCCESS") {
      phase = Phase::SUCCESS;
    } else {
      failed = true;
      code = result.empty() ? "TERMINATED_WITHOUT_RESULT" : result;
      if (result == "FAILED") {
        failure = {Phase::RETRYABLE_FAILURE, ExecutionError::USER};
      } else if (result == "MAXIMUM_CONCURRENT_RUNS_REACHED") {
        failure = {Phase::RETRYABLE_FAILURE, ExecutionError::SYSTEM};
      } else if (result == "TIMEDOUT" || result == "CANCELED" ||
                 result == "SUCCESS_WITH_FAILURES") {
        failure = {Phase::PERMANENT_FAILURE, ExecutionError::USER};
      } else {
        failure = {Phase::PERMANENT_FAILURE, ExecutionError::SYSTEM};
      }
    }
  } else if (lcs == "SKIPPED") {
    failed = true;
    code = "SKIPPED";
    failure = {Phase::PERMANENT_FAILURE, ExecutionError::SYSTEM};
  } else if (lcs == "INTERNAL_ERROR") {
    failed = true;
    code = "INTERNAL_ERROR";
    failure = {Phase::RETRYABLE_FAILURE, ExecutionError::SYSTEM};
  } else {
    // RUNNING, TERMINATING, BLOCKED, WAITING_FOR_RETRY, WAITING and any state
    // Databricks adds later: the run is still going.
    phase = Phase::RUNNING;
  }
  if (failed) phase = failure.phase;
  info.set_phase(phase);
  info.set_reason(state.state_message);
  // Flyte's Databricks plugin reports RUNNING without a message, so Flyte has
  // no rule for a message that changes while the run runs. This module
  // reports state_message in every phase, RUNNING included, so it carries
  // the previous version while the phase stays and bumps it on every new
  // message: the host records each one, and the version never goes back.
  sdk::UpdatePhaseVersion(previous,
                          sdk::PhaseVersionRule::kCarryPreviousVersion, &info);
  std::string link = ConsoleLink(state, link_to_run_page_url);
  if (!link.empty()) {
    auto* log = info.add_logs();
    log->set_name("Databricks Console");
    log->set_uri(link);
  }
  auto& fields = *info.mutable_custom_info()->mutable_fields();
  for (const char* name :
       {"run_id", "job_id", "life_cycle_state", "result_state", "run_page_url",
        "termination_code", "error", "error_trace"}) {
    const std::string* value = FieldOf(state, name);
    if (!value->empty()) fields[name].set_string_value(*value);
  }
  if (failed) {
    auto* error = info.mutable_error();
    error->set_code(code);
    std::string message = absl::StrCat(
        "Databricks run ", state.run_id, " ",
        lcs == "TERMINATED" ? absl::StrCat("terminated with result ",
                                           result.empty() ? "(none)" : result)
                            : absl::StrCat("ended in ", lcs));
    if (!state.termination_code.empty() && state.termination_code != code) {
      absl::StrAppend(&message, " (", state.termination_code, ")");
    }
    if (!state.state_message.empty()) {
      absl::StrAppend(&message, ": ", state.state_message);
    }
    if (!state.error.empty() && state.error != state.state_message) {
      absl::StrAppend(&message, ": ", state.error);
    }
    if (!state.error_trace.empty()) {
      absl::StrAppend(&message, "\n", state.error_trace);
    }
    error->set_message(message);
    error->set_kind(failure.kind);
  }
  // 0 means no host clock (tests): occurred_at is left unset, not the epoch.
  if (now_unix_nanos > 0) sdk::SetOccurredAt(now_unix_nanos, &info);
  return info;
}

}  // namespace flyteplug::databricks
