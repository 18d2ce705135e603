// Collects the status a module reports through a flyteplug_error sink.
#ifndef FLYTEPLUG_LOADER_SRC_ERROR_CAPTURE_H_
#define FLYTEPLUG_LOADER_SRC_ERROR_CAPTURE_H_

#include <cstddef>
#include <string>

#include "flyteplug/plugin.h"

namespace flyteplug::loader {

// Pass `&capture.error` to a module call; after it returns, `set` says
// whether the module reported anything, with its code and a copy of its
// message. Not copyable or movable: `error.caller_data` points at this
// object. LIFETIME: the call it is passed to. THREADING: one call at a time.
struct ErrorCapture {
  flyteplug_error error;
  flyteplug_status_code code = FLYTEPLUG_OK;
  std::string message;
  bool set = false;

  ErrorCapture() {
    error.struct_size = sizeof(flyteplug_error);
    error.caller_data = this;
    error.set = &Set;
  }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

  static void Set(flyteplug_error* self, flyteplug_status_code code,
                  const char* message, size_t size) {
    auto* capture = static_cast<ErrorCapture*>(self->caller_data);
    capture->set = true;
    capture->code = code;
    capture->message.assign(message == nullptr ? "" : message,
                            message == nullptr ? 0 : size);
  }
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_ERROR_CAPTURE_H_
