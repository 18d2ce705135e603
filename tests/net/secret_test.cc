#include "flyteplug/net/secret.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace flyteplug::net {
namespace {

constexpr char kSecret[] = "dapi0123456789abcdefXYZ";

TEST(RedactTest, WholeSecretAndShortSecrets) {
  EXPECT_EQ(Redact("a secret b secret", "secret"), "a [REDACTED] b [REDACTED]");
  EXPECT_EQ(Redact("abc", ""), "abc");
  EXPECT_EQ(Redact("", kSecret), "");
  EXPECT_EQ(Redact(absl::StrCat("x", kSecret, "y"), kSecret), "x[REDACTED]y");
  absl::Status s = Redact(absl::UnavailableError("token tok1 leaked"), "tok1");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "token [REDACTED] leaked");
}

TEST(RedactTest, FragmentsOfEightOrMoreCharactersAreScrubbed) {
  // Prefix, middle and suffix fragments, as a server might echo them.
  EXPECT_EQ(Redact("bad token 'dapi0123...'", kSecret),
            "bad token '[REDACTED]...'");
  EXPECT_EQ(Redact("token ends 6789abcdefXYZ!", kSecret),
            "token ends [REDACTED]!");
  EXPECT_EQ(Redact("mid=3456789a;", kSecret), "mid=[REDACTED];");
  // Two fragments, separated, each scrubbed.
  EXPECT_EQ(Redact("a dapi0123 b 9abcdefX c", kSecret),
            "a [REDACTED] b [REDACTED] c");
  // Overlapping and adjacent fragments give one marker.
  EXPECT_EQ(Redact("dapi01234567dapi0123", kSecret), "[REDACTED]");
  // Seven characters are not a run.
  EXPECT_EQ(Redact("dapi012 and 89abcde", kSecret), "dapi012 and 89abcde");
  // Fragments never leave any 8-character piece of the secret behind.
  const std::string secret = kSecret;
  std::string text = absl::StrCat("<", secret.substr(3, 15), "|",
                                  secret.substr(0, 9), secret.substr(14), ">");
  std::string redacted = Redact(text, secret);
  for (size_t i = 0; i + kMinRedactedRun <= secret.size(); ++i) {
    EXPECT_FALSE(absl::StrContains(redacted, secret.substr(i, kMinRedactedRun)))
        << redacted;
  }
  absl::Status status =
      Redact(absl::PermissionDeniedError("token 0123456789ab is bad"), secret);
  EXPECT_EQ(status.message(), "token [REDACTED] is bad");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
}

TEST(RedactTest, RepetitiveInputStaysLinearInTheTextSize) {
  // 256 KiB of near-matches against a 64-character secret: 16M cells of
  // O(N*T) work (well under a second; a scan quadratic in the text would
  // need ~10^11 steps and hit the bound even under sanitizers).
  const std::string secret(64, 'a');
  std::string text;
  for (int i = 0; i < (1 << 15); ++i) text += "aaaaaaab";
  absl::Time start = absl::Now();
  std::string redacted = Redact(text, secret);
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
  EXPECT_EQ(redacted, text);  // runs of 7 'a' only
  std::string long_run(1 << 17, 'a');
  EXPECT_EQ(Redact(long_run, secret), "[REDACTED]");
}

TEST(ValidateBearerTokenTest, RefusesHeaderBreakingBytesWithoutEchoingThem) {
  EXPECT_TRUE(ValidateBearerToken("databricks", kSecret, "secret 'K'",
                                  absl::StatusCode::kFailedPrecondition)
                  .ok());
  struct Case {
    std::string token;
    const char* what;
  };
  for (const Case& c :
       {Case{"dapiSECRET\r\nX-Injected: 1", "carriage return"},
        Case{"dapiSECRET\nX: 1", "line feed"},
        Case{std::string("dapiSECRET\0zz", 13), "NUL"},
        Case{"dapiSECRET zz", "whitespace"},
        Case{"dapiSECRET\tzz", "whitespace"},
        Case{"dapiSECRET\x7fzz", "control character"},
        Case{"dapiSECRET\x01zz", "control character"},
        Case{"dapiSECRET\xc3\xa9zz", "non-ASCII"}, Case{"", "empty"}}) {
    absl::Status s = ValidateBearerToken("databricks", c.token,
                                         "secret 'FLYTE_DATABRICKS_API_TOKEN'",
                                         absl::StatusCode::kFailedPrecondition);
    ASSERT_FALSE(s.ok()) << c.what;
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StrContains(s.message(), c.what)) << s.message();
    EXPECT_TRUE(
        absl::StrContains(s.message(), "secret 'FLYTE_DATABRICKS_API_TOKEN'"))
        << s.message();
    EXPECT_FALSE(absl::StrContains(s.message(), "dapiSECRET")) << s.message();
  }
}

}  // namespace
}  // namespace flyteplug::net
