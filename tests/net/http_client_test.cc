// The HTTP layer's pure parts: Retry-After parsing, the token bucket, the
// default error mapping.
#include "flyteplug/net/http_client.h"

#include <string>

#include "flyteplug/net/rate_limiter.h"
#include "gtest/gtest.h"

namespace flyteplug::net {
namespace {

TEST(RetryAfterTest, SecondsOnly) {
  EXPECT_EQ(ParseRetryAfter("3"), absl::Seconds(3));
  EXPECT_EQ(ParseRetryAfter(" 0 "), absl::ZeroDuration());
  EXPECT_LT(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"),
            absl::ZeroDuration());
  EXPECT_LT(ParseRetryAfter(""), absl::ZeroDuration());
  EXPECT_LT(ParseRetryAfter("-5"), absl::ZeroDuration());
}

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

TEST(RateLimiterTest, BurstThenQps) {
  RateLimiter limiter(/*qps=*/10, /*burst=*/3);
  absl::Time t = absl::FromUnixSeconds(1000);
  EXPECT_EQ(limiter.Reserve(t), absl::ZeroDuration());
  EXPECT_EQ(limiter.Reserve(t), absl::ZeroDuration());
  EXPECT_EQ(limiter.Reserve(t), absl::ZeroDuration());
  EXPECT_NEAR(Ms(limiter.Reserve(t)), 100, 0.01);
  EXPECT_NEAR(Ms(limiter.Reserve(t)), 200, 0.01);
  // One second later the debt (2 tokens) is paid and 8 more accrued, capped
  // at the burst of 3.
  t += absl::Seconds(1);
  EXPECT_EQ(limiter.Reserve(t), absl::ZeroDuration());
  EXPECT_EQ(limiter.Reserve(t), absl::ZeroDuration());
  EXPECT_EQ(limiter.Reserve(t), absl::ZeroDuration());
  EXPECT_NEAR(Ms(limiter.Reserve(t)), 100, 0.01);
}

TEST(DefaultHttpErrorMappingTest, StatusMessageAndRetryability) {
  HttpHeaders headers;
  headers.Add("retry-after", "7");
  HttpFailure failure;
  failure.service = "kubernetes";
  failure.call_name = "create jobs";
  failure.http_status = 429;
  failure.body = "  slow\r\ndown ";
  failure.headers = &headers;
  HttpErrorMapping m = DefaultHttpErrorMapping(failure);
  EXPECT_EQ(m.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(m.status.message(),
            "kubernetes create jobs: HTTP 429 Too Many Requests: slow  down");
  EXPECT_TRUE(m.retryable);
  EXPECT_EQ(m.retry_after, absl::Seconds(7));

  failure.http_status = 404;
  failure.body = "";
  m = DefaultHttpErrorMapping(failure);
  EXPECT_EQ(m.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      m.status.message(),
      "kubernetes create jobs: HTTP 404 Not Found: (empty response body)");
  EXPECT_FALSE(m.retryable);
  EXPECT_LT(m.retry_after, absl::ZeroDuration());
}

TEST(HttpHeadersTest, FindIsCaseInsensitiveAndTakesTheLastValue) {
  HttpHeaders headers;
  headers.Add("Location", "a");
  headers.Add("location", "b");
  EXPECT_EQ(headers.Find("LOCATION"), "b");
  EXPECT_EQ(headers.Find("Retry-After"), "");
  for (size_t i = 0; i < 2 * HttpHeaders::kMaxHeaders; ++i) {
    headers.Add("X-Many", std::to_string(i));
  }
  EXPECT_EQ(headers.Find("X-Many"),
            std::to_string(HttpHeaders::kMaxHeaders - 3));
}

// The client refuses what it cannot send safely, before any attempt.
TEST(HttpClientTest, RefusesUnsendableRequestsWithoutEchoingCredentials) {
  auto client = HttpClient::Create(HttpClientOptions{});
  ASSERT_TRUE(client.ok()) << client.status();
  HttpRequest request;
  request.url = "http://127.0.0.1:1/x";
  request.call_name = "probe";
  request.method = "TRACE";
  EXPECT_EQ((*client)->Send(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.method = "GET";
  request.bearer_token = "tok-SECRET-0123456789";
  request.basic_auth = "user:pass-SECRET-0123";
  absl::Status both = (*client)->Send(request).status();
  EXPECT_EQ(both.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(both.message().find("both a bearer token and basic"),
            std::string::npos);
  request.bearer_token.clear();
  request.basic_auth = "user:pass-SECRET\r\nX: 1";
  absl::Status bad = (*client)->Send(request).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message().find("SECRET"), std::string::npos) << bad.message();
  request.basic_auth = "nouser";
  EXPECT_EQ((*client)->Send(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*client)->attempt_count(), 0);
}

}  // namespace
}  // namespace flyteplug::net
