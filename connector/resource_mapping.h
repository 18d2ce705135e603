// A module's PhaseInfo as the connector protocol's Resource (GetTask).
#ifndef FLYTEPLUG_CONNECTOR_RESOURCE_MAPPING_H_
#define FLYTEPLUG_CONNECTOR_RESOURCE_MAPPING_H_

#include "absl/status/statusor.h"
#include "flyteidl/admin/agent.pb.h"
#include "flyteplug/v1/phase_info.pb.h"

namespace flyteplug::connector {

// Where one flyteplug phase lands in the protocol.
struct PhaseMapping {
  flyteidl::core::TaskExecution::Phase phase;
  flyteidl::admin::State state;  // the deprecated field, for old propellers
  bool failed;                   // carries an agent_error
  bool recoverable;              // agent_error.kind RECOVERABLE
};

// NOT_READY, QUEUED -> QUEUED; WAITING_FOR_RESOURCES; INITIALIZING; RUNNING;
// SUCCESS -> SUCCEEDED; RETRYABLE_FAILURE -> RETRYABLE_FAILED (recoverable);
// PERMANENT_FAILURE -> FAILED; ABORTED -> ABORTED. `state` is PENDING before
// RUNNING, RUNNING, SUCCEEDED, RETRYABLE_FAILURE or PERMANENT_FAILURE
// (ABORTED included). UNDEFINED (or an unknown number) is a module bug:
// INTERNAL.
absl::StatusOr<PhaseMapping> MapPhase(flyteplug::v1::Phase phase);

// The Resource for `info`: phase and state (MapPhase); message = the
// failure's error message when there is one, else the reason; log_links and
// custom_info copied (unknown fields kept); for failures agent_error with
// the error's code, kind RECOVERABLE for retryable failures, and origin =
// the error's kind (USER, SYSTEM or UNKNOWN). Outputs are left unset:
// propeller then reads them under the output prefix.
absl::StatusOr<flyteidl::admin::Resource> ResourceFromPhaseInfo(
    const flyteplug::v1::PhaseInfo& info);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_RESOURCE_MAPPING_H_
