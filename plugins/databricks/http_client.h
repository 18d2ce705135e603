// The module's HTTP layer over libcurl: connection reuse across calls and
// threads, timeouts, client-side rate limits and retries with backoff.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_CLIENT_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config.h"
#include "rate_limiter.h"

namespace flyteplug::databricks {

struct HttpRequest {
  const char* method = "GET";  // "GET" or "POST"
  std::string url;
  std::string body;  // sent as application/json when non-empty or POST
  // Sent as "Authorization: Bearer <token>". A secret: never logged and
  // redacted from every error message.
  std::string bearer_token;
  // Names the call in errors and logs, e.g. "runs/submit".
  std::string call_name;
  // Writes use the write rate limiter, reads the read one.
  bool is_write = false;
  // The caller's deadline (ABI 1.1 call control; infinite = none): caps each
  // attempt's timeout and the retry budget.
  absl::Time deadline = absl::InfiniteFuture();
  // True once the caller has gone (may be empty): polled before each
  // attempt, while waiting, and from libcurl's progress callback during a
  // transfer, on the calling thread.
  std::function<bool()> cancelled;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  int attempts = 0;  // how many attempts the call took
};

// Where the client reports retries (level is a flyteplug_log_level).
using HttpLogFn = std::function<void(int level, absl::string_view message)>;

struct HttpClientOptions {
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(60);
  RetryPolicy retry;
  RateLimit read_rate_limit;
  RateLimit write_rate_limit;
  std::string ca_bundle;  // empty: libcurl's default or $CURL_CA_BUNDLE
  HttpLogFn log;          // may be empty
};

// THREADING: Send is thread-safe. Each transfer borrows an easy handle from a
// pool (handles keep their connections alive between transfers), and DNS
// results and TLS sessions live in one libcurl share handle guarded by
// per-data mutexes: sequential polling of many runs uses one connection; N
// concurrent calls use at most N.
// TLS peer and host verification are always on; proxies come from libcurl's
// environment variables (https_proxy, no_proxy, ...). Redirects are not
// followed. No signal handlers are involved (CURLOPT_NOSIGNAL).
class HttpClient {
 public:
  // Initialises libcurl once per process (thread-safe) and the share handle.
  // INTERNAL if libcurl cannot be initialised.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      HttpClientOptions options);
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`, retrying 429 and 503 responses (honouring Retry-After
  // seconds), timeouts and connection failures with exponential backoff and
  // jitter, until a non-retryable outcome, `retry.max_attempts` or
  // `retry.max_total_time`. Other 4xx and 5xx are not retried. A retried POST
  // resends the identical body (runs/submit carries an idempotency_token).
  // Returns the 2xx response, or an error from HttpError (HTTP failures),
  // DEADLINE_EXCEEDED (timeouts), UNAVAILABLE (connection failures),
  // RESOURCE_EXHAUSTED (still throttled when the budget ran out), CANCELLED
  // (request.cancelled said so; the transfer is aborted). The budget ends at
  // request.deadline when that comes first: no attempt starts after it.
  // Messages name the call and never contain the bearer token.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) const;

  // Attempts made by this client so far (every try, retries included).
  int64_t attempt_count() const { return attempts_.load(); }

 private:
  struct Shared;
  struct Attempt;
  HttpClient(HttpClientOptions options, std::unique_ptr<Shared> shared);

  Attempt Perform(const HttpRequest& request, absl::Duration timeout) const;
  absl::Duration Backoff(int retry) const;

  HttpClientOptions options_;
  std::unique_ptr<Shared> shared_;
  mutable RateLimiter read_limiter_;
  mutable RateLimiter write_limiter_;
  mutable std::atomic<int64_t> attempts_{0};
};

// Parses a Retry-After header value holding delta-seconds ("5"); returns
// nullopt-like negative duration for anything else (HTTP dates included).
absl::Duration ParseRetryAfter(absl::string_view value);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_CLIENT_H_
