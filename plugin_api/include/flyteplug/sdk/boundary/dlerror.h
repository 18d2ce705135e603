// Reading dlerror() without leaking, for hosts that dlopen modules. Part of
// the boundary kit (see status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_DLERROR_H_
#define FLYTEPLUG_SDK_BOUNDARY_DLERROR_H_

#include <dlfcn.h>

#include <string>

namespace flyteplug::sdk::boundary {

// Copies the thread's dlerror() message ("no dlerror() message" when there
// is none) and releases glibc's buffer for it (a second dlerror() call frees
// it), so nothing stays allocated per thread.
inline std::string TakeDlerror() {
  const char* err = ::dlerror();
  std::string message = err == nullptr ? "no dlerror() message" : err;
  ::dlerror();
  return message;
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_DLERROR_H_
