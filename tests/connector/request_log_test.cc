#include "request_log.h"

#include "gtest/gtest.h"

namespace flyteplug::connector {
namespace {

TEST(RequestLogTest, FormatsLogfmt) {
  EXPECT_EQ(RequestLog::Format("2026-01-01T00:00:00.000Z", LogLevel::kError,
                               {{"method", "GetTask"}, {"code", "NOT_FOUND"}},
                               "Cannot find \"x\"\nnext"),
            "ts=2026-01-01T00:00:00.000Z level=error method=GetTask "
            "code=NOT_FOUND msg=\"Cannot find \\\"x\\\"\\nnext\"");
  EXPECT_EQ(
      RequestLog::Format("t", LogLevel::kDebug, {{"k", ""}, {"e", "a=b"}}, ""),
      "ts=t level=debug k=\"\" e=\"a=b\"");
}

TEST(RequestLogTest, LevelsAndThreshold) {
  LogLevel level = LogLevel::kError;
  ASSERT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_FALSE(ParseLogLevel("verbose", &level));
  RequestLog log(LogLevel::kWarning);
  EXPECT_FALSE(log.Enabled(LogLevel::kInfo));
  EXPECT_TRUE(log.Enabled(LogLevel::kError));
}

}  // namespace
}  // namespace flyteplug::connector
