// The workspace's OAuth token endpoint (OAuth M2M: the client credentials
// grant of a Databricks service principal): the request and its answer.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_OAUTH_TOKEN_ENDPOINT_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_OAUTH_TOKEN_ENDPOINT_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "oauth_token_cache.h"

namespace flyteplug::databricks {

// POST {instance}/oidc/v1/token, HTTP Basic client_id:client_secret, form
// body below (application/x-www-form-urlencoded).
inline constexpr char kTokenEndpointPath[] = "/oidc/v1/token";
inline constexpr char kTokenRequestBody[] =
    "grant_type=client_credentials&scope=all-apis";
// Bounds on the answer: its body, the access token, and expires_in.
inline constexpr size_t kMaxTokenResponseBytes = 64 << 10;
inline constexpr size_t kMaxAccessTokenBytes = 16 << 10;
inline constexpr int64_t kMaxTokenLifetimeSeconds = 24 * 3600;

// OK when both can be sent in an HTTP Basic header: visible ASCII, and no
// ':' in the id (RFC 7617 splits "id:secret" at the first colon). Else
// FAILED_PRECONDITION naming the secret key and its configuration key
// (`id_where`, `secret_where`), never the values.
absl::Status CheckClientCredentials(const ClientCredentials& credentials,
                                    absl::string_view id_where,
                                    absl::string_view secret_where);

// Parses the endpoint's 2xx answer {"access_token": "...", "token_type":
// "Bearer", "expires_in": 3600} (expires_in an integer, or a decimal string,
// in [1, kMaxTokenLifetimeSeconds]; token_type case-insensitive; other
// members ignored). The token must pass ValidateBearerToken and be at most
// kMaxAccessTokenBytes. Errors are UNAVAILABLE ("databricks oidc/v1/token:
// the answer has no access_token") and never quote the body, which may hold
// a token.
absl::StatusOr<IssuedToken> ParseTokenResponse(absl::string_view body);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_OAUTH_TOKEN_ENDPOINT_H_
