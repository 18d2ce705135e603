#include "serve_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "cli_args.h"
#include "cli_util.h"

namespace flyteplug::cli {
namespace {

// The directory of the running executable, from /proc/self/exe.
absl::StatusOr<std::string> OwnDirectory() {
  std::string path(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", path.data(), path.size());
  if (n <= 0 || static_cast<size_t>(n) >= path.size()) {
    return absl::InternalError(
        absl::StrCat("cannot read /proc/self/exe: ",
                     n < 0 ? std::strerror(errno) : "name too long"));
  }
  path.resize(static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

}  // namespace

int ExecServe(int argc, char** argv, size_t command_index) {
  absl::StatusOr<std::string> dir = OwnDirectory();
  if (!dir.ok()) {
    return Fail(kExitLoad, absl::StrCat("serve: ", dir.status().message()));
  }
  std::string serve_path = absl::StrCat(*dir, "/", kServeExecutableName);
  std::vector<char*> serve_argv = {serve_path.data()};
  for (int i = 1; i < argc; ++i) {
    if (static_cast<size_t>(i) != command_index) serve_argv.push_back(argv[i]);
  }
  serve_argv.push_back(nullptr);
  std::fflush(nullptr);
  execv(serve_path.c_str(), serve_argv.data());
  const int exec_errno = errno;
  return Fail(kExitLoad, absl::StrCat("serve: cannot run ", serve_path, ": ",
                                      std::strerror(exec_errno), " (",
                                      kServeExecutableName,
                                      " must be installed next to flyteplug)"));
}

}  // namespace flyteplug::cli
