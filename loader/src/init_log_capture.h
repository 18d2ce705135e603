// The host table the loader hands to modules when it watches their
// configuration warnings (a YAML document to locate them in, or strict
// configuration): every call forwards to the real host, except that during a
// module's init the module's configuration warnings (the SDK's form,
// sdk::LogConfigWarnings) are annotated with the file and line and recorded.
#ifndef FLYTEPLUG_LOADER_SRC_INIT_LOG_CAPTURE_H_
#define FLYTEPLUG_LOADER_SRC_INIT_LOG_CAPTURE_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config_lines.h"
#include "flyteplug/plugin.h"

namespace flyteplug::loader {

// THREADING: the table may be called from any thread at any time; Begin and
// End run on the opening thread, alone.
class InitLogCapture {
 public:
  // `inner` (normalised by the loader, not null) must outlive this object.
  // With `strict`, recorded warnings are not forwarded (the loader reports
  // them in its error instead).
  InitLogCapture(const flyteplug_host_api* inner, WarningLocator locator,
                 bool strict);
  InitLogCapture(const InitLogCapture&) = delete;
  InitLogCapture& operator=(const InitLogCapture&) = delete;

  // The table for modules; its host_data is this object. LIFETIME: this.
  const flyteplug_host_api* api() const { return &api_; }

  // Starts watching for warnings "<module_id>: configuration: ...".
  void Begin(absl::string_view module_id);
  // Stops watching; returns the warnings recorded since Begin (annotated).
  std::vector<std::string> End();

  // The locator, for the loader's own warnings.
  const WarningLocator& locator() const { return locator_; }

 private:
  static int32_t LogEnabled(void* data, flyteplug_log_level level);
  static void Log(void* data, flyteplug_log_level level, const char* message,
                  size_t size);
  static flyteplug_status_code GetSecret(void* data, const char* key,
                                         size_t key_size,
                                         flyteplug_buffer* value,
                                         flyteplug_error* error);
  static int64_t Now(void* data);
  static int64_t CallDeadline(void* data);
  static int32_t CallCancelled(void* data);

  // True when the inner host records messages at `level`.
  bool InnerEnabled(flyteplug_log_level level) const;

  const flyteplug_host_api* inner_;
  WarningLocator locator_;
  const bool strict_;
  flyteplug_host_api api_{};

  std::mutex mu_;
  std::string prefix_;  // "<module id>: configuration: " while watching
  std::vector<std::string> recorded_;
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_INIT_LOG_CAPTURE_H_
