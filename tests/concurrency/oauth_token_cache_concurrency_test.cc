// The OAuth token cache under concurrency (run under ThreadSanitizer by the
// tsan preset): N callers without a usable token cause one token request,
// all get its token or its error, and N callers refused with the same token
// cause one refresh.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "oauth_token_cache.h"

namespace flyteplug::databricks {
namespace {

constexpr int kThreads = 16;
constexpr char kInstance[] = "https://acme.cloud.databricks.com";
const ClientCredentials kClient{"sp-id", "dose-secret"};

// A slow token endpoint: each request takes 100 ms, so callers pile up
// behind the first one.
struct SlowEndpoint {
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};

  FetchTokenFn Fn() {
    return [this](absl::string_view,
                  const ClientCredentials&) -> absl::StatusOr<IssuedToken> {
      int n = ++calls;
      absl::SleepFor(absl::Milliseconds(100));
      if (fail.load()) return absl::UnavailableError("endpoint down");
      return IssuedToken{absl::StrCat("tok-", n), absl::Hours(1)};
    };
  }
};

// Runs `call` on kThreads threads released together; returns the results.
template <typename Call>
std::vector<absl::StatusOr<std::string>> RunTogether(Call call) {
  std::vector<absl::StatusOr<std::string>> results(
      kThreads, absl::UnknownError("not run"));
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[i] = call();
    });
  }
  go.store(true);
  for (std::thread& t : threads) t.join();
  return results;
}

TEST(OAuthTokenCacheConcurrencyTest, ConcurrentCallersShareOneFetch) {
  SlowEndpoint endpoint;
  OAuthTokenCache cache(endpoint.Fn());
  auto results = RunTogether([&] { return cache.Token(kInstance, kClient); });
  EXPECT_EQ(endpoint.calls.load(), 1);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, "tok-1");
  }
}

TEST(OAuthTokenCacheConcurrencyTest, ConcurrentRefreshesAfterA401FetchOnce) {
  SlowEndpoint endpoint;
  OAuthTokenCache cache(endpoint.Fn());
  ASSERT_EQ(*cache.Token(kInstance, kClient), "tok-1");
  auto results =
      RunTogether([&] { return cache.Refresh(kInstance, kClient, "tok-1"); });
  EXPECT_EQ(endpoint.calls.load(), 2);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, "tok-2");
  }
}

TEST(OAuthTokenCacheConcurrencyTest, WaitersShareTheFetchError) {
  SlowEndpoint endpoint;
  endpoint.fail.store(true);
  OAuthTokenCache cache(endpoint.Fn());
  auto results = RunTogether([&] { return cache.Token(kInstance, kClient); });
  // Callers that arrived during the failed fetch share its error; callers
  // that arrived after it ended fetch again, one at a time.
  EXPECT_LT(endpoint.calls.load(), kThreads);
  for (const auto& r : results) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  }
}

TEST(OAuthTokenCacheConcurrencyTest, AWaiterGivesUpAtItsDeadline) {
  SlowEndpoint endpoint;
  OAuthTokenCache cache(endpoint.Fn());
  std::thread first([&] { EXPECT_TRUE(cache.Token(kInstance, kClient).ok()); });
  while (endpoint.calls.load() == 0) std::this_thread::yield();
  auto waited =
      cache.Token(kInstance, kClient, absl::Now() + absl::Milliseconds(10));
  first.join();
  EXPECT_EQ(waited.status().code(), absl::StatusCode::kDeadlineExceeded)
      << waited.status();
  EXPECT_EQ(endpoint.calls.load(), 1);
}

}  // namespace
}  // namespace flyteplug::databricks
