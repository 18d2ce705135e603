#include "protobuf_log.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "default_host.h"
#include "google/protobuf/stubs/logging.h"

namespace flyteplug::loader {
namespace {

thread_local const flyteplug_host_api* t_host = nullptr;
thread_local int t_explained = 0;

flyteplug_log_level LevelOf(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      return FLYTEPLUG_LOG_INFO;
    case google::protobuf::LOGLEVEL_WARNING:
      return FLYTEPLUG_LOG_WARNING;
    default:
      return FLYTEPLUG_LOG_ERROR;
  }
}

const flyteplug_host_api& FallbackHost() {
  static const DefaultHost* host = new DefaultHost();  // never destroyed
  return *host->api();
}

void RouteProtobufLog(google::protobuf::LogLevel level, const char* /*file*/,
                      int /*line*/, const std::string& message) {
  const flyteplug_host_api& host = t_host != nullptr ? *t_host : FallbackHost();
  const flyteplug_log_level flyteplug_level =
      t_explained > 0 ? FLYTEPLUG_LOG_DEBUG : LevelOf(level);
  if (host.log == nullptr) return;
  if (host.log_enabled != nullptr &&
      host.log_enabled(host.host_data, flyteplug_level) == 0) {
    return;
  }
  const std::string line = absl::StrCat("protobuf: ", message);
  host.log(host.host_data, flyteplug_level, line.data(), line.size());
}

// libprotobuf keeps a pointer to RouteProtobufLog for the rest of the
// process: keep the library holding it loaded even if a host dlcloses the
// loader (the handle is deliberately never closed).
void PinThisLibrary() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&RouteProtobufLog), &info) != 0 &&
      info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  }
}

}  // namespace

void InstallProtobufLogRouting() {
  static std::once_flag once;
  std::call_once(once, [] {
    PinThisLibrary();
    google::protobuf::SetLogHandler(&RouteProtobufLog);
  });
}

ProtobufLogHost::ProtobufLogHost(const flyteplug_host_api* host)
    : previous_(t_host) {
  t_host = host;
}

ProtobufLogHost::~ProtobufLogHost() { t_host = previous_; }

ProtobufLogExplained::ProtobufLogExplained() { ++t_explained; }

ProtobufLogExplained::~ProtobufLogExplained() { --t_explained; }

}  // namespace flyteplug::loader
