// A fake host for testing a module without a loader: the flyteplug_host_api
// table of plugin.h bound to an in-memory secrets map, a settable clock and
// captured log lines. Library flyteplug::sdk_testing.
//
//   flyteplug::sdk::testing::FakeHost host;
//   host.SetSecret("FLYTE_DATABRICKS_API_TOKEN", "dapi-test");
//   auto module = ModuleUnderTest::Open("libmy_module.so");  //
//   module_under_test.h auto instance = module->Init(host,
//   R"({"my_module":{}})"); auto manifest =
//   instance->BuildResource(task_context_bytes); EXPECT_THAT(host.LogText(),
//   HasSubstr("WARNING: ..."));
//
// It also watches how the module uses its host (bad log levels, NULL
// messages, unreleased secrets, calls after close), as the conformance suite
// needs. THREADING: every method and every callback of api() is
// thread-safe. OWNERSHIP: api() points into this object, which must outlive
// every instance it is given to.
#ifndef FLYTEPLUG_SDK_TESTING_FAKE_HOST_H_
#define FLYTEPLUG_SDK_TESTING_FAKE_HOST_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"

namespace flyteplug::sdk::testing {

// One recorded log message.
struct LogLine {
  flyteplug_log_level level;
  std::string message;
};

// "DEBUG", "INFO", "WARNING", "ERROR", or "LEVEL(<n>)" for an unknown level.
std::string LogLevelName(flyteplug_log_level level);

class FakeHost {
 public:
  // The clock's initial value: 2023-11-14T22:13:20Z.
  static constexpr int64_t kDefaultNowUnixNanos =
      int64_t{1700000000} * 1000000000;

  FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // The C table handed to a module's init; host_data is this object.
  const flyteplug_host_api* api() const { return &api_; }

  // --- Secrets ---------------------------------------------------------
  // get_secret answers `key` with `value` (an owned buffer the module
  // releases), an unknown key with FLYTEPLUG_NOT_FOUND, and an empty key or
  // NULL pointer with FLYTEPLUG_INVALID_ARGUMENT.
  void SetSecret(const std::string& key, const std::string& value);
  void RemoveSecret(const std::string& key);
  // When set, every key not in the map is answered with `value`.
  void SetSecretForAnyKey(std::optional<std::string> value);
  // Secret buffers handed out, and released by the module.
  int64_t secret_lookups() const { return secret_lookups_; }
  int64_t secret_releases() const { return secret_releases_; }

  // --- Clock -----------------------------------------------------------
  void SetNowUnixNanos(int64_t now) { now_ = now; }
  void AdvanceNanos(int64_t delta) { now_ += delta; }

  // --- Call control (ABI 1.1) ------------------------------------------
  // What call_deadline_unix_nanos (0 = none) and call_cancelled answer, for
  // every thread. SetAbi10(true) hands out a 1.0 table instead (struct_size
  // 48, no call-control slots), as an old host would.
  void SetCallDeadlineUnixNanos(int64_t deadline) { deadline_ = deadline; }
  void SetCallCancelled(bool cancelled) { cancelled_ = cancelled; }
  void SetAbi10(bool abi_1_0);
  // call_cancelled calls so far.
  int64_t cancel_polls() const { return cancel_polls_; }

  // --- Logging ---------------------------------------------------------
  // log_enabled(level) is true from `threshold` up; log() records only
  // those messages, like a real host. Default: FLYTEPLUG_LOG_DEBUG (all).
  void SetLogThreshold(flyteplug_log_level threshold) {
    threshold_ = threshold;
  }
  std::vector<LogLine> logs() const;
  // Every recorded line as "<LEVEL>: <message>", joined with '\n'.
  std::string LogText() const;
  // True if a recorded message contains `needle`.
  bool LogsContain(absl::string_view needle) const;
  void ClearLogs();
  // Every log() call, recorded or not.
  int64_t log_calls() const { return log_calls_; }

  // --- Misuse seen -----------------------------------------------------
  // log_enabled/log calls with a level outside DEBUG..ERROR.
  int64_t bad_log_levels() const { return bad_log_levels_; }
  // log calls with a NULL message and a non-zero size (not recorded).
  int64_t bad_log_messages() const { return bad_log_messages_; }
  // After SetClosed(true) (e.g. once every instance is deinitialised), every
  // call from a module counts in calls_after_close().
  void SetClosed(bool closed) { closed_ = closed; }
  int64_t calls_after_close() const { return calls_after_close_; }

 private:
  static int32_t LogEnabled(void* host_data, flyteplug_log_level level);
  static void Log(void* host_data, flyteplug_log_level level,
                  const char* message, size_t message_size);
  static flyteplug_status_code GetSecret(void* host_data, const char* key,
                                         size_t key_size,
                                         flyteplug_buffer* value,
                                         flyteplug_error* error);
  static int64_t Now(void* host_data);
  static int64_t CallDeadline(void* host_data);
  static int32_t CallCancelled(void* host_data);
  static void ReleaseSecret(flyteplug_buffer* buffer);

  // Counts a call from a module; flags a bad level.
  void Touch();
  void CheckLevel(flyteplug_log_level level);

  flyteplug_host_api api_;
  std::atomic<int64_t> now_{kDefaultNowUnixNanos};
  std::atomic<int64_t> deadline_{0};
  std::atomic<bool> cancelled_{false};
  std::atomic<int64_t> cancel_polls_{0};
  std::atomic<flyteplug_log_level> threshold_{FLYTEPLUG_LOG_DEBUG};
  std::atomic<bool> closed_{false};
  std::atomic<int64_t> log_calls_{0};
  std::atomic<int64_t> bad_log_levels_{0};
  std::atomic<int64_t> bad_log_messages_{0};
  std::atomic<int64_t> secret_lookups_{0};
  std::atomic<int64_t> secret_releases_{0};
  std::atomic<int64_t> calls_after_close_{0};

  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> secrets_;  // guarded by mu_
  std::optional<std::string> any_key_secret_;                // guarded by mu_
  std::vector<LogLine> logs_;                                // guarded by mu_
};

}  // namespace flyteplug::sdk::testing

#endif  // FLYTEPLUG_SDK_TESTING_FAKE_HOST_H_
