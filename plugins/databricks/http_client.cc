#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "flyteplug/plugin.h"
#include "http_error.h"

namespace flyteplug::databricks {
namespace {

constexpr size_t kMaxResponseBytes = 16 << 20;  // 16 MiB
constexpr char kUserAgent[] = "flyteplug-databricks/0.1";

absl::Status GlobalInit() {
  static CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init failed: ", curl_easy_strerror(code)));
  }
  return absl::OkStatus();
}

// Response accumulation for one attempt.
struct Sink {
  std::string body;
  std::string retry_after;
  std::string reason_phrase;  // X-Databricks-Reason-Phrase
  std::string location;
  bool too_large = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->body.size() + n > kMaxResponseBytes) {
    sink->too_large = true;
    return 0;
  }
  sink->body.append(data, n);
  return n;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  absl::string_view line(data, n);
  size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    absl::string_view name = absl::StripAsciiWhitespace(line.substr(0, colon));
    std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    if (absl::EqualsIgnoreCase(name, "Retry-After")) {
      sink->retry_after = value;
    } else if (absl::EqualsIgnoreCase(name, "X-Databricks-Reason-Phrase")) {
      sink->reason_phrase = value;
    } else if (absl::EqualsIgnoreCase(name, "Location")) {
      sink->location = value;
    }
  }
  return n;
}

// libcurl's progress callback: non-zero aborts the transfer
// (CURLE_ABORTED_BY_CALLBACK) once the caller has gone.
int AbortIfCancelled(void* user, curl_off_t, curl_off_t, curl_off_t,
                     curl_off_t) {
  const auto* request = static_cast<const HttpRequest*>(user);
  return request->cancelled() ? 1 : 0;
}

bool Cancelled(const HttpRequest& request) {
  return request.cancelled && request.cancelled();
}

absl::Status CancelledStatus(const HttpRequest& request) {
  return absl::CancelledError(absl::StrCat("databricks ", request.call_name,
                                           ": the caller cancelled the call"));
}

// Sleeps `duration` in short slices; false (early) once the caller has gone.
bool SleepUnlessCancelled(absl::Duration duration, const HttpRequest& request) {
  constexpr absl::Duration kSlice = absl::Milliseconds(50);
  const absl::Time end = absl::Now() + duration;
  for (absl::Duration left = duration; left > absl::ZeroDuration();
       left = end - absl::Now()) {
    if (Cancelled(request)) return false;
    absl::SleepFor(std::min(left, kSlice));
  }
  return !Cancelled(request);
}

bool IsRetryableCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace

// The share handle (DNS cache and TLS sessions, guarded by per-data mutexes)
// and the pool of idle easy handles, each keeping its own live connections.
// Connections are deliberately not put in the share handle: libcurl 7.88's
// shared connection cache is not safe across concurrent threads (known bug
// 11.11); a pool gives the same reuse without it.
struct HttpClient::Shared {
  static constexpr size_t kMaxIdleHandles = 32;  // more idle ones are closed

  CURLSH* share = nullptr;
  std::mutex locks[CURL_LOCK_DATA_LAST];
  std::mutex pool_mu;
  std::vector<CURL*> idle;  // guarded by pool_mu

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Shared*>(user)->locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Shared*>(user)->locks[data].unlock();
  }

  // An easy handle for one transfer (reset to defaults); null on OOM.
  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!idle.empty()) {
        CURL* curl = idle.back();
        idle.pop_back();
        return curl;
      }
    }
    return curl_easy_init();
  }
  // Returns `curl` to the pool; its connections stay open for reuse.
  void Release(CURL* curl) {
    curl_easy_reset(curl);
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (idle.size() < kMaxIdleHandles) {
        idle.push_back(curl);
        return;
      }
    }
    curl_easy_cleanup(curl);
  }

  ~Shared() {
    for (CURL* curl : idle) curl_easy_cleanup(curl);
    if (share != nullptr) curl_share_cleanup(share);
  }
};

// The outcome of one attempt.
struct HttpClient::Attempt {
  absl::Status status;  // transport or HTTP error; OK for 2xx
  long http_status = 0;
  std::string body;
  bool retryable = false;
  absl::Duration retry_after = -absl::InfiniteDuration();  // none
};

