// The host API table the suite hands to modules: counts every call so checks
// can verify how a module uses its host.
#ifndef FLYTEPLUG_CONFORMANCE_TEST_HOST_H_
#define FLYTEPLUG_CONFORMANCE_TEST_HOST_H_

#include <atomic>
#include <cstdint>

#include "flyteplug/plugin.h"

namespace flyteplug::conformance {

// Every secret lookup succeeds with this value, so checks can verify that it
// never shows up in logs, error messages or outputs.
inline constexpr char kTestSecretValue[] =
    "flyteplug-conformance-secret-5b9e2c71";

// THREADING: thread-safe, like the real host API. OWNERSHIP: the table points
// into this object, which must outlive every instance it was given to.
class TestHost {
 public:
  TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  const flyteplug_host_api* api() const { return &api_; }

  // After this, any call from a module counts as a use after deinit.
  void SetInstancesGone(bool gone) { gone_ = gone; }

  int64_t log_calls() const { return log_calls_; }
  int64_t bad_log_levels() const { return bad_log_levels_; }
  int64_t bad_log_messages() const { return bad_log_messages_; }
  int64_t secret_lookups() const { return secret_lookups_; }
  int64_t secret_releases() const { return secret_releases_; }
  int64_t calls_after_deinit() const { return calls_after_deinit_; }
  // A log message contained kTestSecretValue.
  bool secret_logged() const { return secret_logged_; }

 private:
  static int32_t LogEnabled(void* host, flyteplug_log_level level);
  static void Log(void* host, flyteplug_log_level level, const char* message,
                  size_t message_size);
  static flyteplug_status_code GetSecret(void* host, const char* key,
                                         size_t key_size,
                                         flyteplug_buffer* value,
                                         flyteplug_error* error);
  static int64_t Now(void* host);
  static void ReleaseSecret(flyteplug_buffer* buffer);
  void Touch();

  flyteplug_host_api api_;
  std::atomic<bool> gone_{false};
  std::atomic<int64_t> log_calls_{0};
  std::atomic<int64_t> bad_log_levels_{0};
  std::atomic<int64_t> bad_log_messages_{0};
  std::atomic<int64_t> secret_lookups_{0};
  std::atomic<int64_t> secret_releases_{0};
  std::atomic<int64_t> calls_after_deinit_{0};
  std::atomic<bool> secret_logged_{false};
};

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_TEST_HOST_H_
