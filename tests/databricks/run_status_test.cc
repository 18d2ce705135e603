// Status mapping and the runs/get response parser.
#include "run_status.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "resource_meta.h"

namespace flyteplug::databricks {
namespace {

using flyteplug::abi::flyteidl::core::ExecutionError;
using flyteplug::abi::flyteplug::v1::Phase;

RunState MakeRun(const std::string& lcs, const std::string& result = "",
                 const std::string& message = "msg") {
  RunState s;
  s.instance = "https://acme.cloud.databricks.com";
  s.run_id = "123";
  s.job_id = "1";
  s.life_cycle_state = lcs;
  s.result_state = result;
  s.state_message = message;
  return s;
}

flyteplug::abi::flyteplug::v1::PhaseInfo Map(const RunState& s,
                                             bool run_page = false) {
  return MapRunState(s, run_page, flyteplug::abi::flyteplug::v1::PluginState(),
                     0);
}

TEST(StatusMappingTest, EveryLifeCycleAndResultState) {
  struct Case {
    const char* lcs;
    const char* result;
    Phase phase;
    ExecutionError::ErrorKind kind;  // UNKNOWN: no error expected
  } cases[] = {
      {"QUEUED", "", Phase::QUEUED, ExecutionError::UNKNOWN},
      {"PENDING", "", Phase::INITIALIZING, ExecutionError::UNKNOWN},
      {"RUNNING", "", Phase::RUNNING, ExecutionError::UNKNOWN},
      {"TERMINATING", "", Phase::RUNNING, ExecutionError::UNKNOWN},
      {"BLOCKED", "", Phase::RUNNING, ExecutionError::UNKNOWN},
      {"WAITING_FOR_RETRY", "", Phase::RUNNING, ExecutionError::UNKNOWN},
      {"SOMETHING_NEW", "", Phase::RUNNING, ExecutionError::UNKNOWN},
      {"TERMINATED", "SUCCESS", Phase::SUCCESS, ExecutionError::UNKNOWN},
      {"TERMINATED", "FAILED", Phase::RETRYABLE_FAILURE, ExecutionError::USER},
      {"TERMINATED", "TIMEDOUT", Phase::PERMANENT_FAILURE,
       ExecutionError::USER},
      {"TERMINATED", "CANCELED", Phase::PERMANENT_FAILURE,
       ExecutionError::USER},
      {"TERMINATED", "SUCCESS_WITH_FAILURES", Phase::PERMANENT_FAILURE,
       ExecutionError::USER},
      {"TERMINATED", "MAXIMUM_CONCURRENT_RUNS_REACHED",
       Phase::RETRYABLE_FAILURE, ExecutionError::SYSTEM},
      {"TERMINATED", "UPSTREAM_FAILED", Phase::PERMANENT_FAILURE,
       ExecutionError::SYSTEM},
      {"TERMINATED", "EXCLUDED", Phase::PERMANENT_FAILURE,
       ExecutionError::SYSTEM},
      {"TERMINATED", "", Phase::PERMANENT_FAILURE, ExecutionError::SYSTEM},
      {"SKIPPED", "", Phase::PERMANENT_FAILURE, ExecutionError::SYSTEM},
      {"INTERNAL_ERROR", "FAILED", Phase::RETRYABLE_FAILURE,
       ExecutionError::SYSTEM},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.lcs) + "/" + c.result);
    auto info = Map(MakeRun(c.lcs, c.result));
    EXPECT_EQ(info.phase(), c.phase);
    EXPECT_EQ(info.reason(), "msg");
    ASSERT_EQ(info.logs_size(), 1);
    EXPECT_EQ(info.logs(0).name(), "Databricks Console");
    EXPECT_EQ(info.logs(0).uri(),
              "https://acme.cloud.databricks.com/#job/1/run/123");
    if (c.kind == ExecutionError::UNKNOWN) {
      EXPECT_FALSE(info.has_error());
    } else {
      ASSERT_TRUE(info.has_error());
      EXPECT_EQ(info.error().kind(), c.kind);
      EXPECT_FALSE(info.error().code().empty());
      EXPECT_NE(info.error().message().find("run 123"), std::string::npos)
          << info.error().message();
      EXPECT_NE(info.error().message().find("msg"), std::string::npos);
    }
  }
}

TEST(StatusMappingTest, ErrorCodesAndMessages) {
  auto failed = Map(MakeRun("TERMINATED", "FAILED", "Task failed: boom"));
  EXPECT_EQ(failed.error().code(), "FAILED");
  EXPECT_EQ(failed.error().message(),
            "Databricks run 123 terminated with result FAILED: Task failed: "
            "boom");
  auto internal = Map(MakeRun("INTERNAL_ERROR", "", "cluster gone"));
  EXPECT_EQ(internal.error().code(), "INTERNAL_ERROR");
  EXPECT_EQ(internal.error().message(),
            "Databricks run 123 ended in INTERNAL_ERROR: cluster gone");
}

