// Failure details: which task run to ask runs/get-output about, its answer,
// the trace excerpt, and how a failed phase shows them.
#include "run_output.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "run_status.h"

namespace flyteplug::databricks {
namespace {

using flyteplug::abi::flyteplug::v1::Phase;

std::string FailedTask(absl::string_view runs_get_body) {
  auto state = ParseRunsGetResponse(runs_get_body, "https://h", 7);
  EXPECT_TRUE(state.ok()) << state.status();
  return state.ok() ? state->failed_task_run_id : "<error>";
}

TEST(FailedTaskRunTest, TheFailedTasksOwnRunId) {
  constexpr char kState[] =
      R"("state":{"life_cycle_state":"TERMINATED","result_state":"FAILED"})";
  // No tasks listed: the run itself.
  EXPECT_EQ(FailedTask(absl::StrCat("{", kState, "}")), "7");
  // The failed task, not the parent (which get-output refuses) nor a task
  // that succeeded.
  EXPECT_EQ(
      FailedTask(absl::StrCat(
          "{", kState, R"(,"tasks":[)",
          R"({"run_id":70,"state":{"result_state":"SUCCESS"}},)",
          R"({"run_id":"9007199254740993","state":)",
          R"({"life_cycle_state":"TERMINATED","result_state":"FAILED"}}]})")),
      "9007199254740993");
  EXPECT_EQ(
      FailedTask(absl::StrCat("{", kState, R"(,"tasks":[{"run_id":70,"state":)",
                              R"({"life_cycle_state":"INTERNAL_ERROR"}}]})")),
      "70");
  EXPECT_EQ(
      FailedTask(absl::StrCat("{", kState, R"(,"tasks":[{"run_id":71,"state":)",
                              R"({"result_state":"TIMEDOUT"}}]})")),
      "71");
  // Otherwise the first task that did not succeed; none when all did or
  // their ids are unusable.
  EXPECT_EQ(FailedTask(
                absl::StrCat("{", kState, R"(,"tasks":[{"run_id":70,"state":)",
                             R"({"result_state":"SUCCESS"}},{"run_id":72}]})")),
            "72");
  EXPECT_EQ(
      FailedTask(absl::StrCat(
          "{", kState, R"(,"tasks":[{"run_id":-1},"x",{"run_id":1.5}]})")),
      "");
}

TEST(FailureDetailsTest, OnlyForFailedTimedOutAndInternalErrorRuns) {
  RunState s;
  s.life_cycle_state = "TERMINATED";
  for (const char* result : {"FAILED", "TIMEDOUT", "failed"}) {
    s.result_state = result;
    EXPECT_TRUE(WantsFailureDetails(s)) << result;
  }
  for (const char* result : {"SUCCESS", "CANCELED", "UPSTREAM_FAILED", ""}) {
    s.result_state = result;
    EXPECT_FALSE(WantsFailureDetails(s)) << result;
  }
  s.life_cycle_state = "INTERNAL_ERROR";
  EXPECT_TRUE(WantsFailureDetails(s));
  s.life_cycle_state = "RUNNING";
  s.result_state = "FAILED";
  EXPECT_FALSE(WantsFailureDetails(s));
}

TEST(RunsGetOutputTest, ErrorFirstLineAndTraceExcerpt) {
  auto details = ParseRunsGetOutput(
      R"({"metadata":{"run_id":70},"error":"\n  ZeroDivisionError: division by zero\nmore",)"
      R"("error_trace":"Traceback (most recent call last):\n  File \"x.py\", line 1\n)"
      R"(ZeroDivisionError: division by zero\n\n"})",
      70);
  ASSERT_TRUE(details.ok()) << details.status();
  EXPECT_EQ(details->error, "ZeroDivisionError: division by zero");
  EXPECT_EQ(details->error_trace,
            "Traceback (most recent call last):\n  File \"x.py\", line 1\n"
            "ZeroDivisionError: division by zero");
  // A run whose output has no error.
  details = ParseRunsGetOutput(R"({"metadata":{},"error":null})", 70);
  ASSERT_TRUE(details.ok()) << details.status();
  EXPECT_EQ(details->error, "");
  EXPECT_EQ(details->error_trace, "");
}

