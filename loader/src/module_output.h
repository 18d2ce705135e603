// A module's output on its way from a routed call to the host, handed on
// without copying the bytes where that is safe.
#ifndef FLYTEPLUG_LOADER_SRC_MODULE_OUTPUT_H_
#define FLYTEPLUG_LOADER_SRC_MODULE_OUTPUT_H_

#include "flyteplug/plugin.h"

namespace flyteplug::loader {

// Holds one owned flyteplug_buffer; releases it on destruction unless it was
// handed on. Move-only. THREADING: one thread at a time.
class ModuleOutput {
 public:
  // REQUIRES: `produced` came from a module call that returned
  // FLYTEPLUG_OK, with a release callback and data unless its size is 0.
  // OWNERSHIP: takes `*produced` and zeroes it. With `module_stays_loaded`
  // (the module is never dlclosed, plugin.h FLYTEPLUG_MODULE_UNLOADABLE) and
  // non-NULL data, the module's own buffer is kept: its release outlives the
  // loader. Otherwise the bytes are copied into a loader-owned buffer and
  // the module's is released at once.
  ModuleOutput(flyteplug_buffer* produced, bool module_stays_loaded);
  ModuleOutput() = default;  // owns nothing: an empty output
  ~ModuleOutput();
  ModuleOutput(ModuleOutput&& other) noexcept;
  ModuleOutput& operator=(ModuleOutput&& other) noexcept;
  ModuleOutput(const ModuleOutput&) = delete;
  ModuleOutput& operator=(const ModuleOutput&) = delete;

  // Moves the buffer into `*out` and leaves this empty (an empty output
  // gives a loader-owned empty buffer). REQUIRES: `*out` owns nothing.
  // OWNERSHIP: `*out` is the receiver's, released with its `release`.
  void HandTo(flyteplug_buffer* out);

 private:
  flyteplug_buffer buffer_{};
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_MODULE_OUTPUT_H_
