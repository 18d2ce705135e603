#include "flyteplug/tasklog/time_format.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace flyteplug::tasklog {
namespace {

int64_t ParseOk(absl::string_view text) {
  absl::StatusOr<int64_t> seconds = ParseRfc3339ToUnixSeconds(text);
  EXPECT_TRUE(seconds.ok()) << text << ": " << seconds.status();
  return seconds.value_or(-1);
}

TEST(TasklogTimeTest, ParsesUtcTimestamps) {
  EXPECT_EQ(ParseOk("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseOk("2024-05-01T12:00:00Z"), 1714564800);
  EXPECT_EQ(ParseOk("0001-01-01T00:00:00Z"), kGoZeroTimeUnixSeconds);
  EXPECT_EQ(ParseOk("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(ParseOk("2024-02-29T00:00:00Z"), 1709164800);
  EXPECT_EQ(ParseOk("2000-02-29T23:59:59Z"), 951868799);
}

TEST(TasklogTimeTest, DropsFractionLikeGoUnix) {
  EXPECT_EQ(ParseOk("2024-05-01T12:00:00.999999999Z"), 1714564800);
  EXPECT_EQ(ParseOk("2024-05-01T12:00:00,5Z"), 1714564800);
}

TEST(TasklogTimeTest, AppliesZoneOffsets) {
  EXPECT_EQ(ParseOk("2024-05-01T14:00:00+02:00"), 1714564800);
  EXPECT_EQ(ParseOk("2024-05-01T10:30:00-01:30"), 1714564800);
  EXPECT_EQ(ParseOk("2024-05-01T12:00:00+00:00"), 1714564800);
}

TEST(TasklogTimeTest, RejectsMalformedTimestamps) {
  for (absl::string_view bad : {
           "",
           "2024-05-01",
           "2024-05-01 12:00:00Z",
           "2024-05-01t12:00:00Z",
           "2024-05-01T12:00:00",
           "2024-05-01T12:00:00z",
           "2024-05-01T12:00:00Zjunk",
           "2024-05-01T12:00:00.Z",
           "2024-13-01T12:00:00Z",
           "2024-00-01T12:00:00Z",
           "2023-02-29T12:00:00Z",
           "2024-04-31T12:00:00Z",
           "2024-05-00T12:00:00Z",
           "2024-05-01T24:00:00Z",
           "2024-05-01T12:60:00Z",
           "2024-05-01T12:00:60Z",
           "2024-05-01T12:00:00+24:00",
           "2024-05-01T12:00:00+0200",
           "24-05-01T12:00:00Z",
           "+2024-05-01T12:00:00Z",
           "2024-5-01T12:00:00Z",
       }) {
    absl::StatusOr<int64_t> seconds = ParseRfc3339ToUnixSeconds(bad);
    EXPECT_FALSE(seconds.ok()) << bad;
    EXPECT_EQ(seconds.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(TasklogTimeTest, ErrorQuotesAndTruncatesInput) {
  const std::string long_input(200, 'x');
  absl::StatusOr<int64_t> seconds = ParseRfc3339ToUnixSeconds(long_input);
  ASSERT_FALSE(seconds.ok());
  EXPECT_NE(seconds.status().message().find("..."), absl::string_view::npos);
  EXPECT_LT(seconds.status().message().size(), 150u);
}

TEST(TasklogTimeTest, FormatsUtcLikeGo) {
  EXPECT_EQ(FormatRfc3339Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Utc(kGoZeroTimeUnixSeconds), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Utc(1714564800), "2024-05-01T12:00:00Z");
  EXPECT_EQ(FormatRfc3339Utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339Utc(951868799), "2000-02-29T23:59:59Z");
  EXPECT_EQ(FormatRfc3339Utc(253402300799), "9999-12-31T23:59:59Z");
}

TEST(TasklogTimeTest, FormatAndParseRoundTrip) {
  for (int64_t s = kGoZeroTimeUnixSeconds; s < 253402300799;
       s += 86400 * 397 + 3671) {
    EXPECT_EQ(ParseOk(FormatRfc3339Utc(s)), s);
  }
}

}  // namespace
}  // namespace flyteplug::tasklog
