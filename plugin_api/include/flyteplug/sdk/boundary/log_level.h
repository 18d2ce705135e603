// Names of the log levels of plugin.h. Part of the boundary kit (see
// status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_LOG_LEVEL_H_
#define FLYTEPLUG_SDK_BOUNDARY_LOG_LEVEL_H_

#include "flyteplug/plugin.h"

namespace flyteplug::sdk::boundary {

// "DEBUG", "INFO", "WARNING" or "ERROR"; NULL for a level plugin.h does not
// define.
inline const char* KnownLogLevelName(flyteplug_log_level level) {
  switch (level) {
    case FLYTEPLUG_LOG_DEBUG:
      return "DEBUG";
    case FLYTEPLUG_LOG_INFO:
      return "INFO";
    case FLYTEPLUG_LOG_WARNING:
      return "WARNING";
    case FLYTEPLUG_LOG_ERROR:
      return "ERROR";
    default:
      return nullptr;
  }
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_LOG_LEVEL_H_
