// OAuth M2M pieces without a server: the token cache (reuse, refresh before
// expiry, refresh after a rejection, shared errors) on an injected clock and
// fetch, and the token endpoint's answer and credential checks.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "oauth_token_cache.h"
#include "oauth_token_endpoint.h"

namespace flyteplug::databricks {
namespace {

constexpr char kInstance[] = "https://acme.cloud.databricks.com";
const ClientCredentials kClient{"sp-client-id", "dose-SECRET-0123456789"};

// A fetch that issues "tok-1", "tok-2", ... with `lifetime`, or fails with
// `error` when set; counts its calls.
struct FakeEndpoint {
  absl::Duration lifetime = absl::Hours(1);
  absl::Status error;
  int calls = 0;
  std::vector<std::string> instances;

  FetchTokenFn Fn() {
    return [this](absl::string_view instance,
                  const ClientCredentials& c) -> absl::StatusOr<IssuedToken> {
      EXPECT_EQ(c.client_secret, kClient.client_secret);
      instances.emplace_back(instance);
      ++calls;
      if (!error.ok()) return error;
      return IssuedToken{absl::StrCat("tok-", calls), lifetime};
    };
  }
};

struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  std::function<absl::Time()> Fn() {
    return [this] { return now; };
  }
};

TEST(OAuthTokenCacheTest, ReusesTheTokenUntilTheRefreshMargin) {
  FakeEndpoint endpoint;
  FakeClock clock;
  OAuthTokenCache cache(endpoint.Fn(), clock.Fn());
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  // One hour tokens are refreshed once less than 60 s remain.
  clock.now += absl::Minutes(58) + absl::Seconds(59);
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  clock.now += absl::Seconds(2);
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-2");
  EXPECT_EQ(endpoint.calls, 2);
}

TEST(OAuthTokenCacheTest, RefreshMarginIsTheSmallerOfOneMinuteAndTenPercent) {
  EXPECT_EQ(TokenRefreshMargin(absl::Hours(1)), absl::Seconds(60));
  EXPECT_EQ(TokenRefreshMargin(absl::Seconds(100)), absl::Seconds(10));
  FakeEndpoint endpoint;
  endpoint.lifetime = absl::Seconds(100);
  FakeClock clock;
  OAuthTokenCache cache(endpoint.Fn(), clock.Fn());
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  clock.now += absl::Seconds(89);
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  clock.now += absl::Seconds(1);
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-2");
}

TEST(OAuthTokenCacheTest, OneTokenPerInstanceAndClientId) {
  FakeEndpoint endpoint;
  FakeClock clock;
  OAuthTokenCache cache(endpoint.Fn(), clock.Fn());
  ClientCredentials other = kClient;
  other.client_id = "another-sp";
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  EXPECT_EQ(*cache.Token("https://other.cloud.databricks.com", kClient),
            "tok-2");
  EXPECT_EQ(*cache.Token(kInstance, other), "tok-3");
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  EXPECT_EQ(endpoint.calls, 3);
  EXPECT_EQ(endpoint.instances[1], "https://other.cloud.databricks.com");
}

TEST(OAuthTokenCacheTest, RefreshAfterRejectionFetchesOnceForTheRejectedToken) {
  FakeEndpoint endpoint;
  FakeClock clock;
  OAuthTokenCache cache(endpoint.Fn(), clock.Fn());
  ASSERT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  EXPECT_EQ(*cache.Refresh(kInstance, kClient, "tok-1"), "tok-2");
  // A second caller rejected by the server with the same old token gets the
  // token another caller already fetched: no second fetch.
  EXPECT_EQ(*cache.Refresh(kInstance, kClient, "tok-1"), "tok-2");
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-2");
  EXPECT_EQ(endpoint.calls, 2);
}

TEST(OAuthTokenCacheTest, FetchErrorsAreReturnedAndNotCached) {
  FakeEndpoint endpoint;
  endpoint.error = absl::UnauthenticatedError("invalid_client");
  FakeClock clock;
  OAuthTokenCache cache(endpoint.Fn(), clock.Fn());
  EXPECT_EQ(cache.Token(kInstance, kClient).status(), endpoint.error);
  endpoint.error = absl::OkStatus();
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-2");
}

TEST(OAuthTokenCacheTest, AFailedEarlyRefreshKeepsTheUnexpiredToken) {
  FakeEndpoint endpoint;
  FakeClock clock;
  OAuthTokenCache cache(endpoint.Fn(), clock.Fn());
  ASSERT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  endpoint.error = absl::UnavailableError("endpoint down");
  clock.now += absl::Minutes(59) + absl::Seconds(30);  // in the margin
  EXPECT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  // ...but not once rejected by the server, nor once expired.
  EXPECT_EQ(cache.Refresh(kInstance, kClient, "tok-1").status().code(),
            absl::StatusCode::kUnavailable);
  clock.now += absl::Seconds(31);
  EXPECT_EQ(cache.Token(kInstance, kClient).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(endpoint.calls, 4);
}

TEST(TokenResponseTest, ReadsTokenAndLifetime) {
  auto issued = ParseTokenResponse(
      R"({"access_token":"eyJhbGciOi.abc-_","token_type":"Bearer",)"
      R"("expires_in":3600,"scope":"all-apis"})");
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->access_token, "eyJhbGciOi.abc-_");
  EXPECT_EQ(issued->lifetime, absl::Hours(1));
  issued = ParseTokenResponse(
      R"({"access_token":"t0k3n-abc","token_type":"bearer","expires_in":"60"})");
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->lifetime, absl::Seconds(60));
}

