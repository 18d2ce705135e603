// The flyteplug ABI conformance suite.
//
// Tests any plugin module through the raw C ABI of flyteplug/plugin.h, the
// way clap-validator tests CLAP plugins: the suite opens the module itself
// (dlopen, no loader involved) and runs each check in its own child process
// with a timeout, so a module that crashes, hangs, calls exit() or writes to
// stdout/stderr fails one check instead of taking the suite down. The checks
// and what each requires are listed in README.md beside this file.
//
// THREADING: RunSuite forks; call it from a thread that may fork (no other
// thread of the caller holds locks a child would need). It is not
// re-entrant with respect to `out`.
#ifndef FLYTEPLUG_CONFORMANCE_CONFORMANCE_H_
#define FLYTEPLUG_CONFORMANCE_CONFORMANCE_H_

#include <ostream>
#include <string>
#include <vector>

namespace flyteplug::conformance {

struct Options {
  // A check still running after this many seconds is killed and fails with
  // "timed out after Ns".
  int timeout_seconds_per_check = 20;
  // Runs every check in the calling process (for debugging under a
  // debugger). A crashing module then crashes the caller, and output to
  // stdout/stderr is not policed.
  bool in_process = false;
  // When non-empty, runs only the check of this name.
  std::string only_check;
};

struct CheckResult {
  std::string module_path;
  std::string check;
  bool passed;
  std::string detail;  // why it failed, or a note; single line
};

// Runs every check on every module, writing one
// "PASS|FAIL <check> <module>[: detail]" line per check and a summary line to
// `out`.
std::vector<CheckResult> RunSuite(const std::vector<std::string>& module_paths,
                                  const Options& options, std::ostream& out);

// The names of all checks, in run order.
std::vector<std::string> CheckNames();

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_CONFORMANCE_H_
