#include "sandbox.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flyteplug::conformance {
namespace {

using ::testing::HasSubstr;

TEST(Sandbox, PassAndFailCarryTheDetail) {
  SandboxOutcome pass = RunSandboxed(
      [] { return absl::StatusOr<std::string>("a note"); }, 10, false);
  EXPECT_TRUE(pass.passed);
  EXPECT_EQ(pass.detail, "a note");
  SandboxOutcome fail = RunSandboxed(
      []() -> absl::StatusOr<std::string> {
        return absl::FailedPreconditionError("what went wrong");
      },
      10, false);
  EXPECT_FALSE(fail.passed);
  EXPECT_EQ(fail.detail, "what went wrong");
}

TEST(Sandbox, CrashReportsTheSignal) {
  SandboxOutcome outcome = RunSandboxed(
      []() -> absl::StatusOr<std::string> {
        raise(SIGBUS);
        return std::string();
      },
      10, false);
  EXPECT_FALSE(outcome.passed);
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer reports the signal and exits; the report is quoted.
  EXPECT_THAT(outcome.detail, HasSubstr("crashed (sanitizer report)"));
#else
  EXPECT_THAT(outcome.detail, HasSubstr("crashed with SIGBUS (Bus error)"));
#endif
}

TEST(Sandbox, HangTimesOut) {
  SandboxOutcome outcome = RunSandboxed(
      []() -> absl::StatusOr<std::string> {
        for (;;) pause();
      },
      1, false);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(outcome.detail, "timed out after 1s");
}

TEST(Sandbox, ExitIsReported) {
  SandboxOutcome outcome = RunSandboxed(
      []() -> absl::StatusOr<std::string> { std::exit(7); }, 10, false);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.detail, HasSubstr("status 7 without reporting"));
}

TEST(Sandbox, BufferedStdoutIsCaught) {
  SandboxOutcome outcome = RunSandboxed(
      []() -> absl::StatusOr<std::string> {
        std::printf("hello from a module");  // left in the stdio buffer
        return std::string();
      },
      10, false);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.detail, HasSubstr("wrote 19 bytes to stdout/stderr"));
  EXPECT_THAT(outcome.detail, HasSubstr("hello from a module"));
}

TEST(Sandbox, ParentOutputIsNotBlamedOnTheChild) {
  std::printf("%s", "");  // nothing pending, but exercise the flush path
  std::fputs("", stdout);
  SandboxOutcome outcome =
      RunSandboxed([] { return absl::StatusOr<std::string>(""); }, 10, false);
  EXPECT_TRUE(outcome.passed) << outcome.detail;
}

void Handler(int) {}

TEST(Sandbox, SignalHandlerIsCaughtInBothModes) {
  auto body = []() -> absl::StatusOr<std::string> {
    signal(SIGUSR2, &Handler);
    return std::string();
  };
  SandboxOutcome isolated = RunSandboxed(body, 10, false);
  EXPECT_FALSE(isolated.passed);
  EXPECT_THAT(isolated.detail, HasSubstr("SIGUSR2"));
  SandboxOutcome in_process = RunSandboxed(body, 10, true);
  EXPECT_FALSE(in_process.passed);
  EXPECT_THAT(in_process.detail, HasSubstr("SIGUSR2"));
  signal(SIGUSR2, SIG_DFL);
}

TEST(Sandbox, ExceptionIsCaught) {
  SandboxOutcome outcome = RunSandboxed(
      []() -> absl::StatusOr<std::string> {
        throw std::runtime_error("escaped");
      },
      10, false);
  EXPECT_FALSE(outcome.passed);
  EXPECT_THAT(outcome.detail, HasSubstr("crossed the ABI boundary: escaped"));
}

}  // namespace
}  // namespace flyteplug::conformance