TEST(RunsGetOutputTest, UnusableAnswersAreErrorsNamingTheRun) {
  for (const char* body :
       {"", "<html>", "[]", R"({"error":5})", R"({"error_trace":{"a":1}})"}) {
    auto details = ParseRunsGetOutput(body, 70);
    ASSERT_FALSE(details.ok()) << body;
    EXPECT_EQ(details.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(details.status().message(),
                                  "runs/get-output: the answer for run 70"))
        << details.status();
  }
}

TEST(RunsGetOutputTest, LongErrorsAndTracesAreBoundedAndSanitised) {
  std::string trace;
  for (int i = 0; i < 500; ++i) absl::StrAppend(&trace, "frame ", i, "\n");
  absl::StrAppend(&trace, "ValueError: bad\x01value\r\n\xff\n");
  std::string body = absl::StrCat(R"({"error":")", std::string(2000, 'e'),
                                  R"(","error_trace":")");
  for (char c : trace) {
    if (c == '\n') {
      body += "\\n";
    } else if (c == '\r') {
      body += "\\r";
    } else if (c == '\x01') {
      body += "\\u0001";
    } else {
      body += c;
    }
  }
  body += "\"}";
  // \xff is invalid UTF-8 in JSON and is refused by the parser; drop it.
  body = absl::StrReplaceAll(body, {{"\xff", ""}});
  auto details = ParseRunsGetOutput(body, 70);
  ASSERT_TRUE(details.ok()) << details.status();
  EXPECT_EQ(details->error.size(), kMaxErrorLineBytes + 3);
  EXPECT_TRUE(absl::EndsWith(details->error, "..."));
  EXPECT_LE(details->error_trace.size(), kMaxTraceExcerptBytes + 4);
  EXPECT_TRUE(absl::StartsWith(details->error_trace, "...\nframe "))
      << details->error_trace.substr(0, 40);
  EXPECT_TRUE(absl::EndsWith(details->error_trace, "ValueError: bad?value"))
      << details->error_trace;
}

TEST(TraceExcerptTest, CutsOnCharacterAndLineBoundaries) {
  EXPECT_EQ(TraceExcerpt("a\nb\n\n", 100), "a\nb");
  EXPECT_EQ(TraceExcerpt("line one\nline two", 10), "...\nline two");
  // One long line: cut inside it, never inside a character.
  const std::string word = "\xc3\xa9";  // U+00E9, two bytes
  std::string text;
  for (int i = 0; i < 10; ++i) text += word;
  std::string excerpt = TraceExcerpt(text, 5);
  EXPECT_EQ(excerpt, "...\n" + word + word);
  EXPECT_EQ(TraceExcerpt("tab\there\x7f", 100), "tab here?");
}

TEST(FailureDetailsTest, FailedPhaseShowsErrorAndTrace) {
  RunState s;
  s.instance = "https://h";
  s.run_id = "7";
  s.job_id = "1";
  s.life_cycle_state = "TERMINATED";
  s.result_state = "FAILED";
  s.state_message = "Workload failed, see run output for details";
  s.error = "ZeroDivisionError: division by zero";
  s.error_trace = "Traceback:\nZeroDivisionError: division by zero";
  auto info = MapRunState(s, false, {}, 0);
  EXPECT_EQ(info.phase(), Phase::RETRYABLE_FAILURE);
  EXPECT_EQ(info.reason(), s.state_message);
  EXPECT_EQ(info.error().message(),
            "Databricks run 7 terminated with result FAILED: Workload failed, "
            "see run output for details: ZeroDivisionError: division by "
            "zero\nTraceback:\nZeroDivisionError: division by zero");
  EXPECT_EQ(info.custom_info().fields().at("error").string_value(), s.error);
  EXPECT_EQ(info.custom_info().fields().at("error_trace").string_value(),
            s.error_trace);
  // The details survive the resource round trip from get to status.
  auto again = DeserializeRunState(SerializeRunState(s));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->error, s.error);
  EXPECT_EQ(again->error_trace, s.error_trace);
}

}  // namespace
}  // namespace flyteplug::databricks