TEST(StatusMappingTest, RunPageUrlByConfigurationOrWithoutJobId) {
  RunState s = MakeRun("RUNNING");
  s.run_page_url = "https://h/?o=42#job/1/run/123";
  EXPECT_EQ(Map(s).logs(0).uri(),
            "https://acme.cloud.databricks.com/#job/1/run/123");
  EXPECT_EQ(Map(s, true).logs(0).uri(), "https://h/?o=42#job/1/run/123");
  s.job_id.clear();
  EXPECT_EQ(Map(s).logs(0).uri(), "https://h/?o=42#job/1/run/123");
  s.run_page_url.clear();
  EXPECT_EQ(Map(s).logs_size(), 0);
}

TEST(StatusMappingTest, VersionBumpsWhenReasonChangesInSamePhase) {
  flyteplug::abi::flyteplug::v1::PluginState previous;
  previous.set_phase(Phase::INITIALIZING);
  previous.set_phase_version(3);
  previous.set_reason("Waiting for cluster");
  EXPECT_EQ(MapRunState(MakeRun("PENDING", "", "Waiting for cluster"), false,
                        previous, 0)
                .version(),
            3u);
  EXPECT_EQ(MapRunState(MakeRun("PENDING", "", "Installing libraries"), false,
                        previous, 0)
                .version(),
            4u);
  EXPECT_EQ(MapRunState(MakeRun("RUNNING"), false, previous, 0).version(), 0u);
}

TEST(StatusMappingTest, CustomInfoAndTimestamp) {
  auto info = MapRunState(MakeRun("RUNNING"), false, {}, 1700000000123456789LL);
  EXPECT_EQ(info.custom_info().fields().at("run_id").string_value(), "123");
  EXPECT_EQ(info.custom_info().fields().at("life_cycle_state").string_value(),
            "RUNNING");
  EXPECT_EQ(info.occurred_at().seconds(), 1700000000);
  EXPECT_EQ(info.occurred_at().nanos(), 123456789);
}

TEST(RunsGetParserTest, ClassicStateAndExactIds) {
  auto state = ParseRunsGetResponse(
      R"({"job_id":9007199254740995,"run_id":9007199254740993,"run_name":"r",)"
      R"("run_page_url":"https://h/#job/x","state":{"life_cycle_state":"TERMINATED",)"
      R"("result_state":"SUCCESS","state_message":""}})",
      "https://h", 9007199254740993ULL);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->run_id, "9007199254740993");
  EXPECT_EQ(state->job_id, "9007199254740995");
  EXPECT_EQ(state->life_cycle_state, "TERMINATED");
  EXPECT_EQ(state->result_state, "SUCCESS");
  auto round = DeserializeRunState(SerializeRunState(*state));
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->run_id, "9007199254740993");
  EXPECT_EQ(round->job_id, "9007199254740995");
  EXPECT_EQ(round->instance, "https://h");
  EXPECT_EQ(round->run_page_url, "https://h/#job/x");
}

TEST(RunsGetParserTest, NewerStatusObject) {
  auto state = ParseRunsGetResponse(
      R"({"job_id":1,"status":{"state":"TERMINATED","termination_details":)"
      R"({"code":"DRIVER_ERROR","type":"CLIENT_ERROR","message":"driver died"}}})",
      "https://h", 5);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->life_cycle_state, "TERMINATED");
  EXPECT_EQ(state->result_state, "FAILED");
  EXPECT_EQ(state->state_message, "driver died");
  auto info = Map(*state);
  EXPECT_EQ(info.phase(), Phase::RETRYABLE_FAILURE);
  EXPECT_NE(info.error().message().find("DRIVER_ERROR"), std::string::npos);
  auto waiting =
      ParseRunsGetResponse(R"({"status":{"state":"WAITING"}})", "https://h", 5);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(Map(*waiting).phase(), Phase::RUNNING);
}

