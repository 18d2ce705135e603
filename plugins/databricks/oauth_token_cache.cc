#include "oauth_token_cache.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace flyteplug::databricks {
namespace {

// Bounds the memory of tokens for instances named by tasks; when full,
// entries without a fetch under way are dropped (they are fetched again).
constexpr size_t kMaxEntries = 1024;

}  // namespace

struct OAuthTokenCache::Entry {
  std::string token;  // empty: none yet
  absl::Time expires_at = absl::InfinitePast();
  absl::Time refresh_at = absl::InfinitePast();  // replaced from here on
  bool fetching = false;
  uint64_t fetches = 0;     // completed fetches, to wake their waiters
  absl::Status last_error;  // of the last completed fetch (OK: it succeeded)
};

absl::Duration TokenRefreshMargin(absl::Duration lifetime) {
  return std::min(absl::Seconds(60), lifetime / 10);
}

OAuthTokenCache::OAuthTokenCache(FetchTokenFn fetch,
                                 std::function<absl::Time()> now)
    : fetch_(std::move(fetch)), now_(std::move(now)) {}

absl::StatusOr<std::string> OAuthTokenCache::Token(
    absl::string_view instance, const ClientCredentials& credentials,
    absl::Time deadline) {
  return Acquire(instance, credentials, std::nullopt, deadline);
}

absl::StatusOr<std::string> OAuthTokenCache::Refresh(
    absl::string_view instance, const ClientCredentials& credentials,
    absl::string_view rejected, absl::Time deadline) {
  return Acquire(instance, credentials, rejected, deadline);
}

std::shared_ptr<OAuthTokenCache::Entry> OAuthTokenCache::EntryFor(
    const std::string& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second;
  if (entries_.size() >= kMaxEntries) {
    for (auto e = entries_.begin(); e != entries_.end();) {
      if (e->second->fetching) {
        ++e;
      } else {
        entries_.erase(e++);
      }
    }
  }
  auto entry = std::make_shared<Entry>();
  entries_.emplace(key, entry);
  return entry;
}

absl::StatusOr<std::string> OAuthTokenCache::Acquire(
    absl::string_view instance, const ClientCredentials& credentials,
    std::optional<absl::string_view> rejected, absl::Time deadline) {
  const std::string key = absl::StrCat(instance, "\n", credentials.client_id);
  std::unique_lock<std::mutex> lock(mu_);
  // Held by value: the entry outlives its removal from the map.
  std::shared_ptr<Entry> entry = EntryFor(key);
  const auto not_rejected = [&] {
    return !entry->token.empty() &&
           (!rejected.has_value() || entry->token != *rejected);
  };
  // The outcome of the fetch that just completed (ours or the one waited
  // for): its token; on failure the previous token while it has not expired.
  const auto outcome = [&]() -> absl::StatusOr<std::string> {
    if (entry->last_error.ok()) return entry->token;
    if (not_rejected() && now_() < entry->expires_at) return entry->token;
    return entry->last_error;
  };
  if (not_rejected() && now_() < entry->refresh_at) return entry->token;
  if (entry->fetching) {
    const uint64_t seen = entry->fetches;
    const auto done = [&] { return entry->fetches != seen; };
    if (deadline == absl::InfiniteFuture()) {
      fetched_.wait(lock, done);
    } else if (!fetched_.wait_until(lock, absl::ToChronoTime(deadline), done)) {
      return absl::DeadlineExceededError(absl::StrCat(
          "databricks: the caller's deadline passed while waiting for the "
          "OAuth token of ",
          instance));
    }
    return outcome();
  }
  entry->fetching = true;
  const absl::Time start = now_();
  lock.unlock();
  absl::StatusOr<IssuedToken> issued = fetch_(instance, credentials);
  lock.lock();
  entry->fetching = false;
  ++entry->fetches;
  if (issued.ok()) {
    entry->token = std::move(issued->access_token);
    entry->expires_at = start + issued->lifetime;
    entry->refresh_at =
        entry->expires_at - TokenRefreshMargin(issued->lifetime);
    entry->last_error = absl::OkStatus();
  } else {
    entry->last_error = issued.status();
  }
  fetched_.notify_all();
  return outcome();
}

}  // namespace flyteplug::databricks
