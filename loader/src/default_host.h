// The host API used when the host passes none (loader.h,
// flyteplug_loader_options.host == NULL).
//
//  - Secrets: environment variable FLYTE_SECRET_<KEY>, else the file
//    <dir>/<KEY> with <dir> = $FLYTE_SECRETS_DIR or /etc/secrets. Keys holding
//    '/', "..", NUL or nothing are rejected. One trailing newline ("\n" or
//    "\r\n") is trimmed from a file's content. Values never appear in logs or
//    error messages.
//  - Logging: one line per message on stderr, "flyteplug <LEVEL>: <message>",
//    at or above the threshold taken from FLYTEPLUG_LOG_LEVEL
//    (debug|info|warning|error; default warning).
//  - Clock: the system wall clock.
#ifndef FLYTEPLUG_LOADER_SRC_DEFAULT_HOST_H_
#define FLYTEPLUG_LOADER_SRC_DEFAULT_HOST_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"

namespace flyteplug::loader {

// Owns the state behind a default flyteplug_host_api table.
// THREADING: every method is thread-safe; the object is immutable after
// construction.
class DefaultHost {
 public:
  // Reads FLYTEPLUG_LOG_LEVEL once (an unknown value selects warning).
  DefaultHost();
  DefaultHost(const DefaultHost&) = delete;
  DefaultHost& operator=(const DefaultHost&) = delete;

  // The C table; its host_data points at this object. LIFETIME: this object.
  const flyteplug_host_api* api() const { return &api_; }

  flyteplug_log_level threshold() const { return threshold_; }

  // Looks the secret up as documented above; NotFound names both places
  // searched, InvalidArgument an unusable key.
  static absl::StatusOr<std::string> LookupSecret(absl::string_view key);

  // Parses a FLYTEPLUG_LOG_LEVEL value; unknown or empty -> WARNING.
  static flyteplug_log_level ParseLevel(absl::string_view value);

 private:
  flyteplug_log_level threshold_;
  flyteplug_host_api api_;
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_DEFAULT_HOST_H_
