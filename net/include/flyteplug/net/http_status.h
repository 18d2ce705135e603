// HTTP status codes as absl status codes and reason phrases.
#ifndef FLYTEPLUG_NET_HTTP_STATUS_H_
#define FLYTEPLUG_NET_HTTP_STATUS_H_

#include <string>

#include "absl/status/status.h"

namespace flyteplug::net {

// Canonical code of an HTTP status: 400 INVALID_ARGUMENT, 401
// UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS,
// 429 RESOURCE_EXHAUSTED, 499 CANCELLED, every 5xx UNAVAILABLE (a server
// side failure the caller may retry later), other 4xx FAILED_PRECONDITION,
// 3xx (a redirect, e.g. to a login page) FAILED_PRECONDITION. Client-side
// timeouts are DEADLINE_EXCEEDED (http_client.cc).
absl::StatusCode CodeForHttpStatus(long http_status);

// "Not Found" for 404 etc.; "HTTP <n>" when unknown.
std::string HttpReasonPhrase(long http_status);

}  // namespace flyteplug::net

#endif  // FLYTEPLUG_NET_HTTP_STATUS_H_
