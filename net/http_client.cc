#include "flyteplug/net/http_client.h"

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
#include "flyteplug/net/http_status.h"
#include "flyteplug/net/secret.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/utf8.h"
#include "openssl/evp.h"

namespace flyteplug::net {
namespace {

constexpr size_t kMaxResponseBytes = 16 << 20;  // 16 MiB
constexpr size_t kMaxErrorSnippet = 300;

// Response body accumulation for one attempt.
struct Sink {
  std::string body;
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

// The response headers of `curl`'s last transfer in arrival order (interim
// 1xx, proxy CONNECT and trailer headers included), read from the copy
// libcurl keeps: no header callback runs during transfers.
HttpHeaders ResponseHeaders(CURL* curl) {
  constexpr unsigned kOrigins =
      CURLH_HEADER | CURLH_TRAILER | CURLH_CONNECT | CURLH_1XX;
  HttpHeaders headers;
  for (curl_header* h = curl_easy_nextheader(curl, kOrigins, -1, nullptr);
       h != nullptr; h = curl_easy_nextheader(curl, kOrigins, -1, h)) {
    headers.Add(std::string(absl::StripAsciiWhitespace(h->name)),
                std::string(absl::StripAsciiWhitespace(h->value)));
  }
  return headers;
}

// True when libcurl may send requests through a proxy named by its
// environment variables (the client never sets CURLOPT_PROXY).
bool ProxyFromEnvironment() {
  for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy",
                           "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return true;
  }
  return false;
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

bool IsKnownMethod(absl::string_view method) {
  for (absl::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    if (method == known) return true;
  }
  return false;
}

// "Authorization: Basic <base64(credentials)>".
std::string BasicAuthHeader(absl::string_view credentials) {
  std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(
      reinterpret_cast<unsigned char*>(encoded.data()),
      reinterpret_cast<const unsigned char*>(credentials.data()),
      static_cast<int>(credentials.size()));
  encoded.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return absl::StrCat("Authorization: Basic ", encoded);
}

// Overwrites a buffer that held a credential.
void Scrub(std::string* secret) {
  std::fill(secret->begin(), secret->end(), '\0');
}

// `status` with every credential of `request` redacted.
absl::Status RedactCredentials(const absl::Status& status,
                               const HttpRequest& request) {
  return Redact(Redact(status, request.bearer_token), request.basic_auth);
}

// A request's header lines as a curl_slist held in place: no allocation
// (libcurl only reads the list, during the transfer).
// LIFETIME: the lines added must outlive every use of list().
class RequestHeaders {
 public:
  RequestHeaders() = default;
  RequestHeaders(const RequestHeaders&) = delete;
  RequestHeaders& operator=(const RequestHeaders&) = delete;

  // Appends `line` unless it is empty. REQUIRES: fewer than kMaxLines added.
  void Add(const std::string& line) { Add(line.c_str()); }
  void Add(const char* line) {
    if (*line == '\0') return;
    nodes_[count_].data = const_cast<char*>(line);
    nodes_[count_].next = nullptr;
    if (count_ > 0) nodes_[count_ - 1].next = &nodes_[count_];
    ++count_;
  }
  curl_slist* list() { return count_ == 0 ? nullptr : nodes_; }

 private:
  static constexpr size_t kMaxLines = 5;
  curl_slist nodes_[kMaxLines];
  size_t count_ = 0;
};

// CURLOPT_PRIVATE of an easy handle whose standing options are set (a
// handle fresh from curl_easy_init or curl_easy_reset has none).
constexpr char kStandingOptionsSet[] = "standing options set";

// A curl_blob that libcurl copies (the PEM text outlives no call).
curl_blob PemBlob(const std::string& pem) {
  curl_blob blob;
  blob.data = const_cast<char*>(pem.data());
  blob.len = pem.size();
  blob.flags = CURL_BLOB_COPY;
  return blob;
}

}  // namespace

absl::Status InitializeLibcurl() {
  static CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init failed: ", curl_easy_strerror(code)));
  }
  return absl::OkStatus();
}

void HttpHeaders::Add(std::string name, std::string value) {
  if (headers_.size() >= kMaxHeaders) return;
  headers_.emplace_back(std::move(name), std::move(value));
}

absl::string_view HttpHeaders::Find(absl::string_view name) const {
  for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
    if (absl::EqualsIgnoreCase(it->first, name)) return it->second;
  }
  return {};
}