absl::Duration ParseRetryAfter(absl::string_view value) {
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(value), &seconds) ||
      seconds < 0) {
    return -absl::InfiniteDuration();
  }
  return absl::Seconds(std::min<int64_t>(seconds, 24 * 3600));
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    HttpClientOptions options) {
  if (absl::Status s = GlobalInit(); !s.ok()) return s;
  auto shared = std::make_unique<Shared>();
  shared->share = curl_share_init();
  if (shared->share == nullptr) {
    return absl::InternalError("curl_share_init failed");
  }
  curl_share_setopt(shared->share, CURLSHOPT_LOCKFUNC, &Shared::Lock);
  curl_share_setopt(shared->share, CURLSHOPT_UNLOCKFUNC, &Shared::Unlock);
  curl_share_setopt(shared->share, CURLSHOPT_USERDATA, shared.get());
  // Connections are not shared (see Shared): only DNS and TLS sessions.
  for (curl_lock_data data : {CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION}) {
    CURLSHcode code = curl_share_setopt(shared->share, CURLSHOPT_SHARE, data);
    if (code != CURLSHE_OK) {
      return absl::InternalError(
          absl::StrCat("curl_share_setopt(SHARE, ", static_cast<int>(data),
                       ") failed: ", curl_share_strerror(code)));
    }
  }
  if (options.ca_bundle.empty()) {
    const char* env = std::getenv("CURL_CA_BUNDLE");
    if (env != nullptr) options.ca_bundle = env;
  }
  return std::unique_ptr<HttpClient>(
      new HttpClient(std::move(options), std::move(shared)));
}

HttpClient::HttpClient(HttpClientOptions options,
                       std::unique_ptr<Shared> shared)
    : options_(std::move(options)),
      shared_(std::move(shared)),
      read_limiter_(options_.read_rate_limit.qps,
                    options_.read_rate_limit.burst),
      write_limiter_(options_.write_rate_limit.qps,
                     options_.write_rate_limit.burst) {}

HttpClient::~HttpClient() = default;

absl::Duration HttpClient::Backoff(int retry) const {
  absl::Duration d = options_.retry.initial_backoff;
  for (int i = 1; i < retry && d < options_.retry.max_backoff; ++i) d *= 2;
  d = std::min(d, options_.retry.max_backoff);
  thread_local std::minstd_rand rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return d * jitter(rng);
}

HttpClient::Attempt HttpClient::Perform(const HttpRequest& request,
                                        absl::Duration timeout) const {
  Attempt result;
  attempts_.fetch_add(1);
  CURL* curl = shared_->Acquire();
  if (curl == nullptr) {
    result.status = absl::InternalError(absl::StrCat(
        "databricks ", request.call_name, ": curl_easy_init failed"));
    return result;
  }
  Sink sink;
  std::string auth =
      absl::StrCat("Authorization: Bearer ", request.bearer_token);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  bool post = absl::string_view(request.method) == "POST";
  if (post)
    headers = curl_slist_append(headers, "Content-Type: application/json");
  // Let libcurl's Expect: 100-continue stay out of small JSON bodies.
  headers = curl_slist_append(headers, "Expect:");

  int64_t timeout_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout));
  int64_t connect_ms = std::max<int64_t>(
      1, std::min(timeout_ms,
                  absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_easy_setopt(curl, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(connect_ms));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  if (request.cancelled) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &AbortIfCancelled);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request);
  }
  if (post) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }

  CURLcode code = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  shared_->Release(curl);
  curl_slist_free_all(headers);
  // Scrub the header copy holding the token.
  std::fill(auth.begin(), auth.end(), '\0');

  std::string prefix = absl::StrCat("databricks ", request.call_name, ": ");
  if (code != CURLE_OK) {
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      result.status = CancelledStatus(request);
      return result;
    }
    if (sink.too_large) {
      result.status = absl::ResourceExhaustedError(absl::StrCat(
          prefix, "response larger than ", kMaxResponseBytes, " bytes"));
      return result;
    }
    result.retryable = IsRetryableCurlError(code);
    absl::StatusCode status_code = absl::StatusCode::kUnavailable;
    if (code == CURLE_OPERATION_TIMEDOUT) {
      status_code = absl::StatusCode::kDeadlineExceeded;
    } else if (code == CURLE_URL_MALFORMAT ||
               code == CURLE_UNSUPPORTED_PROTOCOL) {
      status_code = absl::StatusCode::kInvalidArgument;
    }
    std::string detail = curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT) {
      detail = absl::StrCat("no complete response within ",
                            absl::FormatDuration(timeout));
    }
    result.status = absl::Status(
        status_code,
        absl::StrCat(prefix, "request to ", request.url, " failed: ", detail));
    return result;
  }
  result.http_status = http_status;
  if (http_status >= 200 && http_status < 300) {
    result.body = std::move(sink.body);
    return result;
  }
  result.status =
      HttpError(request.call_name, http_status, sink.body, sink.reason_phrase);
  if (http_status >= 300 && http_status < 400) {
    result.status = absl::FailedPreconditionError(
        absl::StrCat(result.status.message(), " (redirect to '", sink.location,
                     "': is the Databricks instance right?)"));
  }
  ServerError server = ParseErrorBody(sink.body);
  result.retryable = http_status == 429 || http_status == 503 ||
                     server.error_code == "REQUEST_LIMIT_EXCEEDED" ||
                     server.error_code == "TEMPORARILY_UNAVAILABLE";
  if (result.retryable) result.retry_after = ParseRetryAfter(sink.retry_after);
  return result;
}

