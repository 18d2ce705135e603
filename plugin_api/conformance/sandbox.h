// Runs one check body in a child process (fork) with a timeout, so that a
// module that crashes, hangs, calls exit(), writes to stdout/stderr or
// installs signal handlers fails that check instead of the suite.
#ifndef FLYTEPLUG_CONFORMANCE_SANDBOX_H_
#define FLYTEPLUG_CONFORMANCE_SANDBOX_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::conformance {

// A check body: on success a (possibly empty) note, on failure a status whose
// message says what the module did wrong.
using CheckBody = std::function<absl::StatusOr<std::string>()>;

struct SandboxOutcome {
  bool passed = false;
  std::string detail;
};

// Runs `body`.
//
// Isolated (in_process == false): in a forked child whose fds 1 and 2 go to
// an anonymous file; the child reports through a pipe and leaves with _exit.
// The check fails if the child dies from a signal ("crashed with SIGSEGV"),
// exits without reporting ("called exit()"), runs longer than
// `timeout_seconds` (killed; "timed out after Ns"), writes anything to
// stdout/stderr, or changes the disposition of a common signal. A C++
// exception escaping the module is caught in the child and fails the check.
//
// In process: runs `body` directly; only the signal-disposition rule and the
// exception barrier apply.
//
// THREADING: forks; the caller should be single-threaded or fork-safe.
SandboxOutcome RunSandboxed(const CheckBody& body, int timeout_seconds,
                            bool in_process);

// Records what the check is doing now (e.g. the call it is about to make), so
// that a crash, hang or exit can be reported "while running <label>". Cheap;
// a no-op outside a sandboxed child. THREADING: thread-safe.
void SetSandboxProgress(absl::string_view label);

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_SANDBOX_H_
