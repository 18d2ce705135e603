#include "flyteplug/net/rate_limiter.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace flyteplug::net {

RateLimiter::RateLimiter(double qps, int64_t burst)
    : qps_(qps),
      burst_(static_cast<double>(std::max<int64_t>(1, burst))),
      tokens_(burst_),
      last_(absl::InfinitePast()) {}

absl::Duration RateLimiter::Reserve(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (last_ == absl::InfinitePast()) last_ = now;
  if (now > last_) {
    tokens_ =
        std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  return absl::Seconds(-tokens_ / qps_);
}

void RateLimiter::Wait() {
  absl::Duration wait = Reserve(absl::Now());
  if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
}

}  // namespace flyteplug::net
