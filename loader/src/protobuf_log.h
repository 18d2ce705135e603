// Routes libprotobuf's own log lines (e.g. "String field '...' contains
// invalid UTF-8 data ...") through the flyteplug host log instead of raw
// "[libprotobuf ERROR ...]" lines on stderr. libprotobuf is one shared
// library per process, so the one handler also covers the modules' lite
// code.
//
// A line goes to the host of the loader call running on the same thread
// (ProtobufLogHost), else to a default host (stderr, FLYTEPLUG_LOG_LEVEL);
// inside a ProtobufLogExplained scope it is lowered to DEBUG, because the
// caller's own error says what was wrong. Levels map INFO -> INFO, WARNING ->
// WARNING, ERROR and FATAL -> ERROR; lines read "protobuf: <message>".
#ifndef FLYTEPLUG_LOADER_SRC_PROTOBUF_LOG_H_
#define FLYTEPLUG_LOADER_SRC_PROTOBUF_LOG_H_

#include "flyteplug/plugin.h"

namespace flyteplug::loader {

// Installs the handler with google::protobuf::SetLogHandler, once per
// process, and pins the library holding it (RTLD_NODELETE) so a dlclosed
// loader never leaves libprotobuf calling unmapped code. THREADING:
// thread-safe; every loader entry point calls it.
void InstallProtobufLogRouting();

// While alive, library lines logged on this thread go to `host` (not owned;
// must outlive the scope). Scopes nest.
class ProtobufLogHost {
 public:
  explicit ProtobufLogHost(const flyteplug_host_api* host);
  ~ProtobufLogHost();
  ProtobufLogHost(const ProtobufLogHost&) = delete;
  ProtobufLogHost& operator=(const ProtobufLogHost&) = delete;

 private:
  const flyteplug_host_api* previous_;
};

// While alive, library lines logged on this thread are logged at DEBUG: the
// caller reports the failure itself (naming the field). Scopes nest.
class ProtobufLogExplained {
 public:
  ProtobufLogExplained();
  ~ProtobufLogExplained();
  ProtobufLogExplained(const ProtobufLogExplained&) = delete;
  ProtobufLogExplained& operator=(const ProtobufLogExplained&) = delete;
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_PROTOBUF_LOG_H_
