#include "flyteplug/sdk/phase_info.h"

namespace flyteplug::sdk {

void UpdatePhaseVersion(
    const flyteplug::abi::flyteplug::v1::PluginState& previous,
    PhaseVersionRule rule, flyteplug::abi::flyteplug::v1::PhaseInfo* info) {
  const bool same_phase = info->phase() == previous.phase();
  if (rule == PhaseVersionRule::kCarryPreviousVersion && same_phase) {
    info->set_version(previous.phase_version());
  }
  const bool running_exempt =
      rule == PhaseVersionRule::kFlyteK8sPluginManager &&
      info->phase() == flyteplug::abi::flyteplug::v1::RUNNING;
  if (!running_exempt && same_phase &&
      info->version() <= previous.phase_version() &&
      info->reason() != previous.reason()) {
    // uint32 arithmetic, wrapping like Go's.
    info->set_version(static_cast<uint32_t>(previous.phase_version() + 1u));
  }
}

void SetOccurredAt(int64_t unix_nanos,
                   flyteplug::abi::flyteplug::v1::PhaseInfo* info) {
  constexpr int64_t kNanosPerSecond = 1000000000;
  int64_t seconds = unix_nanos / kNanosPerSecond;
  int64_t nanos = unix_nanos % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    seconds -= 1;
  }
  info->mutable_occurred_at()->set_seconds(seconds);
  info->mutable_occurred_at()->set_nanos(static_cast<int32_t>(nanos));
}

}  // namespace flyteplug::sdk
