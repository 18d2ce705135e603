// Maps an observed batch/v1 Job to a Flyte phase.
#ifndef FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_STATUS_H_
#define FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_STATUS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"

namespace k8s_job {

// `job_json` is the Job as the API server returns it
// (`kubectl get job NAME -o json`). The mapping, first match wins:
//  - no `status`, or an empty one            -> QUEUED
//  - condition Complete=True                 -> SUCCESS
//  - condition Failed=True                   -> RETRYABLE_FAILURE with an
//    ExecutionError {code: the condition's reason (default "JobFailed"),
//    message: its message, kind USER}; PERMANENT_FAILURE instead when the
//    reason is DeadlineExceeded (the task's timeout: retrying cannot help)
//  - status.succeeded >= 1                   -> SUCCESS
//  - status.failed >= 1                      -> RETRYABLE_FAILURE (JobFailed)
//  - status.active >= 1                      -> RUNNING
//  - otherwise                               -> QUEUED
// custom_info carries the active/succeeded/failed counters seen.
// Returns InvalidArgument when `job_json` is not a JSON object, its `kind` is
// present and not "Job", or `status`/`conditions` have the wrong type.
// Pure function; thread-safe.
absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> JobPhase(
    absl::string_view job_json);

}  // namespace k8s_job

#endif  // FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_STATUS_H_