HttpErrorMapping DefaultHttpErrorMapping(const HttpFailure& failure) {
  HttpErrorMapping mapping;
  absl::string_view body = absl::StripAsciiWhitespace(failure.body);
  mapping.status = absl::Status(
      CodeForHttpStatus(failure.http_status),
      absl::StrCat(failure.service, " ", failure.call_name, ": HTTP ",
                   failure.http_status, " ",
                   HttpReasonPhrase(failure.http_status), ": ",
                   body.empty() ? "(empty response body)"
                                : sdk::Snippet(body, kMaxErrorSnippet)));
  mapping.retryable = failure.http_status == 429 || failure.http_status == 503;
  if (mapping.retryable) {
    mapping.retry_after = ParseRetryAfter(failure.headers->Find("Retry-After"));
  }
  return mapping;
}

// The share handle (DNS cache and TLS sessions, guarded by per-data mutexes)
// and the pool of idle easy handles, each keeping its own live connections.
// Connections are deliberately not put in the share handle: libcurl 7.88's
// shared connection cache is not safe across concurrent threads (known bug
// 11.11); a pool gives the same reuse without it.
// libcurl's global state (curl_global_init initialises OpenSSL: about 2 MB
// and several ms) and the share handle are set up by the first transfer, not
// by Create: a host that loads a module and never calls out (`flyteplug
// plugins`, `build`) does not pay for them.
struct HttpClient::Shared {
  static constexpr size_t kMaxIdleHandles = 32;  // more idle ones are closed

  // Initialises libcurl and `share` on the first call; returns that call's
  // outcome on every call. THREADING: thread-safe.
  absl::Status EnsureInitialized() {
    std::call_once(init_once, [this] { init_status = Initialize(); });
    return init_status;
  }

  // libcurl's global init, then `share` (DNS and TLS sessions).
  absl::Status Initialize();

  CURLSH* share = nullptr;  // set by EnsureInitialized
  std::once_flag init_once;
  absl::Status init_status;  // written once, under init_once
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
  // Returns `curl` to the pool; its connections stay open for reuse. With
  // `keep_options` its options stay set (HttpClient::SetStandingOptions);
  // else they are reset to libcurl's defaults.
  void Release(CURL* curl, bool keep_options) {
    if (!keep_options) curl_easy_reset(curl);
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

absl::Status HttpClient::Shared::Initialize() {
  if (absl::Status s = InitializeLibcurl(); !s.ok()) return s;
  share = curl_share_init();
  if (share == nullptr) return absl::InternalError("curl_share_init failed");
  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::Lock);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::Unlock);
  curl_share_setopt(share, CURLSHOPT_USERDATA, this);
  // Connections are not shared (see Shared): only DNS and TLS sessions.
  for (curl_lock_data data : {CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION}) {
    CURLSHcode code = curl_share_setopt(share, CURLSHOPT_SHARE, data);
    if (code != CURLSHE_OK) {
      return absl::InternalError(
          absl::StrCat("curl_share_setopt(SHARE, ", static_cast<int>(data),
                       ") failed: ", curl_share_strerror(code)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    HttpClientOptions options) {
  auto shared = std::make_unique<Shared>();
  if (options.ca_bundle.empty() && options.ca_pem.empty()) {
    const char* env = std::getenv("CURL_CA_BUNDLE");
    if (env != nullptr) options.ca_bundle = env;
  }
  if (!options.error_mapper) options.error_mapper = &DefaultHttpErrorMapping;
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
                     options_.write_rate_limit.burst) {
  // libcurl formats CURLOPT_USERAGENT anew for every transfer; a constant
  // header line gives the same bytes to the server for free. Through a proxy
  // the option stays (it also names the client in CONNECT requests, where
  // the request's headers must not go).
  if (!options_.user_agent.empty() && !ProxyFromEnvironment()) {
    user_agent_header_ = absl::StrCat("User-Agent: ", options_.user_agent);
  }
}

HttpClient::~HttpClient() = default;

std::string HttpClient::Prefix(const HttpRequest& request) const {
  return absl::StrCat(options_.service, " ", request.call_name, ": ");
}

absl::Duration HttpClient::Backoff(int retry) const {
  absl::Duration d = options_.retry.initial_backoff;
  for (int i = 1; i < retry && d < options_.retry.max_backoff; ++i) d *= 2;
  d = std::min(d, options_.retry.max_backoff);
  thread_local std::minstd_rand rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return d * jitter(rng);
}

// Refuses a request that cannot be sent as asked, or whose URL or
// credentials could break out of the request line or the Authorization
// header (CR, LF, other control bytes, whitespace), before anything is sent.
// The callers validate earlier with better context; this is the last line
// of defence.
absl::Status HttpClient::CheckRequest(const HttpRequest& request) const {
  if (request.method == nullptr || !IsKnownMethod(request.method)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Prefix(request), "unsupported HTTP method '",
        sdk::Snippet(request.method == nullptr ? "" : request.method, 16),
        "' (GET, POST, PUT, PATCH or DELETE); nothing was sent"));
  }
  for (size_t i = 0; i < request.url.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(request.url[i]);
    if (c <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(Prefix(request), "the URL contains byte 0x",
                       absl::Hex(c, absl::kZeroPad2), " at offset ", i,
                       " (control character or whitespace); nothing was sent"));
    }
  }
  for (unsigned char c : request.content_type) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(Prefix(request),
                       "the content type contains a control character; "
                       "nothing was sent"));
    }
  }
  std::string where = absl::StrCat("the ", request.call_name, " request");
  if (!request.bearer_token.empty() && !request.basic_auth.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Prefix(request),
                     "both a bearer token and basic credentials were given; "
                     "nothing was sent"));
  }
  if (!request.basic_auth.empty()) {
    return ValidateBasicAuth(options_.service, request.basic_auth, where);
  }
  if (request.bearer_token.empty()) return absl::OkStatus();
  return ValidateBearerToken(options_.service, request.bearer_token, where,
                             absl::StatusCode::kInvalidArgument);
}

