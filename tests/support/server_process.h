// A test server run as a child process (a Python fake): started with its
// argument vector, it announces itself with one line on stdout (its port),
// and is stopped (SIGTERM, then SIGKILL) and reaped by the destructor. Its
// stdin is a pipe that closes with this process, so a fake that exits on
// EOF never outlives a crashed test.
#ifndef FLYTEPLUG_TESTS_SUPPORT_SERVER_PROCESS_H_
#define FLYTEPLUG_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace flyteplug::testing {

class ServerProcess {
 public:
  // Spawns argv[0] (found on PATH) with `argv` and waits at most
  // `wait_seconds` for the first line of its stdout. On failure, adds a
  // gtest failure and ok() is false.
  explicit ServerProcess(const std::vector<std::string>& argv,
                         int wait_seconds = 10);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return port_ > 0; }
  // The port the first line announced (0 when none).
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
};

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_SUPPORT_SERVER_PROCESS_H_
