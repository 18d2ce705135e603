// A token bucket: `qps` tokens per second, at most `burst` banked.
#ifndef FLYTEPLUG_NET_RATE_LIMITER_H_
#define FLYTEPLUG_NET_RATE_LIMITER_H_

#include <cstdint>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace flyteplug::net {

// A token bucket's settings: `qps` tokens per second, at most `burst` saved.
struct RateLimit {
  double qps = 10;
  int64_t burst = 100;
};

// THREADING: thread-safe. Waiters are served in reservation order (each
// reservation moves the bucket's balance, possibly below zero).
class RateLimiter {
 public:
  // `qps` > 0, `burst` >= 1. The bucket starts full.
  RateLimiter(double qps, int64_t burst);

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token at `now` and returns how long the caller must wait before
  // using it (zero when one was banked).
  absl::Duration Reserve(absl::Time now);

  // Reserve(absl::Now()) then sleeps for the returned duration.
  void Wait();

 private:
  const double qps_;
  const double burst_;
  std::mutex mu_;  // std::mutex: visible to ThreadSanitizer
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace flyteplug::net

#endif  // FLYTEPLUG_NET_RATE_LIMITER_H_
