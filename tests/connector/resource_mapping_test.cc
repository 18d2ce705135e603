#include "resource_mapping.h"

#include "deprecated_fields.h"
#include "gtest/gtest.h"

namespace flyteplug::connector {
namespace {

using flyteidl::admin::AgentError;
using flyteidl::core::TaskExecution;

TEST(MapPhaseTest, EveryPhase) {
  struct Case {
    flyteplug::v1::Phase in;
    TaskExecution::Phase phase;
    flyteidl::admin::State state;
    bool failed;
    bool recoverable;
  };
  const Case cases[] = {
      {flyteplug::v1::NOT_READY, TaskExecution::QUEUED,
       flyteidl::admin::PENDING, false, false},
      {flyteplug::v1::QUEUED, TaskExecution::QUEUED, flyteidl::admin::PENDING,
       false, false},
      {flyteplug::v1::WAITING_FOR_RESOURCES,
       TaskExecution::WAITING_FOR_RESOURCES, flyteidl::admin::PENDING, false,
       false},
      {flyteplug::v1::INITIALIZING, TaskExecution::INITIALIZING,
       flyteidl::admin::PENDING, false, false},
      {flyteplug::v1::RUNNING, TaskExecution::RUNNING, flyteidl::admin::RUNNING,
       false, false},
      {flyteplug::v1::SUCCESS, TaskExecution::SUCCEEDED,
       flyteidl::admin::SUCCEEDED, false, false},
      {flyteplug::v1::RETRYABLE_FAILURE, TaskExecution::RETRYABLE_FAILED,
       flyteidl::admin::RETRYABLE_FAILURE, true, true},
      {flyteplug::v1::PERMANENT_FAILURE, TaskExecution::FAILED,
       flyteidl::admin::PERMANENT_FAILURE, true, false},
      {flyteplug::v1::ABORTED, TaskExecution::ABORTED,
       flyteidl::admin::PERMANENT_FAILURE, true, false},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PhaseMapping> m = MapPhase(c.in);
    ASSERT_TRUE(m.ok()) << c.in;
    EXPECT_EQ(m->phase, c.phase) << c.in;
    EXPECT_EQ(m->state, c.state) << c.in;
    EXPECT_EQ(m->failed, c.failed) << c.in;
    EXPECT_EQ(m->recoverable, c.recoverable) << c.in;
  }
}

TEST(MapPhaseTest, UndefinedAndUnknownAreInternal) {
  EXPECT_EQ(MapPhase(flyteplug::v1::UNDEFINED).status().code(),
            absl::StatusCode::kInternal);
  absl::Status unknown =
      MapPhase(static_cast<flyteplug::v1::Phase>(77)).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInternal);
  EXPECT_NE(unknown.message().find("77"), std::string::npos) << unknown;
}

TEST(ResourceFromPhaseInfoTest, RunningCarriesReasonLinksAndCustomInfo) {
  flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::v1::RUNNING);
  info.set_reason("In run");
  flyteidl::core::TaskLog* log = info.add_logs();
  log->set_name("Databricks Console");
  log->set_uri("https://x/run/1");
  log->set_message_format(flyteidl::core::TaskLog::JSON);
  log->set_showwhilepending(true);
  log->set_hideoncefinished(true);
  (*info.mutable_custom_info()->mutable_fields())["run_id"].set_string_value(
      "1");
  absl::StatusOr<flyteidl::admin::Resource> r = ResourceFromPhaseInfo(info);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->phase(), TaskExecution::RUNNING);
  EXPECT_EQ(DeprecatedState(*r), flyteidl::admin::RUNNING);
  EXPECT_EQ(r->message(), "In run");
  ASSERT_EQ(r->log_links_size(), 1);
  EXPECT_EQ(r->log_links(0).name(), "Databricks Console");
  EXPECT_EQ(r->log_links(0).uri(), "https://x/run/1");
  EXPECT_EQ(r->log_links(0).message_format(), flyteidl::core::TaskLog::JSON);
  EXPECT_TRUE(r->log_links(0).showwhilepending());
  EXPECT_TRUE(r->log_links(0).hideoncefinished());
  EXPECT_EQ(r->custom_info().fields().at("run_id").string_value(), "1");
  EXPECT_FALSE(r->has_agent_error());
  EXPECT_FALSE(r->has_outputs());
}

TEST(ResourceFromPhaseInfoTest, RetryableFailureIsRecoverableWithOrigin) {
  flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::v1::RETRYABLE_FAILURE);
  info.set_reason("reason text");
  info.mutable_error()->set_code("MAXIMUM_CONCURRENT_RUNS_REACHED");
  info.mutable_error()->set_message("too many runs");
  info.mutable_error()->set_kind(flyteidl::core::ExecutionError::SYSTEM);
  absl::StatusOr<flyteidl::admin::Resource> r = ResourceFromPhaseInfo(info);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->phase(), TaskExecution::RETRYABLE_FAILED);
  EXPECT_EQ(DeprecatedState(*r), flyteidl::admin::RETRYABLE_FAILURE);
  EXPECT_EQ(r->message(), "too many runs");
  EXPECT_EQ(r->agent_error().code(), "MAXIMUM_CONCURRENT_RUNS_REACHED");
  EXPECT_EQ(r->agent_error().kind(), AgentError::RECOVERABLE);
  EXPECT_EQ(r->agent_error().origin(), flyteidl::core::ExecutionError::SYSTEM);
}

TEST(ResourceFromPhaseInfoTest, PermanentFailureIsNonRecoverableUserError) {
  flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::v1::PERMANENT_FAILURE);
  info.set_reason("the run failed");
  info.mutable_error()->set_code("FAILED");
  info.mutable_error()->set_kind(flyteidl::core::ExecutionError::USER);
  absl::StatusOr<flyteidl::admin::Resource> r = ResourceFromPhaseInfo(info);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->phase(), TaskExecution::FAILED);
  EXPECT_EQ(DeprecatedState(*r), flyteidl::admin::PERMANENT_FAILURE);
  // No error message: the reason stands in.
  EXPECT_EQ(r->message(), "the run failed");
  EXPECT_EQ(r->agent_error().kind(), AgentError::NON_RECOVERABLE);
  EXPECT_EQ(r->agent_error().origin(), flyteidl::core::ExecutionError::USER);
}

TEST(ResourceFromPhaseInfoTest, UnknownFieldsOfLogLinksSurvive) {
  flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::v1::SUCCESS);
  flyteidl::core::TaskLog log;
  log.set_uri("u");
  // Field 99 (varint 7), unknown to this schema.
  std::string bytes = log.SerializeAsString() + std::string("\x98\x06\x07", 3);
  ASSERT_TRUE(info.add_logs()->ParseFromString(bytes));
  absl::StatusOr<flyteidl::admin::Resource> r = ResourceFromPhaseInfo(info);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->log_links(0).SerializeAsString(), bytes);
}

TEST(ResourceFromPhaseInfoTest, UndefinedPhaseIsInternal) {
  flyteplug::v1::PhaseInfo info;
  EXPECT_EQ(ResourceFromPhaseInfo(info).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace flyteplug::connector
