#include "flyteplug/sdk/testing/fake_host.h"

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/exception_guard.h"
#include "flyteplug/sdk/boundary/log_level.h"

namespace flyteplug::sdk::testing {
namespace {

// The bytes behind a secret buffer; private_data of the buffer.
struct SecretCopy {
  FakeHost* host;
  std::string value;
};

}  // namespace

std::string LogLevelName(flyteplug_log_level level) {
  const char* name = boundary::KnownLogLevelName(level);
  return name != nullptr ? name : absl::StrCat("LEVEL(", level, ")");
}

FakeHost::FakeHost() {
  api_ = flyteplug_host_api{};
  api_.struct_size = sizeof(api_);
  api_.host_data = this;
  api_.log_enabled = &FakeHost::LogEnabled;
  api_.log = &FakeHost::Log;
  api_.get_secret = &FakeHost::GetSecret;
  api_.now_unix_nanos = &FakeHost::Now;
  SetAbi10(false);
}

void FakeHost::SetAbi10(bool abi_1_0) {
  api_.struct_size =
      abi_1_0 ? uint32_t{FLYTEPLUG_HOST_API_SIZE_1_0} : uint32_t{sizeof(api_)};
  api_.call_deadline_unix_nanos = abi_1_0 ? nullptr : &FakeHost::CallDeadline;
  api_.call_cancelled = abi_1_0 ? nullptr : &FakeHost::CallCancelled;
}

void FakeHost::SetSecret(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_[key] = value;
}

void FakeHost::RemoveSecret(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_.erase(key);
}

void FakeHost::SetSecretForAnyKey(std::optional<std::string> value) {
  std::lock_guard<std::mutex> lock(mu_);
  any_key_secret_ = std::move(value);
}

std::vector<LogLine> FakeHost::logs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return logs_;
}

std::string FakeHost::LogText() const {
  std::string text;
  for (const LogLine& line : logs()) {
    if (!text.empty()) text += '\n';
    absl::StrAppend(&text, LogLevelName(line.level), ": ", line.message);
  }
  return text;
}

bool FakeHost::LogsContain(absl::string_view needle) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const LogLine& line : logs_) {
    if (absl::StrContains(line.message, needle)) return true;
  }
  return false;
}

void FakeHost::ClearLogs() {
  std::lock_guard<std::mutex> lock(mu_);
  logs_.clear();
}

void FakeHost::Touch() {
  if (closed_) ++calls_after_close_;
}

void FakeHost::CheckLevel(flyteplug_log_level level) {
  if (level < FLYTEPLUG_LOG_DEBUG || level > FLYTEPLUG_LOG_ERROR) {
    ++bad_log_levels_;
  }
}

int32_t FakeHost::LogEnabled(void* host_data, flyteplug_log_level level) {
  auto* self = static_cast<FakeHost*>(host_data);
  self->Touch();
  self->CheckLevel(level);
  return level >= self->threshold_ ? 1 : 0;
}

void FakeHost::Log(void* host_data, flyteplug_log_level level,
                   const char* message, size_t message_size) {
  auto* self = static_cast<FakeHost*>(host_data);
  self->Touch();
  self->CheckLevel(level);
  ++self->log_calls_;
  if (message == nullptr && message_size != 0) {
    ++self->bad_log_messages_;
    return;
  }
  if (level < self->threshold_) return;
  std::string text(message == nullptr ? "" : message,
                   message == nullptr ? 0 : message_size);
  std::lock_guard<std::mutex> lock(self->mu_);
  self->logs_.push_back(LogLine{level, std::move(text)});
}

flyteplug_status_code FakeHost::GetSecret(void* host_data, const char* key,
                                          size_t key_size,
                                          flyteplug_buffer* value,
                                          flyteplug_error* error) {
  auto* self = static_cast<FakeHost*>(host_data);
  self->Touch();
  auto report = [error](flyteplug_status_code code, absl::string_view text) {
    return boundary::ReportError(error, code, text);
  };
  return boundary::GuardIntoSink(
      "get_secret", error, [&]() -> flyteplug_status_code {
        if (key == nullptr || key_size == 0 || value == nullptr) {
          return report(FLYTEPLUG_INVALID_ARGUMENT,
                        "get_secret: empty key or NULL value");
        }
        const absl::string_view name(key, key_size);
        auto copy = std::make_unique<SecretCopy>();
        copy->host = self;
        {
          std::lock_guard<std::mutex> lock(self->mu_);
          auto it = self->secrets_.find(name);
          if (it != self->secrets_.end()) {
            copy->value = it->second;
          } else if (self->any_key_secret_.has_value()) {
            copy->value = *self->any_key_secret_;
          } else {
            return report(FLYTEPLUG_NOT_FOUND,
                          absl::StrCat("fake host: no secret '", name, "'"));
          }
        }
        value->data = reinterpret_cast<const uint8_t*>(copy->value.data());
        value->size = copy->value.size();
        value->private_data = copy.release();
        value->release = &FakeHost::ReleaseSecret;
        ++self->secret_lookups_;
        return FLYTEPLUG_OK;
      });
}

void FakeHost::ReleaseSecret(flyteplug_buffer* buffer) {
  if (buffer == nullptr || buffer->release == nullptr) return;
  auto* copy = static_cast<SecretCopy*>(buffer->private_data);
  ++copy->host->secret_releases_;
  delete copy;
  *buffer = flyteplug_buffer{};
}

int64_t FakeHost::Now(void* host_data) {
  auto* self = static_cast<FakeHost*>(host_data);
  self->Touch();
  return self->now_;
}

int64_t FakeHost::CallDeadline(void* host_data) {
  auto* self = static_cast<FakeHost*>(host_data);
  self->Touch();
  return self->deadline_;
}

int32_t FakeHost::CallCancelled(void* host_data) {
  auto* self = static_cast<FakeHost*>(host_data);
  self->Touch();
  self->cancel_polls_.fetch_add(1);
  return self->cancelled_ ? 1 : 0;
}

}  // namespace flyteplug::sdk::testing