void HttpClient::SetTlsOptions(void* handle) const {
  CURL* curl = static_cast<CURL*>(handle);
  const bool verify = !options_.insecure_skip_tls_verify;
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
  if (!options_.ca_pem.empty()) {
    // Only the given CAs: no system store next to them.
    curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    curl_blob ca = PemBlob(options_.ca_pem);
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
  } else if (!options_.ca_bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  }
  if (!options_.client_cert_pem.empty()) {
    curl_blob cert = PemBlob(options_.client_cert_pem);
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(curl, CURLOPT_SSLCERT_BLOB, &cert);
  }
  if (!options_.client_key_pem.empty()) {
    curl_blob key = PemBlob(options_.client_key_pem);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    curl_easy_setopt(curl, CURLOPT_SSLKEY_BLOB, &key);
  }
}

void HttpClient::SetStandingOptions(void* handle) const {
  CURL* curl = static_cast<CURL*>(handle);
  char* standing = nullptr;
  curl_easy_getinfo(curl, CURLINFO_PRIVATE, &standing);
  if (standing == kStandingOptionsSet) return;
  curl_easy_setopt(curl, CURLOPT_PRIVATE,
                   const_cast<char*>(kStandingOptionsSet));  // only compared
  curl_easy_setopt(curl, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  SetTlsOptions(curl);
  if (user_agent_header_.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &AbortIfCancelled);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
}

HttpClient::Attempt HttpClient::Perform(const HttpRequest& request,
                                        absl::Duration timeout) const {
  Attempt result;
  attempts_.fetch_add(1);
  if (absl::Status s = shared_->EnsureInitialized(); !s.ok()) {
    result.status =
        absl::InternalError(absl::StrCat(Prefix(request), s.message()));
    return result;
  }
  CURL* curl = shared_->Acquire();
  if (curl == nullptr) {
    result.status = absl::InternalError(
        absl::StrCat(Prefix(request), "curl_easy_init failed"));
    return result;
  }
  Sink sink;
  std::string auth;
  if (!request.bearer_token.empty()) {
    auth = absl::StrCat("Authorization: Bearer ", request.bearer_token);
  } else if (!request.basic_auth.empty()) {
    auth = BasicAuthHeader(request.basic_auth);
  }
  const absl::string_view method = request.method;
  const bool post = method == "POST";
  const bool sends_body = post || (method != "GET" && !request.body.empty());
  std::string content_type;
  if (sends_body) {
    content_type = absl::StrCat("Content-Type: ", request.content_type.empty()
                                                      ? "application/json"
                                                      : request.content_type);
  }
  RequestHeaders headers;
  headers.Add(user_agent_header_);
  headers.Add(auth);
  headers.Add("Accept: application/json");
  headers.Add(content_type);
  // Let libcurl's Expect: 100-continue stay out of small JSON bodies
  // (libcurl never sends it without a body).
  if (sends_body) headers.Add("Expect:");

  int64_t timeout_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(timeout));
  int64_t connect_ms = std::max<int64_t>(
      1, std::min(timeout_ms,
                  absl::ToInt64Milliseconds(options_.connect_timeout)));
  SetStandingOptions(curl);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(connect_ms));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, request.cancelled ? 0L : 1L);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request);
  if (sends_body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    if (!post) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method);
  } else if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method);
  }

  CURLcode code = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  const bool failed_with_response =
      code == CURLE_OK && (http_status < 200 || http_status >= 300);
  // Read before the handle goes back to the pool (another thread may take it).
  HttpHeaders response_headers;
  if (failed_with_response) response_headers = ResponseHeaders(curl);
  // A bodiless GET set no option the next request would not set again: the
  // handle keeps its options, minus the pointers into this call.
  const bool keep_options = method == "GET" && !sends_body;
  if (keep_options) {
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 1L);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, nullptr);
  }
  shared_->Release(curl, keep_options);
  Scrub(&auth);  // the header copy holding the credential

  if (code != CURLE_OK) {
    result.status = TransportError(request, code, sink.too_large, timeout);
    result.retryable = !sink.too_large && IsRetryableCurlError(code);
    return result;
  }
  result.http_status = http_status;
  if (http_status >= 200 && http_status < 300) {
    result.body = std::move(sink.body);
    return result;
  }
  HttpFailure failure;
  failure.service = options_.service;
  failure.call_name = request.call_name;
  failure.http_status = http_status;
  failure.body = sink.body;
  failure.headers = &response_headers;
  HttpErrorMapping mapped = options_.error_mapper(failure);
  result.status = std::move(mapped.status);
  result.retryable = mapped.retryable;
  result.retry_after = mapped.retry_after;
  return result;
}

