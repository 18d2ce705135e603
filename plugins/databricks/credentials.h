// How the module's calls to a workspace authenticate, from the host's
// secrets: OAuth M2M (a service principal's client id and secret exchanged
// for short-lived access tokens) when both OAuth secrets exist, else the
// personal access token.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_CREDENTIALS_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_CREDENTIALS_H_

#include <atomic>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config.h"
#include "flyteplug/sdk/sdk.h"
#include "oauth_token_cache.h"

namespace flyteplug::databricks {

// The bearer token of one call and where it came from. Holds secrets: never
// logged or persisted.
struct ApiCredential {
  std::string bearer_token;
  // OAuth: the service principal the token was issued to (a 401 answer may
  // be retried with a refreshed token). Empty for a personal access token.
  std::optional<ClientCredentials> client;

  // `text` / `status` with the bearer token and the client secret scrubbed
  // (secret.h Redact).
  std::string Scrub(absl::string_view text) const;
  absl::Status Scrub(const absl::Status& status) const;
};

// THREADING: thread-safe. Secrets are looked up through the host on every
// call (rotated secrets are picked up); OAuth access tokens are cached per
// (instance, client id) by an OAuthTokenCache.
class CredentialSource {
 public:
  // `fetch` calls the token endpoint (oauth_token_endpoint.h). REQUIRES:
  // `host` (may be null: every lookup fails) and `config` outlive this.
  CredentialSource(const flyteplug::sdk::Host* host,
                   const DatabricksConfig* config, FetchTokenFn fetch);

  // The credential for a call to `instance` (a normalized base URL): an
  // OAuth access token when both `databricksClientIdKey` and
  // `databricksClientSecretKey` secrets exist, else the `databricksTokenKey`
  // API token. When only one OAuth secret exists, a warning naming the
  // missing one is logged (once) and the API token is used. A waiting caller
  // gives up at `deadline`. FAILED_PRECONDITION for missing or malformed
  // secrets; token endpoint errors as the fetch returned them (scrubbed).
  absl::StatusOr<ApiCredential> For(absl::string_view instance,
                                    absl::Time deadline) const;

  // After `rejected` (OAuth) got HTTP 401 from `instance`: a credential with
  // a different token, fetched once however many callers ask at the same
  // time. REQUIRES: rejected.client.has_value().
  absl::StatusOr<ApiCredential> Refresh(absl::string_view instance,
                                        const ApiCredential& rejected,
                                        absl::Time deadline) const;

 private:
  absl::StatusOr<std::string> PersonalAccessToken() const;
  // Both OAuth secrets, checked; nullopt when one or both are missing.
  absl::StatusOr<std::optional<ClientCredentials>> OAuthClient() const;
  // The secret `key`, or nullopt when the host has none (or an empty one).
  std::optional<std::string> OptionalSecret(const std::string& key) const;

  const flyteplug::sdk::Host* host_;
  const DatabricksConfig* config_;
  mutable OAuthTokenCache cache_;
  mutable std::atomic<bool> warned_partial_oauth_{false};
};

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_CREDENTIALS_H_