absl::StatusOr<HttpResponse> HttpClient::Send(
    const HttpRequest& request) const {
  const absl::Time start = absl::Now();
  const absl::Time deadline =
      std::min(start + options_.retry.max_total_time, request.deadline);
  if (request.deadline <= start) {
    return absl::DeadlineExceededError(
        absl::StrCat("databricks ", request.call_name,
                     ": the caller's deadline has passed"));
  }
  Attempt last;
  int attempt = 0;
  while (true) {
    ++attempt;
    if (Cancelled(request)) return CancelledStatus(request);
    // Client-side rate limit: wait for a token, but never past the budget.
    RateLimiter& limiter = request.is_write ? write_limiter_ : read_limiter_;
    absl::Duration throttle = limiter.Reserve(absl::Now());
    if (throttle > absl::ZeroDuration()) {
      if (absl::Now() + throttle >= deadline) {
        const RateLimit& limit = request.is_write ? options_.write_rate_limit
                                                  : options_.read_rate_limit;
        return absl::ResourceExhaustedError(absl::StrCat(
            "databricks ", request.call_name, ": client-side rate limit (",
            request.is_write ? "webApi.writeRateLimiter"
                             : "webApi.readRateLimiter",
            " qps ", limit.qps, ", burst ", limit.burst,
            ") would delay the call ", absl::FormatDuration(throttle),
            ", past retry.maxTotalTime"));
      }
      if (!SleepUnlessCancelled(throttle, request)) {
        return CancelledStatus(request);
      }
    }
    absl::Duration remaining = deadline - absl::Now();
    if (remaining <= absl::ZeroDuration()) {
      if (attempt > 1) {
        --attempt;  // this one was never made
        break;
      }
      remaining = absl::Milliseconds(1);
    }
    last = Perform(request, std::min(options_.request_timeout, remaining));
    if (last.status.ok()) {
      HttpResponse response;
      response.status = last.http_status;
      response.body = std::move(last.body);
      response.attempts = attempt;
      return response;
    }
    last.status = Redact(last.status, request.bearer_token);
    if (!last.retryable || attempt >= options_.retry.max_attempts) break;
    absl::Duration wait = last.retry_after >= absl::ZeroDuration()
                              ? last.retry_after
                              : Backoff(attempt);
    if (absl::Now() + wait >= deadline) {
      if (options_.log) {
        options_.log(
            FLYTEPLUG_LOG_WARNING,
            absl::StrCat(
                last.status.message(), "; not retrying: ", "waiting ",
                absl::FormatDuration(wait),
                deadline < start + options_.retry.max_total_time
                    ? " would pass the caller's deadline"
                    : absl::StrCat(" would exceed retry.maxTotalTime ",
                                   absl::FormatDuration(
                                       options_.retry.max_total_time))));
      }
      break;
    }
    if (options_.log) {
      options_.log(FLYTEPLUG_LOG_WARNING,
                   absl::StrCat(last.status.message(), "; retry ", attempt,
                                " in ", absl::FormatDuration(wait)));
    }
    if (!SleepUnlessCancelled(wait, request)) return CancelledStatus(request);
  }
  if (attempt <= 1) return last.status;
  return absl::Status(
      last.status.code(),
      absl::StrCat(last.status.message(), " (gave up after ", attempt,
                   " attempts in ",
                   absl::FormatDuration(
                       absl::Trunc(absl::Now() - start, absl::Milliseconds(1))),
                   ")"));
}

}  // namespace flyteplug::databricks
