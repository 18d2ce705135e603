// Running a program with arguments and extra environment, capturing its
// output, for the CLI tests.
#ifndef FLYTEPLUG_TESTS_CLI_SUBPROCESS_H_
#define FLYTEPLUG_TESTS_CLI_SUBPROCESS_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace flyteplug::testing {

struct ProcessResult {
  int exit_code = -1;   // -1 if killed by a signal
  int term_signal = 0;  // the signal that killed it, if any
  std::string out;
  std::string err;
};

struct ProcessOptions {
  // NAME=VALUE entries added to (or, with an empty value after '=',
  // overriding) the current environment; "NAME" alone unsets NAME.
  std::vector<std::string> env;
  // Called with the child's pid and the stderr read so far, each time more
  // stderr arrives; lets a test send a signal at the right moment.
  std::function<void(pid_t, const std::string&)> on_stderr;
  // The child is killed (SIGKILL) after this many seconds.
  int deadline_seconds = 60;
};

ProcessResult RunProcess(const std::string& program,
                         const std::vector<std::string>& args,
                         const ProcessOptions& options = {});

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_CLI_SUBPROCESS_H_
