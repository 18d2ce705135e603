// OAuth M2M access tokens cached per (workspace, service principal), each
// fetched by one caller while concurrent callers wait for it (single
// flight), refreshed shortly before expiry and after the server rejects one.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_OAUTH_TOKEN_CACHE_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_OAUTH_TOKEN_CACHE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace flyteplug::databricks {

// A service principal's OAuth credentials (host secrets). Never logged.
struct ClientCredentials {
  std::string client_id;
  std::string client_secret;
};

// What the token endpoint issued: the access token and how long it lives.
struct IssuedToken {
  std::string access_token;
  absl::Duration lifetime;  // expires_in, > 0
};

// Fetches a new access token for the workspace at `instance` (a normalized
// base URL). Must not put the client secret or the token in its errors.
// Called without any lock held, by one caller at a time per cache key.
using FetchTokenFn = std::function<absl::StatusOr<IssuedToken>(
    absl::string_view instance, const ClientCredentials& credentials)>;

// The refresh margin: a token is replaced once less than
// min(60 s, 10 % of its lifetime) of it remains, so a call never starts with
// a token about to expire (60 s for Databricks' one-hour tokens).
absl::Duration TokenRefreshMargin(absl::Duration lifetime);

// THREADING: thread-safe. Per key (instance, client id) at most one fetch
// runs at a time; callers arriving meanwhile wait for it and share its
// result (a token or its error): N concurrent callers with no usable token
// cause one fetch, not N. The lifetime is counted from the start of the
// fetch. Fetch errors are not cached: the next call fetches again.
class OAuthTokenCache {
 public:
  // `now` is the clock (tests inject one). Both must be callable from any
  // thread and outlive the cache.
  explicit OAuthTokenCache(FetchTokenFn fetch,
                           std::function<absl::Time()> now = absl::Now);

  OAuthTokenCache(const OAuthTokenCache&) = delete;
  OAuthTokenCache& operator=(const OAuthTokenCache&) = delete;

  // A token for `instance` and `credentials` with more than the refresh
  // margin left: the cached one, else a new one (fetched here, or by the
  // fetch already running). When a refresh fails while the cached token is
  // still unexpired, that token is returned. A caller waiting for another's
  // fetch gives up at `deadline` with DEADLINE_EXCEEDED.
  absl::StatusOr<std::string> Token(
      absl::string_view instance, const ClientCredentials& credentials,
      absl::Time deadline = absl::InfiniteFuture());

  // After the server answered 401 to `rejected`: a token other than
  // `rejected`. If the cache already holds a different one (a concurrent
  // caller refreshed), that one; else one new fetch, shared as in Token.
  absl::StatusOr<std::string> Refresh(
      absl::string_view instance, const ClientCredentials& credentials,
      absl::string_view rejected, absl::Time deadline = absl::InfiniteFuture());

 private:
  struct Entry;
  absl::StatusOr<std::string> Acquire(absl::string_view instance,
                                      const ClientCredentials& credentials,
                                      std::optional<absl::string_view> rejected,
                                      absl::Time deadline);
  std::shared_ptr<Entry> EntryFor(const std::string& key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FetchTokenFn fetch_;
  const std::function<absl::Time()> now_;
  std::mutex mu_;
  std::condition_variable fetched_;  // signalled after every fetch
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> entries_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_OAUTH_TOKEN_CACHE_H_
