// Tests of the SDK's PhaseInfo rules (flyteplug/sdk/phase_info.h): the phase
// version relative to the previous PluginState under both rules, and
// occurred_at from Unix nanoseconds.
#include "flyteplug/sdk/phase_info.h"

#include <string>

#include "gtest/gtest.h"

namespace flyteplug::sdk {
namespace {

using flyteplug::abi::flyteplug::v1::Phase;

flyteplug::abi::flyteplug::v1::PluginState Previous(Phase phase,
                                                    uint32_t version,
                                                    const std::string& reason) {
  flyteplug::abi::flyteplug::v1::PluginState previous;
  previous.set_phase(phase);
  previous.set_phase_version(version);
  previous.set_reason(reason);
  return previous;
}

uint32_t VersionAfter(
    const flyteplug::abi::flyteplug::v1::PluginState& previous, Phase phase,
    const std::string& reason, PhaseVersionRule rule, uint32_t reported = 0) {
  flyteplug::abi::flyteplug::v1::PhaseInfo info;
  info.set_phase(phase);
  info.set_reason(reason);
  info.set_version(reported);
  UpdatePhaseVersion(previous, rule, &info);
  return info.version();
}

constexpr PhaseVersionRule kK8s = PhaseVersionRule::kFlyteK8sPluginManager;
constexpr PhaseVersionRule kCarry = PhaseVersionRule::kCarryPreviousVersion;

TEST(UpdatePhaseVersion, K8sRuleBumpsOnANewReasonInTheSamePhase) {
  const auto previous = Previous(Phase::QUEUED, 4, "old");
  EXPECT_EQ(VersionAfter(previous, Phase::QUEUED, "new", kK8s), 5u);
  EXPECT_EQ(VersionAfter(previous, Phase::QUEUED, "old", kK8s), 0u);
  EXPECT_EQ(VersionAfter(previous, Phase::INITIALIZING, "new", kK8s), 0u);
  // A reported version above the previous one is kept.
  EXPECT_EQ(VersionAfter(previous, Phase::QUEUED, "new", kK8s, 9), 9u);
}

TEST(UpdatePhaseVersion, K8sRuleNeverBumpsRunning) {
  const auto previous = Previous(Phase::RUNNING, 3, "old");
  EXPECT_EQ(VersionAfter(previous, Phase::RUNNING, "new", kK8s), 0u);
}

TEST(UpdatePhaseVersion, CarryRuleKeepsOrBumpsWhilePhaseStaysRunningIncluded) {
  const auto previous = Previous(Phase::RUNNING, 3, "old");
  EXPECT_EQ(VersionAfter(previous, Phase::RUNNING, "old", kCarry), 3u);
  EXPECT_EQ(VersionAfter(previous, Phase::RUNNING, "new", kCarry), 4u);
  EXPECT_EQ(VersionAfter(previous, Phase::SUCCESS, "new", kCarry), 0u);
}

TEST(UpdatePhaseVersion, WrapsLikeGoUint32) {
  const auto previous = Previous(Phase::QUEUED, 0xFFFFFFFFu, "old");
  EXPECT_EQ(VersionAfter(previous, Phase::QUEUED, "new", kK8s), 0u);
  EXPECT_EQ(VersionAfter(previous, Phase::QUEUED, "new", kCarry), 0u);
}

TEST(SetOccurredAt, SplitsNanosRoundingSecondsDown) {
  flyteplug::abi::flyteplug::v1::PhaseInfo info;
  SetOccurredAt(1700000000123456789LL, &info);
  EXPECT_EQ(info.occurred_at().seconds(), 1700000000);
  EXPECT_EQ(info.occurred_at().nanos(), 123456789);
  SetOccurredAt(-1, &info);
  EXPECT_EQ(info.occurred_at().seconds(), -1);
  EXPECT_EQ(info.occurred_at().nanos(), 999999999);
  SetOccurredAt(0, &info);
  EXPECT_TRUE(info.has_occurred_at());
  EXPECT_EQ(info.occurred_at().seconds(), 0);
  EXPECT_EQ(info.occurred_at().nanos(), 0);
}

}  // namespace
}  // namespace flyteplug::sdk
