// The caller's deadline and cancellation for the module call running on the
// current thread (loader.h flyteplug_call_options; plugin.h ABI 1.1
// call_deadline_unix_nanos / call_cancelled).
#ifndef FLYTEPLUG_LOADER_SRC_CALL_SCOPE_H_
#define FLYTEPLUG_LOADER_SRC_CALL_SCOPE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "flyteplug/loader.h"

namespace flyteplug::loader {

// Makes `options` (may be NULL: no deadline, never cancelled) the current
// call's for this thread until destroyed; scopes nest.
// LIFETIME: `options` outlives the scope. THREADING: one thread.
class CallScope {
 public:
  explicit CallScope(const flyteplug_call_options* options);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  const flyteplug_call_options* previous_;
};

// OK while the current call is still wanted; DEADLINE_EXCEEDED once its
// deadline (compared with the system clock) has passed, CANCELLED once its
// caller has gone. `what` names the call in the message.
absl::Status CurrentCallStillWanted(const char* what);

// Fills the call-control slots of `api` that are NULL with the loader's,
// which answer from the current thread's CallScope.
void FillCallControl(flyteplug_host_api* api);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_CALL_SCOPE_H_
