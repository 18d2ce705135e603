#include "flyteplug/net/secret.h"

#include <random>
#include <string>
#include <vector>

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

// Redact's contract computed the slow, obvious way: mark every text position
// inside a window of >= kMinRedactedRun characters found in `secret`, then
// replace each maximal marked stretch by one marker.
std::string RedactByDefinition(const std::string& text,
                               const std::string& secret) {
  std::vector<bool> covered(text.size(), false);
  for (size_t i = 0; i < text.size(); ++i) {
    for (size_t n = kMinRedactedRun; i + n <= text.size(); ++n) {
      if (secret.find(text.substr(i, n)) == std::string::npos) break;
      for (size_t k = i; k < i + n; ++k) covered[k] = true;
    }
  }
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!covered[i]) {
      out.push_back(text[i]);
    } else if (i == 0 || !covered[i - 1]) {
      out += "[REDACTED]";
    }
  }
  return out;
}

TEST(RedactTest, AgreesWithTheDefinitionOnRandomFragments) {
  // Texts built from pieces of the secret and a small alphabet, so that
  // runs of 7, 8 and more characters, overlaps and adjacency all occur.
  std::mt19937 rng(15);
  int redacted_texts = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string secret;
    const size_t secret_size = kMinRedactedRun + rng() % 40;
    for (size_t i = 0; i < secret_size; ++i)
      secret.push_back("ab01"[rng() % 4]);
    std::string text;
    while (text.size() < 120) {
      if (rng() % 3 == 0) {
        text.push_back("ab01-"[rng() % 5]);
      } else {
        const size_t at = rng() % secret.size();
        text += secret.substr(at, 1 + rng() % 12);
      }
    }
    const std::string expected = RedactByDefinition(text, secret);
    EXPECT_EQ(Redact(text, secret), expected)
        << "text " << text << " secret " << secret;
    if (expected != text) ++redacted_texts;
  }
  EXPECT_GT(redacted_texts, 100);
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
