// The module's HTTP layer: flyteplug_net's client speaking to the Jobs API,
// with "databricks" messages, the module's user agent and setting names, and
// the Jobs API's error mapping (http_error.h).
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_CLIENT_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_CLIENT_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "flyteplug/net/http_client.h"

namespace flyteplug::databricks {

using net::HttpClientOptions;
using net::HttpRequest;
using net::HttpResponse;

// THREADING and retries: as net::HttpClient.
class HttpClient {
 public:
  // `options` with service, user_agent, error_mapper and the setting names
  // replaced by the module's. INTERNAL if libcurl cannot be initialised.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      HttpClientOptions options);

  // net::HttpClient::Send. HTTP errors read like "databricks runs/get: HTTP
  // 403 Forbidden: [403] Invalid access token."; 429, 503,
  // REQUEST_LIMIT_EXCEEDED and TEMPORARILY_UNAVAILABLE are retried.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) const {
    return http_->Send(request);
  }
  int64_t attempt_count() const { return http_->attempt_count(); }

 private:
  explicit HttpClient(std::unique_ptr<net::HttpClient> http)
      : http_(std::move(http)) {}
  std::unique_ptr<net::HttpClient> http_;
};

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_CLIENT_H_
