#include "resource_mapping.h"

#include "absl/strings/str_cat.h"
#include "deprecated_fields.h"

namespace flyteplug::connector {

using flyteidl::admin::State;
using flyteidl::core::TaskExecution;

absl::StatusOr<PhaseMapping> MapPhase(flyteplug::v1::Phase phase) {
  switch (phase) {
    case flyteplug::v1::NOT_READY:
    case flyteplug::v1::QUEUED:
      return PhaseMapping{TaskExecution::QUEUED, flyteidl::admin::PENDING,
                          false, false};
    case flyteplug::v1::WAITING_FOR_RESOURCES:
      return PhaseMapping{TaskExecution::WAITING_FOR_RESOURCES,
                          flyteidl::admin::PENDING, false, false};
    case flyteplug::v1::INITIALIZING:
      return PhaseMapping{TaskExecution::INITIALIZING, flyteidl::admin::PENDING,
                          false, false};
    case flyteplug::v1::RUNNING:
      return PhaseMapping{TaskExecution::RUNNING, flyteidl::admin::RUNNING,
                          false, false};
    case flyteplug::v1::SUCCESS:
      return PhaseMapping{TaskExecution::SUCCEEDED, flyteidl::admin::SUCCEEDED,
                          false, false};
    case flyteplug::v1::RETRYABLE_FAILURE:
      return PhaseMapping{TaskExecution::RETRYABLE_FAILED,
                          flyteidl::admin::RETRYABLE_FAILURE, true, true};
    case flyteplug::v1::PERMANENT_FAILURE:
      return PhaseMapping{TaskExecution::FAILED,
                          flyteidl::admin::PERMANENT_FAILURE, true, false};
    case flyteplug::v1::ABORTED:
      return PhaseMapping{TaskExecution::ABORTED,
                          flyteidl::admin::PERMANENT_FAILURE, true, false};
    default:
      return absl::InternalError(
          absl::StrCat("the module reported phase ",
                       flyteplug::v1::Phase_Name(phase).empty()
                           ? absl::StrCat(static_cast<int>(phase))
                           : flyteplug::v1::Phase_Name(phase),
                       ", which has no connector phase"));
  }
}

absl::StatusOr<flyteidl::admin::Resource> ResourceFromPhaseInfo(
    const flyteplug::v1::PhaseInfo& info) {
  absl::StatusOr<PhaseMapping> mapping = MapPhase(info.phase());
  if (!mapping.ok()) return mapping.status();
  flyteidl::admin::Resource resource;
  resource.set_phase(mapping->phase);
  SetDeprecatedState(mapping->state, &resource);
  resource.set_message(mapping->failed && !info.error().message().empty()
                           ? info.error().message()
                           : info.reason());
  *resource.mutable_log_links() = info.logs();
  if (info.has_custom_info()) {
    *resource.mutable_custom_info() = info.custom_info();
  }
  if (mapping->failed) {
    flyteidl::admin::AgentError* error = resource.mutable_agent_error();
    error->set_code(info.error().code());
    error->set_kind(mapping->recoverable
                        ? flyteidl::admin::AgentError::RECOVERABLE
                        : flyteidl::admin::AgentError::NON_RECOVERABLE);
    error->set_origin(info.error().kind());
  }
  return resource;
}

}  // namespace flyteplug::connector
