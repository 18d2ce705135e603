// Both ends of a flyteplug_error sink (plugin.h): the callee's report and
// the caller's capture. Part of the boundary kit (see status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_ERROR_SINK_H_
#define FLYTEPLUG_SDK_BOUNDARY_ERROR_SINK_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/status.h"

namespace flyteplug::sdk::boundary {

// Callee side: reports `code` and `message` through `error` (which may be
// NULL or have no `set`) and returns `code`. REQUIRES: code != FLYTEPLUG_OK.
inline flyteplug_status_code ReportError(flyteplug_error* error,
                                         flyteplug_status_code code,
                                         absl::string_view message) {
  if (error != nullptr && error->set != nullptr) {
    error->set(error, code, message.data(), message.size());
  }
  return code;
}

// Callee side: reports a failed `status` with its ABI code (AbiCodeOf). The
// ABI promises a message on failure: an empty one is replaced by one naming
// the code. REQUIRES: !status.ok().
inline flyteplug_status_code ReportStatus(flyteplug_error* error,
                                          const absl::Status& status) {
  if (status.message().empty()) {
    return ReportError(
        error, AbiCodeOf(status),
        absl::StrCat("failed with ", absl::StatusCodeToString(status.code()),
                     " and no message"));
  }
  return ReportError(error, AbiCodeOf(status), status.message());
}

// Caller side: pass sink() to one call; afterwards it holds what the callee
// reported (the last `set`, and how many there were).
// Not copyable or movable: the sink points at this object.
// LIFETIME: the call it is passed to. THREADING: one call at a time.
class ErrorCapture {
 public:
  ErrorCapture() {
    error_.struct_size = sizeof(flyteplug_error);
    error_.caller_data = this;
    error_.set = &ErrorCapture::Set;
  }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

  flyteplug_error* sink() { return &error_; }

  bool reported() const { return calls_ > 0; }
  int calls() const { return calls_; }
  flyteplug_status_code code() const { return code_; }
  const std::string& message() const { return message_; }
  // `set` received a NULL message with a non-zero size.
  bool null_message() const { return null_message_; }

  // The status of a call that returned `returned`: OK for FLYTEPLUG_OK, else
  // AbiStatus(returned, the reported message, or `fallback` without one).
  absl::Status StatusFor(flyteplug_status_code returned,
                         absl::string_view fallback) const {
    return AbiStatus(returned, message_.empty() ? fallback : message_);
  }

 private:
  static void Set(flyteplug_error* self, flyteplug_status_code code,
                  const char* message, size_t message_size) {
    auto* capture = static_cast<ErrorCapture*>(self->caller_data);
    ++capture->calls_;
    capture->code_ = code;
    capture->null_message_ = message == nullptr && message_size != 0;
    capture->message_.assign(message == nullptr ? "" : message,
                             message == nullptr ? 0 : message_size);
  }

  flyteplug_error error_;
  int calls_ = 0;
  flyteplug_status_code code_ = FLYTEPLUG_OK;
  std::string message_;
  bool null_message_ = false;
};

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_ERROR_SINK_H_
