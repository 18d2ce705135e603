#include "test_host.h"

#include <cstring>
#include <string>

#include "absl/strings/string_view.h"

namespace flyteplug::conformance {

TestHost::TestHost() {
  std::memset(&api_, 0, sizeof(api_));
  api_.struct_size = sizeof(api_);
  api_.host_data = this;
  api_.log_enabled = &TestHost::LogEnabled;
  api_.log = &TestHost::Log;
  api_.get_secret = &TestHost::GetSecret;
  api_.now_unix_nanos = &TestHost::Now;
}

void TestHost::Touch() {
  if (gone_) ++calls_after_deinit_;
}

int32_t TestHost::LogEnabled(void* host, flyteplug_log_level level) {
  auto* self = static_cast<TestHost*>(host);
  self->Touch();
  if (level < FLYTEPLUG_LOG_DEBUG || level > FLYTEPLUG_LOG_ERROR) {
    ++self->bad_log_levels_;
  }
  return 1;  // everything enabled, so every message gets scanned
}

void TestHost::Log(void* host, flyteplug_log_level level, const char* message,
                   size_t message_size) {
  auto* self = static_cast<TestHost*>(host);
  self->Touch();
  ++self->log_calls_;
  if (level < FLYTEPLUG_LOG_DEBUG || level > FLYTEPLUG_LOG_ERROR) {
    ++self->bad_log_levels_;
  }
  if (message == nullptr && message_size != 0) {
    ++self->bad_log_messages_;
    return;
  }
  absl::string_view text(message == nullptr ? "" : message,
                         message == nullptr ? 0 : message_size);
  if (text.find(kTestSecretValue) != absl::string_view::npos) {
    self->secret_logged_ = true;
  }
}

void TestHost::ReleaseSecret(flyteplug_buffer* buffer) {
  if (buffer == nullptr) return;
  auto* self = static_cast<TestHost*>(buffer->private_data);
  if (self != nullptr) ++self->secret_releases_;
  delete[] buffer->data;
  buffer->data = nullptr;
  buffer->size = 0;
  buffer->private_data = nullptr;
  buffer->release = nullptr;
}

flyteplug_status_code TestHost::GetSecret(void* host, const char* key,
                                          size_t key_size,
                                          flyteplug_buffer* value,
                                          flyteplug_error* error) {
  auto* self = static_cast<TestHost*>(host);
  self->Touch();
  if (key == nullptr || key_size == 0 || value == nullptr) {
    static constexpr char kMessage[] = "get_secret: empty key or NULL value";
    if (error != nullptr && error->set != nullptr) {
      error->set(error, FLYTEPLUG_INVALID_ARGUMENT, kMessage,
                 sizeof(kMessage) - 1);
    }
    return FLYTEPLUG_INVALID_ARGUMENT;
  }
  ++self->secret_lookups_;
  size_t size = sizeof(kTestSecretValue) - 1;
  auto* copy = new uint8_t[size];
  std::memcpy(copy, kTestSecretValue, size);
  value->data = copy;
  value->size = size;
  value->private_data = self;
  value->release = &TestHost::ReleaseSecret;
  return FLYTEPLUG_OK;
}

int64_t TestHost::Now(void* host) {
  static_cast<TestHost*>(host)->Touch();
  return int64_t{1700000000} * 1000000000;  // fixed: results stay comparable
}

}  // namespace flyteplug::conformance