absl::Status HttpClient::TransportError(const HttpRequest& request,
                                        int curl_code, bool too_large,
                                        absl::Duration timeout) const {
  const CURLcode code = static_cast<CURLcode>(curl_code);
  if (code == CURLE_ABORTED_BY_CALLBACK) return CancelledStatus(request);
  if (too_large) {
    return absl::ResourceExhaustedError(absl::StrCat(
        Prefix(request), "response larger than ", kMaxResponseBytes, " bytes"));
  }
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
  return absl::Status(status_code,
                      absl::StrCat(Prefix(request), "request to ", request.url,
                                   " failed: ", detail));
}

absl::Status HttpClient::CancelledStatus(const HttpRequest& request) const {
  return absl::CancelledError(
      absl::StrCat(Prefix(request), "the caller cancelled the call"));
}

absl::Status HttpClient::RateLimitExceeded(const HttpRequest& request,
                                           absl::Duration throttle) const {
  const RateLimit& limit =
      request.is_write ? options_.write_rate_limit : options_.read_rate_limit;
  return absl::ResourceExhaustedError(
      absl::StrCat(Prefix(request), "client-side rate limit (",
                   request.is_write ? options_.write_rate_limit_setting
                                    : options_.read_rate_limit_setting,
                   " qps ", limit.qps, ", burst ", limit.burst,
                   ") would delay the call ", absl::FormatDuration(throttle),
                   ", past ", options_.max_total_time_setting));
}

absl::StatusOr<HttpResponse> HttpClient::Send(
    const HttpRequest& request) const {
  if (absl::Status s = CheckRequest(request); !s.ok()) {
    return RedactCredentials(s, request);
  }
  const absl::Time start = absl::Now();
  const absl::Time deadline =
      std::min(start + options_.retry.max_total_time, request.deadline);
  if (request.deadline <= start) {
    return absl::DeadlineExceededError(
        absl::StrCat(Prefix(request), "the caller's deadline has passed"));
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
        return RateLimitExceeded(request, throttle);
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
    last.status = RedactCredentials(last.status, request);
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
                    : absl::StrCat(" would exceed ",
                                   options_.max_total_time_setting, " ",
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

}  // namespace flyteplug::net
