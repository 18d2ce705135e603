#include "call_scope.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace flyteplug::loader {
namespace {

thread_local const flyteplug_call_options* current_call = nullptr;

int64_t CallDeadline(void* /*host_data*/) {
  return current_call == nullptr ? 0 : current_call->deadline_unix_nanos;
}

int32_t CallCancelled(void* /*host_data*/) {
  const flyteplug_call_options* call = current_call;
  if (call == nullptr || call->cancelled == nullptr) return 0;
  return call->cancelled(call->cancelled_data) != 0 ? 1 : 0;
}

int64_t NowUnixNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CallScope::CallScope(const flyteplug_call_options* options)
    : previous_(current_call) {
  current_call = options;
}

CallScope::~CallScope() { current_call = previous_; }

absl::Status CurrentCallStillWanted(const char* what) {
  if (CallCancelled(nullptr) != 0) {
    return absl::CancelledError(
        absl::StrCat(what, ": the caller cancelled the call"));
  }
  int64_t deadline = CallDeadline(nullptr);
  if (deadline != 0 && NowUnixNanos() >= deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, ": the caller's deadline has passed"));
  }
  return absl::OkStatus();
}

void FillCallControl(flyteplug_host_api* api) {
  if (api->call_deadline_unix_nanos == nullptr) {
    api->call_deadline_unix_nanos = &CallDeadline;
  }
  if (api->call_cancelled == nullptr) api->call_cancelled = &CallCancelled;
}

}  // namespace flyteplug::loader
