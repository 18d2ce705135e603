// Turns a failed HTTP exchange with the Jobs API into an absl::Status whose
// message says which call failed, the HTTP status and what the server said.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_ERROR_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "flyteplug/net/http_client.h"
#include "flyteplug/net/http_status.h"

namespace flyteplug::databricks {

// What the server said, extracted leniently from an error body.
struct ServerError {
  std::string error_code;  // "INVALID_PARAMETER_VALUE", "403", or empty
  std::string message;     // human text, whitespace-collapsed; <= 300 bytes,
                           // plus "..." when cut
};

// Accepts a JSON object with `error_code` (string or number) and `message`;
// an HTML page (its <title>, or the "Reason:" line Jetty prints, else the
// visible text); a plain-text body ("CODE: message" or anything); an empty
// body (both fields empty). Never fails.
ServerError ParseErrorBody(absl::string_view body);

using net::CodeForHttpStatus;
using net::HttpReasonPhrase;

// The error of call `call` ("runs/submit") that got `http_status` with
// `body`; `reason_header` is X-Databricks-Reason-Phrase when present. E.g.
// "databricks runs/get: HTTP 403 Forbidden: [403] Invalid access token."
absl::Status HttpError(absl::string_view call, long http_status,
                       absl::string_view body, absl::string_view reason_header);

// The module's net::HttpErrorMapper: HttpError with the
// X-Databricks-Reason-Phrase header; a redirect is FAILED_PRECONDITION with
// a hint to check the instance; 429, 503, REQUEST_LIMIT_EXCEEDED and
// TEMPORARILY_UNAVAILABLE are retryable, with their Retry-After.
net::HttpErrorMapping MapHttpError(const net::HttpFailure& failure);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_HTTP_ERROR_H_
