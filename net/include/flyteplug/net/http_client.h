// The project's HTTP layer over libcurl: connection reuse across calls and
// threads, timeouts, client-side rate limits, retries with backoff, and
// credentials kept out of every message. Service-specific behaviour (message
// prefix, user agent, how an error response becomes a Status) comes from
// HttpClientOptions.
#ifndef FLYTEPLUG_NET_HTTP_CLIENT_H_
#define FLYTEPLUG_NET_HTTP_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "flyteplug/net/rate_limiter.h"

namespace flyteplug::net {

// How the client retries retryable failures (see HttpClient::Send).
struct RetryPolicy {
  // Attempts per call, the first one included (>= 1).
  int max_attempts = 8;
  // Backoff before retry n (1-based) is min(max_backoff,
  // initial_backoff * 2^(n-1)) with full jitter in [50%, 100%].
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(10);
  // Bound on the wall time one call may spend, retries and waits included.
  absl::Duration max_total_time = absl::Minutes(5);
};

struct HttpRequest {
  // "GET", "POST", "PUT", "PATCH" or "DELETE"; anything else is refused.
  const char* method = "GET";
  std::string url;
  // Sent with every method but GET when non-empty (POST always sends it).
  std::string body;
  // The body's type; empty means application/json.
  std::string content_type;
  // Sent as "Authorization: Bearer <token>". A secret: never logged and
  // redacted from every error message.
  std::string bearer_token;
  // "user:password", sent as "Authorization: Basic <base64>". A secret like
  // bearer_token; at most one of the two may be set.
  std::string basic_auth;
  // Names the call in errors and logs, e.g. "runs/submit".
  std::string call_name;
  // Writes use the write rate limiter, reads the read one.
  bool is_write = false;
  // The caller's deadline (infinite = none): caps each attempt's timeout and
  // the retry budget.
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

// Response headers as received (names as sent; at most kMaxHeaders kept).
class HttpHeaders {
 public:
  static constexpr size_t kMaxHeaders = 100;
  void Add(std::string name, std::string value);
  // The last value of header `name` (case-insensitive), or empty.
  absl::string_view Find(absl::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

// A non-2xx response, as the error mapper sees it.
struct HttpFailure {
  absl::string_view service;    // HttpClientOptions::service
  absl::string_view call_name;  // HttpRequest::call_name
  long http_status = 0;
  absl::string_view body;
  const HttpHeaders* headers = nullptr;  // never null
};

// What a failure means to the caller and to the retry loop.
struct HttpErrorMapping {
  absl::Status status;  // not OK
  bool retryable = false;
  // How long the server asked to wait (negative: it did not say).
  absl::Duration retry_after = -absl::InfiniteDuration();
};

using HttpErrorMapper = std::function<HttpErrorMapping(const HttpFailure&)>;

// The default mapping: CodeForHttpStatus's code (http_status.h), a message
// "<service> <call>: HTTP <n> <reason>: <body snippet>", 429 and 503
// retryable with their Retry-After.
HttpErrorMapping DefaultHttpErrorMapping(const HttpFailure& failure);

// Where the client reports retries (level is a flyteplug_log_level).
using HttpLogFn = std::function<void(int level, absl::string_view message)>;

struct HttpClientOptions {
  // Prefix of every message ("databricks" gives "databricks runs/get: ...").
  std::string service = "http";
  std::string user_agent = "flyteplug/0.1";
  // Turns a non-2xx response into a Status; empty: DefaultHttpErrorMapping.
  HttpErrorMapper error_mapper;
  // Names of the settings behind the limits below, for messages.
  std::string read_rate_limit_setting = "read rate limit";
  std::string write_rate_limit_setting = "write rate limit";
  std::string max_total_time_setting = "retry.maxTotalTime";

  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(60);
  RetryPolicy retry;
  RateLimit read_rate_limit;
  RateLimit write_rate_limit;
  // TLS trust: a CA file, or CA certificates in PEM held in memory (then
  // only they are trusted). Both empty: libcurl's default, or
  // $CURL_CA_BUNDLE when set.
  std::string ca_bundle;
  std::string ca_pem;
  // A client certificate and its private key in PEM (secrets: never logged).
  std::string client_cert_pem;
  std::string client_key_pem;
  // Turns off TLS peer and host verification. Only for a configuration that
  // explicitly asks (kubeconfig insecure-skip-tls-verify).
  bool insecure_skip_tls_verify = false;
  HttpLogFn log;  // may be empty
};

// THREADING: Send is thread-safe. Each transfer borrows an easy handle from a
// pool (handles keep their connections alive between transfers), and DNS
// results and TLS sessions live in one libcurl share handle guarded by
// per-data mutexes: sequential polling uses one connection; N concurrent
// calls use at most N.
// TLS peer and host verification are on unless insecure_skip_tls_verify;
// proxies come from libcurl's environment variables (https_proxy, no_proxy,
// ...). Redirects are not followed. No signal handlers are involved
// (CURLOPT_NOSIGNAL).
// Initialises libcurl (and with it OpenSSL) for the whole process, once;
// later calls return the first outcome. HttpClient does this at its first
// transfer, on whatever thread that is; a long-running multi-threaded host
// calls it first, before starting threads, so that the process-wide state
// is built once on the main thread. INTERNAL if libcurl cannot be
// initialised. THREADING: thread-safe.
absl::Status InitializeLibcurl();

class HttpClient {
 public:
  // Does not touch libcurl: the first transfer initialises it (once per
  // process, thread-safe) and the share handle; if that fails, every Send
  // returns INTERNAL naming why.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      HttpClientOptions options);
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`, retrying what the error mapper calls retryable
  // (honouring its retry_after), timeouts and connection failures with
  // exponential backoff and jitter, until a non-retryable outcome,
  // `retry.max_attempts` or `retry.max_total_time`. A retried request resends
  // the identical body. Returns the 2xx response, or the mapper's error
  // (HTTP failures), DEADLINE_EXCEEDED (timeouts), UNAVAILABLE (connection
  // failures), RESOURCE_EXHAUSTED (client-side rate limit past the budget),
  // INVALID_ARGUMENT (a method, URL or credential that cannot be sent;
  // nothing is sent), CANCELLED (request.cancelled said so; the transfer is
  // aborted). The budget ends at request.deadline when that comes first: no
  // attempt starts after it. Messages name the call and never contain the
  // credentials.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) const;

  // Attempts made by this client so far (every try, retries included).
  int64_t attempt_count() const { return attempts_.load(); }

 private:
  struct Shared;
  struct Attempt;
  HttpClient(HttpClientOptions options, std::unique_ptr<Shared> shared);

  Attempt Perform(const HttpRequest& request, absl::Duration timeout) const;
  // The options every transfer of this client sets the same way (TLS, user
  // agent, callbacks, ...), unless `curl` has them already.
  void SetStandingOptions(void* curl) const;
  void SetTlsOptions(void* curl) const;
  absl::Duration Backoff(int retry) const;
  std::string Prefix(const HttpRequest& request) const;
  absl::Status CheckRequest(const HttpRequest& request) const;
  absl::Status RateLimitExceeded(const HttpRequest& request,
                                 absl::Duration throttle) const;
  absl::Status TransportError(const HttpRequest& request, int curl_code,
                              bool too_large, absl::Duration timeout) const;
  absl::Status CancelledStatus(const HttpRequest& request) const;

  HttpClientOptions options_;
  // "User-Agent: <options_.user_agent>", sent among the request headers;
  // empty when CURLOPT_USERAGENT sends it instead.
  std::string user_agent_header_;
  std::unique_ptr<Shared> shared_;
  mutable RateLimiter read_limiter_;
  mutable RateLimiter write_limiter_;
  mutable std::atomic<int64_t> attempts_{0};
};

// Parses a Retry-After header value holding delta-seconds ("5"); returns a
// negative duration for anything else (HTTP dates included).
absl::Duration ParseRetryAfter(absl::string_view value);

}  // namespace flyteplug::net

#endif  // FLYTEPLUG_NET_HTTP_CLIENT_H_
