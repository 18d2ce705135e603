// Rules every module applies to the PhaseInfo it reports: the phase version
// relative to the previous PluginState, and occurred_at from the host clock.
// One implementation, used by the spark and databricks modules.
#ifndef FLYTEPLUG_SDK_PHASE_INFO_H_
#define FLYTEPLUG_SDK_PHASE_INFO_H_

#include <cstdint>

#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"

namespace flyteplug::sdk {

// How a module's phase version follows the previous PluginState.
enum class PhaseVersionRule {
  // Flyte's MaybeUpdatePhaseVersionFromPluginContext (k8s plugin manager):
  // the reported version is raised to previous + 1 when the phase stays, is
  // not RUNNING, the reported version is <= the previous one and the reason
  // changed. A RUNNING resource never bumps.
  kFlyteK8sPluginManager,
  // While the phase stays, the version starts from the previous one
  // (instead of 0) and RUNNING is not exempt: previous + 1 when the reason
  // changed, the previous version otherwise; 0 after a phase change.
  kCarryPreviousVersion,
};

// Sets info->version() from `previous`, info->phase(), info->reason() and
// the version already in `info` (kFlyteK8sPluginManager) following `rule`.
// uint32 arithmetic wraps as Go's does. REQUIRES: info != nullptr.
void UpdatePhaseVersion(
    const flyteplug::abi::flyteplug::v1::PluginState& previous,
    PhaseVersionRule rule, flyteplug::abi::flyteplug::v1::PhaseInfo* info);

// Sets info->occurred_at to `unix_nanos` (nanoseconds since the Unix epoch,
// as Host::NowUnixNanos returns): seconds rounded towards negative infinity,
// nanos in [0, 1e9). REQUIRES: info != nullptr.
void SetOccurredAt(int64_t unix_nanos,
                   flyteplug::abi::flyteplug::v1::PhaseInfo* info);

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_PHASE_INFO_H_
