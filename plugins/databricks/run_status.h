// The state of one Databricks run and its mapping to a Flyte phase.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_RUN_STATUS_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_RUN_STATUS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"

namespace flyteplug::databricks {

// What `get` returns to the host (as JSON, see SerializeRunState) and
// `status` maps. Ids are decimal strings (exact 64-bit values); empty
// strings mean "not reported".
struct RunState {
  std::string instance;  // normalized base URL the run lives on
  std::string run_id;
  std::string job_id;
  std::string run_name;
  std::string life_cycle_state;  // QUEUED, PENDING, RUNNING, TERMINATED, ...
  std::string result_state;      // SUCCESS, FAILED, ... (terminal only)
  std::string state_message;
  std::string run_page_url;
  std::string termination_code;  // status.termination_details.code
  std::string termination_type;  // status.termination_details.type
  // Why the run failed, from runs/get-output (run_output.h): the error's
  // first line and an excerpt of its trace, secrets scrubbed. Filled by
  // DatabricksPlugin::Get for failed runs only.
  std::string error;
  std::string error_trace;
  // The run id to ask runs/get-output about (not serialized): the failed
  // task's own run (tasks[].run_id; the server refuses a multi-task
  // parent's id), else this run's id when runs/get lists no tasks.
  std::string failed_task_run_id;
};

// Parses a runs/get response body for run `run_id` on `instance`. Reads
// state.{life_cycle_state,result_state,state_message}, falling back to the
// newer status.{state,termination_details} when `state` is absent. Errors
// (UNAVAILABLE: the server answered 200 with something unusable) say what
// was wrong, e.g. "databricks runs/get: response for run 7 is not JSON".
absl::StatusOr<RunState> ParseRunsGetResponse(absl::string_view body,
                                              absl::string_view instance,
                                              uint64_t run_id);

// True for runs whose failure runs/get-output explains: TERMINATED with
// FAILED or TIMEDOUT, and INTERNAL_ERROR.
bool WantsFailureDetails(const RunState& state);

// JSON object with the RunState fields under their Databricks names (empty
// fields omitted). No secrets.
std::string SerializeRunState(const RunState& state);
// Inverse of SerializeRunState; INVALID_ARGUMENT naming what was wrong.
absl::StatusOr<RunState> DeserializeRunState(absl::string_view json);

// Maps a run to a phase (README.md, "Status mapping"):
//   QUEUED -> QUEUED; PENDING -> INITIALIZING; RUNNING, TERMINATING, BLOCKED,
//   WAITING_FOR_RETRY and unknown non-terminal states -> RUNNING;
//   TERMINATED + SUCCESS -> SUCCESS; + FAILED -> RETRYABLE_FAILURE (USER);
//   + MAXIMUM_CONCURRENT_RUNS_REACHED -> RETRYABLE_FAILURE (SYSTEM);
//   + TIMEDOUT / CANCELED / SUCCESS_WITH_FAILURES / other / missing ->
//   PERMANENT_FAILURE; SKIPPED -> PERMANENT_FAILURE (SYSTEM);
//   INTERNAL_ERROR -> RETRYABLE_FAILURE (SYSTEM).
// reason = state_message; a failure's message adds the run's `error` and,
// on the following lines, its `error_trace` (custom info carries both too);
// every phase carries the "Databricks Console" link
// (run_page_url when `link_to_run_page_url` and reported); version bumps
// when the phase stays and the reason changes relative to `previous`.
flyteplug::abi::flyteplug::v1::PhaseInfo MapRunState(
    const RunState& state, bool link_to_run_page_url,
    const flyteplug::abi::flyteplug::v1::PluginState& previous,
    int64_t now_unix_nanos);

// The console link of a run: "{instance}/#job/{job_id}/run/{run_id}", or
// run_page_url when preferred or when job_id is unknown; empty if neither
// can be built.
std::string ConsoleLink(const RunState& state, bool prefer_run_page_url);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_RUN_STATUS_H_