TEST(RunsGetParserTest, UnusableBodiesAreErrors) {
  for (const char* body :
       {"<html><body>Sign in</body></html>", "", "[1,2]", "{\"job_id\":1}",
        "{\"state\":{\"life_cycle_state\":5}}", "{truncated"}) {
    auto state = ParseRunsGetResponse(body, "https://h", 7);
    ASSERT_FALSE(state.ok()) << body;
    EXPECT_EQ(state.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_NE(state.status().message().find("runs/get"), std::string::npos);
    EXPECT_NE(state.status().message().find("run 7"), std::string::npos);
  }
}

TEST(RunsGetParserTest, DeserializeRejectsGarbage) {
  EXPECT_FALSE(DeserializeRunState("nope").ok());
  EXPECT_FALSE(DeserializeRunState("{}").ok());
  EXPECT_FALSE(
      DeserializeRunState(R"({"life_cycle_state":"RUNNING","run_id":1.5})")
          .ok());
  EXPECT_FALSE(DeserializeRunState(R"({"life_cycle_state":3})").ok());
  EXPECT_TRUE(
      DeserializeRunState(R"({"life_cycle_state":"RUNNING","extra":1})").ok());
  // Resources and resource meta from the host share the SDK's input limits.
  const std::string deep =
      absl::StrCat(R"({"life_cycle_state":"RUNNING","extra":)",
                   std::string(100000, '['), std::string(100000, ']'), "}");
  auto state = DeserializeRunState(deep);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().message().rfind(
                "resource: JSON nested deeper than 64 levels at offset ", 0),
            0u)
      << state.status().message();
  auto meta = DecodeResourceMeta(deep);
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(
      meta.status().message().rfind(
          "resource_meta: JSON nested deeper than 64 levels at offset ", 0),
      0u)
      << meta.status().message();
}

TEST(ResourceMetaTest, RoundTripKeepsBigIdsExact) {
  ResourceMeta meta{"http://127.0.0.1:8080", 18446744073709551615ULL};
  std::string json = EncodeResourceMeta(meta);
  EXPECT_EQ(
      json,
      R"({"instance":"http://127.0.0.1:8080","run_id":"18446744073709551615"})");
  auto decoded = DecodeResourceMeta(json);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->run_id, 18446744073709551615ULL);
  auto numeric = DecodeResourceMeta(
      R"({"instance":"acme.com","run_id":9007199254740993})");
  ASSERT_TRUE(numeric.ok());
  EXPECT_EQ(numeric->run_id, 9007199254740993ULL);
  EXPECT_EQ(numeric->instance, "https://acme.com");
}

TEST(ResourceMetaTest, RejectsBadMeta) {
  for (const char* bad :
       {"", "x", "[]", R"({"instance":"acme.com"})",
        R"({"instance":"acme.com","run_id":1.5})",
        R"({"instance":"acme.com","run_id":-1})",
        R"({"instance":"acme.com","run_id":"12a"})",
        R"({"instance":"acme.com","run_id":"99999999999999999999999"})",
        R"({"run_id":"1"})",
        R"({"instance":"http://evil.com","run_id":"1"})"}) {
    auto meta = DecodeResourceMeta(bad);
    ASSERT_FALSE(meta.ok()) << bad;
    EXPECT_EQ(meta.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(meta.status().message().find("resource_meta"), std::string::npos);
  }
}

}  // namespace
}  // namespace flyteplug::databricks

namespace flyteplug::databricks {
namespace {

// 100000 levels of nesting: parsed iteratively, never a stack overflow.
std::string Deep() {
  return std::string(100000, '[') + std::string(100000, ']');
}

TEST(Utf8Test, InvalidUtf8FromTheServerNeverReachesPhaseInfo) {
  std::string body =
      "{\"state\":{\"life_cycle_state\":\"RUNNING\",\"state_message\":\"bad "
      "\xff\xfe bytes\"}}";
  auto state = ParseRunsGetResponse(body, "https://h", 1);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), absl::StatusCode::kUnavailable);
  std::string message(state.status().message());
  EXPECT_EQ(message.find('\xff'), std::string::npos);
  EXPECT_NE(message.find("bad ?? bytes"), std::string::npos) << message;
  EXPECT_FALSE(
      DeserializeRunState(
          "{\"life_cycle_state\":\"RUNNING\",\"state_message\":\"\xc3\"}")
          .ok());
  // Valid multi-byte text passes through untouched.
  auto ok = ParseRunsGetResponse(
      "{\"state\":{\"life_cycle_state\":\"RUNNING\",\"state_message\":"
      "\"Cluster \xc3\xa9tat \xe2\x9c\x93\"}}",
      "https://h", 1);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->state_message, "Cluster \xc3\xa9tat \xe2\x9c\x93");
}

TEST(DeepJsonTest, OutsideInputOfAnyDepthIsRejectedCleanly) {
  const std::string deep = Deep();
  EXPECT_FALSE(DecodeResourceMeta(deep).ok());
  EXPECT_FALSE(DeserializeRunState(deep).ok());
  EXPECT_FALSE(ParseRunsGetResponse(deep, "https://h", 1).ok());
  std::string deep_member = "{\"state\":" + deep + "}";
  EXPECT_FALSE(ParseRunsGetResponse(deep_member, "https://h", 1).ok());
  EXPECT_FALSE(
      DecodeResourceMeta("{\"instance\":\"h\",\"run_id\":" + deep + "}").ok());
}

}  // namespace
}  // namespace flyteplug::databricks
