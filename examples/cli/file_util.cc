#include "file_util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace flyteplug::cli {
namespace {
constexpr size_t kMaxFileBytes = size_t{64} << 20;
}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  int fd =
      path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string message =
        absl::StrCat(path, ": cannot open: ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    return absl::PermissionDeniedError(message);
  }
  struct stat st;
  if (path != "-" && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is a directory, expected a file"));
  }
  std::string content;
  char chunk[65536];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      if (fd != STDIN_FILENO) ::close(fd);
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot read: ", std::strerror(err)));
    }
    if (n == 0) break;
    content.append(chunk, static_cast<size_t>(n));
    if (content.size() > kMaxFileBytes) {
      if (fd != STDIN_FILENO) ::close(fd);
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": larger than 64 MiB"));
    }
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return content;
}

}  // namespace flyteplug::cli
