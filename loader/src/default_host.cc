#include "default_host.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "call_scope.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/exception_guard.h"
#include "flyteplug/sdk/boundary/log_level.h"

namespace flyteplug::loader {
namespace {

constexpr size_t kMaxSecretBytes = 1 << 20;

// Unknown levels are shown as ERROR.
const char* LevelName(flyteplug_log_level level) {
  const char* name = sdk::boundary::KnownLogLevelName(level);
  return name == nullptr ? "ERROR" : name;
}

int32_t LogEnabled(void* host_data, flyteplug_log_level level) {
  const auto* host = static_cast<const DefaultHost*>(host_data);
  return level >= host->threshold() ? 1 : 0;
}

void Log(void* host_data, flyteplug_log_level level, const char* message,
         size_t message_size) {
  if (!LogEnabled(host_data, level)) return;
  // One write(2) per line keeps lines from concurrent threads whole.
  std::string line =
      absl::StrCat("flyteplug ", LevelName(level), ": ",
                   absl::string_view(message == nullptr ? "" : message,
                                     message == nullptr ? 0 : message_size),
                   "\n");
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

flyteplug_status_code GetSecret(void* /*host_data*/, const char* key,
                                size_t key_size, flyteplug_buffer* value,
                                flyteplug_error* error) {
  return sdk::boundary::GuardIntoSink(
      "get_secret", error, [&]() -> flyteplug_status_code {
        if (value == nullptr || (key == nullptr && key_size != 0)) {
          return sdk::boundary::ReportError(
              error, FLYTEPLUG_INVALID_ARGUMENT,
              "get_secret: key or value pointer is NULL");
        }
        auto secret = DefaultHost::LookupSecret(
            absl::string_view(key == nullptr ? "" : key, key_size));
        if (!secret.ok()) {
          return sdk::boundary::ReportStatus(error, secret.status());
        }
        sdk::boundary::EmitOwnedString(*std::move(secret), value,
                                       sdk::boundary::OnRelease::kScrubAndFree);
        return FLYTEPLUG_OK;
      });
}

int64_t NowUnixNanos(void* /*host_data*/) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

absl::Status ValidateKey(absl::string_view key) {
  if (key.empty()) {
    return absl::InvalidArgumentError("secret key is empty");
  }
  if (key.find('/') != absl::string_view::npos ||
      key.find('\0') != absl::string_view::npos ||
      absl::StrContains(key, "..")) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret key '", absl::CHexEscape(key),
                     "' is not usable: it must not contain '/', '..' or NUL"));
  }
  return absl::OkStatus();
}

}  // namespace

DefaultHost::DefaultHost()
    : threshold_(ParseLevel(std::getenv("FLYTEPLUG_LOG_LEVEL") == nullptr
                                ? ""
                                : std::getenv("FLYTEPLUG_LOG_LEVEL"))) {
  api_ = flyteplug_host_api{};
  api_.struct_size = sizeof(flyteplug_host_api);
  api_.host_data = this;
  api_.log_enabled = &LogEnabled;
  api_.log = &Log;
  api_.get_secret = &GetSecret;
  api_.now_unix_nanos = &NowUnixNanos;
  FillCallControl(&api_);  // ABI 1.1: answered from the current CallScope
}

flyteplug_log_level DefaultHost::ParseLevel(absl::string_view value) {
  std::string lower = absl::AsciiStrToLower(value);
  if (lower == "debug") return FLYTEPLUG_LOG_DEBUG;
  if (lower == "info") return FLYTEPLUG_LOG_INFO;
  if (lower == "error") return FLYTEPLUG_LOG_ERROR;
  return FLYTEPLUG_LOG_WARNING;
}

absl::StatusOr<std::string> DefaultHost::LookupSecret(absl::string_view key) {
  if (absl::Status s = ValidateKey(key); !s.ok()) return s;
  std::string env_name = absl::StrCat("FLYTE_SECRET_", key);
  if (const char* env = std::getenv(env_name.c_str()); env != nullptr) {
    return std::string(env);
  }
  const char* dir_env = std::getenv("FLYTE_SECRETS_DIR");
  std::string dir =
      (dir_env != nullptr && *dir_env != '\0') ? dir_env : "/etc/secrets";
  std::string path = absl::StrCat(dir, "/", key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return absl::NotFoundError(absl::StrCat("secret '", key,
                                              "' not found: neither $",
                                              env_name, " nor file ", path));
    }
    return absl::PermissionDeniedError(absl::StrCat(
        "secret '", key, "': cannot open ", path, ": ", std::strerror(err)));
  }
  std::string content;
  char chunk[4096];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return absl::InternalError(absl::StrCat(
          "secret '", key, "': cannot read ", path, ": ", std::strerror(err)));
    }
    if (n == 0) break;
    content.append(chunk, static_cast<size_t>(n));
    if (content.size() > kMaxSecretBytes) {
      ::close(fd);
      return absl::InvalidArgumentError(absl::StrCat(
          "secret '", key, "': file ", path, " is larger than 1 MiB"));
    }
  }
  ::close(fd);
  if (absl::EndsWith(content, "\r\n")) {
    content.resize(content.size() - 2);
  } else if (absl::EndsWith(content, "\n")) {
    content.resize(content.size() - 1);
  }
  return content;
}

}  // namespace flyteplug::loader