TEST(TokenResponseTest, UnusableAnswersAreClearAndNeverQuoteTheToken) {
  const std::string token = "SECRET-ACCESS-TOKEN-123";
  const std::string big(kMaxAccessTokenBytes + 1, 'a');
  struct Case {
    std::string body;
    const char* expected;
  } cases[] = {
      {"not json " + token, "is not a JSON object"},
      {"[1]", "is not a JSON object"},
      {R"({"token_type":"Bearer","expires_in":3600})", "no access_token"},
      {absl::StrCat(R"({"access_token":")", token, R"(","expires_in":3600})"),
       "no token_type"},
      {absl::StrCat(R"({"access_token":")", token,
                    R"(","token_type":"Bearer"})"),
       "no expires_in"},
      {absl::StrCat(R"({"access_token":")", token,
                    R"(","token_type":"mac","expires_in":3600})"),
       "token_type is not \"Bearer\""},
      {absl::StrCat(R"({"access_token":")", token,
                    R"(","token_type":"Bearer","expires_in":0})"),
       "expires_in is not a whole number of seconds in [1, 86400]"},
      {absl::StrCat(R"({"access_token":")", token,
                    R"(","token_type":"Bearer","expires_in":86401})"),
       "expires_in"},
      {absl::StrCat(R"({"access_token":")", token,
                    R"(","token_type":"Bearer","expires_in":1.5})"),
       "expires_in"},
      {absl::StrCat(R"({"access_token":")", token,
                    R"(","token_type":"Bearer","expires_in":-5})"),
       "expires_in"},
      {R"({"access_token":"SECRET ACCESS","token_type":"Bearer","expires_in":9})",
       "contains whitespace at byte 6"},
      {R"({"access_token":"","token_type":"Bearer","expires_in":9})",
       "is empty"},
      {absl::StrCat(R"({"access_token":")", big,
                    R"(","token_type":"Bearer","expires_in":9})"),
       "access_token has 16385 bytes"},
      {std::string(kMaxTokenResponseBytes + 1, ' '), "65537 bytes"},
  };
  for (const Case& c : cases) {
    auto issued = ParseTokenResponse(c.body);
    ASSERT_FALSE(issued.ok()) << c.body.substr(0, 100);
    EXPECT_EQ(issued.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(issued.status().message(), c.expected))
        << issued.status();
    EXPECT_TRUE(absl::StartsWith(issued.status().message(), "databricks"))
        << issued.status();
    EXPECT_TRUE(absl::StrContains(issued.status().message(), "oidc/v1/token"))
        << issued.status();
    EXPECT_FALSE(absl::StrContains(issued.status().message(), "SECRET"))
        << issued.status();
  }
}

TEST(ClientCredentialsTest, RefusesWhatBasicAuthCannotCarry) {
  EXPECT_TRUE(CheckClientCredentials(kClient, "id", "secret").ok());
  ClientCredentials colon{"sp:1", "dose-SECRET"};
  absl::Status s = CheckClientCredentials(colon, "secret 'ID'", "secret 'S'");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(s.message(), "client id from secret 'ID'"))
      << s;
  ClientCredentials newline{"sp", "dose-SECRET\n"};
  s = CheckClientCredentials(newline, "secret 'ID'", "secret 'S'");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(
      s.message(), "API token from secret 'S' contains a line feed"))
      << s;
  EXPECT_FALSE(absl::StrContains(s.message(), "dose-SECRET")) << s;
}

}  // namespace
}  // namespace flyteplug::databricks
