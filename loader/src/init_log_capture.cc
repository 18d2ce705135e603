#include "init_log_capture.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::loader {

InitLogCapture::InitLogCapture(const flyteplug_host_api* inner,
                               WarningLocator locator, bool strict)
    : inner_(inner), locator_(std::move(locator)), strict_(strict) {
  api_.struct_size = sizeof(api_);
  api_.host_data = this;
  // Modules may test a slot for NULL: keep the inner table's absent slots.
  api_.log_enabled = &InitLogCapture::LogEnabled;
  api_.log = inner_->log != nullptr ? &InitLogCapture::Log : nullptr;
  api_.get_secret =
      inner_->get_secret != nullptr ? &InitLogCapture::GetSecret : nullptr;
  api_.now_unix_nanos =
      inner_->now_unix_nanos != nullptr ? &InitLogCapture::Now : nullptr;
  // ABI 1.1: the current call's deadline and cancellation, which modules
  // read on every call long after init.
  api_.call_deadline_unix_nanos = inner_->call_deadline_unix_nanos != nullptr
                                      ? &InitLogCapture::CallDeadline
                                      : nullptr;
  api_.call_cancelled = inner_->call_cancelled != nullptr
                            ? &InitLogCapture::CallCancelled
                            : nullptr;
}

void InitLogCapture::Begin(absl::string_view module_id) {
  std::lock_guard<std::mutex> lock(mu_);
  prefix_ = absl::StrCat(module_id, ": configuration: ");
  recorded_.clear();
}

std::vector<std::string> InitLogCapture::End() {
  std::lock_guard<std::mutex> lock(mu_);
  prefix_.clear();
  return std::move(recorded_);
}

bool InitLogCapture::InnerEnabled(flyteplug_log_level level) const {
  return inner_->log_enabled == nullptr ||
         inner_->log_enabled(inner_->host_data, level) != 0;
}

int32_t InitLogCapture::LogEnabled(void* data, flyteplug_log_level level) {
  auto* self = static_cast<InitLogCapture*>(data);
  if (level == FLYTEPLUG_LOG_WARNING) {
    // While watching, warnings must reach Log even if the host drops them.
    std::lock_guard<std::mutex> lock(self->mu_);
    if (!self->prefix_.empty()) return 1;
  }
  return self->InnerEnabled(level) ? 1 : 0;
}

void InitLogCapture::Log(void* data, flyteplug_log_level level,
                         const char* message, size_t size) {
  auto* self = static_cast<InitLogCapture*>(data);
  absl::string_view text(message, message == nullptr ? 0 : size);
  std::string located;
  if (level == FLYTEPLUG_LOG_WARNING) {
    std::lock_guard<std::mutex> lock(self->mu_);
    if (!self->prefix_.empty() && absl::StartsWith(text, self->prefix_)) {
      located = self->locator_.LocateModuleWarning(text);
      self->recorded_.push_back(located);
      if (self->strict_) return;
      text = located;
    }
  }
  if (!self->InnerEnabled(level)) return;
  self->inner_->log(self->inner_->host_data, level, text.data(), text.size());
}

flyteplug_status_code InitLogCapture::GetSecret(void* data, const char* key,
                                                size_t key_size,
                                                flyteplug_buffer* value,
                                                flyteplug_error* error) {
  auto* self = static_cast<InitLogCapture*>(data);
  return self->inner_->get_secret(self->inner_->host_data, key, key_size, value,
                                  error);
}

int64_t InitLogCapture::Now(void* data) {
  auto* self = static_cast<InitLogCapture*>(data);
  return self->inner_->now_unix_nanos(self->inner_->host_data);
}

int64_t InitLogCapture::CallDeadline(void* data) {
  auto* self = static_cast<InitLogCapture*>(data);
  return self->inner_->call_deadline_unix_nanos(self->inner_->host_data);
}

int32_t InitLogCapture::CallCancelled(void* data) {
  auto* self = static_cast<InitLogCapture*>(data);
  return self->inner_->call_cancelled(self->inner_->host_data);
}

}  // namespace flyteplug::loader
