// Helpers shared by the loader tests.
#ifndef FLYTEPLUG_TESTS_LOADER_TEST_UTIL_H_
#define FLYTEPLUG_TESTS_LOADER_TEST_UTIL_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::testing {

// A host API that records log lines and serves secrets from a fixed map.
class CapturingHost {
 public:
  CapturingHost() {
    api_.struct_size = sizeof(api_);
    api_.host_data = this;
    api_.log_enabled = [](void*, flyteplug_log_level) -> int32_t { return 1; };
    api_.log = [](void* data, flyteplug_log_level, const char* m, size_t n) {
      auto* self = static_cast<CapturingHost*>(data);
      std::lock_guard<std::mutex> lock(self->mu_);
      self->lines_.emplace_back(m, n);
    };
    api_.get_secret = nullptr;  // modules see "no secret lookup"
    api_.now_unix_nanos = [](void*) -> int64_t { return 1; };
  }
  const flyteplug_host_api* api() const { return &api_; }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  flyteplug_host_api api_{};
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

inline absl::StatusOr<LoaderClient> OpenOnly(
    std::vector<std::string> paths, std::string config = "",
    const flyteplug_host_api* host = nullptr) {
  LoaderClient::Options options;
  options.module_paths = std::move(paths);
  options.skip_default_paths = true;
  options.config_json = std::move(config);
  options.host = host;
  return LoaderClient::Open(options);
}

// A serialized TaskContext for `type` with optional task config entries.
std::string ContextFor(
    const std::string& type,
    const std::vector<std::pair<std::string, std::string>>& task_config = {});

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_LOADER_TEST_UTIL_H_
