#include "http_client.h"

#include <utility>

#include "http_error.h"

namespace flyteplug::databricks {

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    HttpClientOptions options) {
  options.service = "databricks";
  options.user_agent = "flyteplug-databricks/0.1";
  options.error_mapper = &MapHttpError;
  options.read_rate_limit_setting = "webApi.readRateLimiter";
  options.write_rate_limit_setting = "webApi.writeRateLimiter";
  options.max_total_time_setting = "retry.maxTotalTime";
  absl::StatusOr<std::unique_ptr<net::HttpClient>> http =
      net::HttpClient::Create(std::move(options));
  if (!http.ok()) return http.status();
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(*http)));
}

}  // namespace flyteplug::databricks
