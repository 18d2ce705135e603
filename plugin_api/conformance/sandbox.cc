#include "sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace flyteplug::conformance {
namespace {

// A page shared between the parent and the sandboxed child: the child's last
// progress label, NUL-terminated. Null outside a child.
constexpr size_t kProgressSize = 4096;
char* g_progress = nullptr;
std::mutex g_progress_mu;

constexpr int kWatchedSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGILL,  SIGTRAP,
                                   SIGABRT, SIGBUS,  SIGFPE,  SIGUSR1, SIGSEGV,
                                   SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD,
                                   SIGCONT, SIGTSTP, SIGXCPU, SIGXFSZ, SIGSYS};

struct Disposition {
  int signal;
  void* handler;
  bool siginfo;
};

std::vector<Disposition> SnapshotSignals() {
  std::vector<Disposition> out;
  for (int sig : kWatchedSignals) {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    if (sigaction(sig, nullptr, &action) != 0) continue;
    void* handler = (action.sa_flags & SA_SIGINFO)
                        ? reinterpret_cast<void*>(action.sa_sigaction)
                        : reinterpret_cast<void*>(action.sa_handler);
    out.push_back({sig, handler, (action.sa_flags & SA_SIGINFO) != 0});
  }
  return out;
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev == nullptr ? absl::StrCat("signal ", sig)
                           : absl::StrCat("SIG", abbrev);
}

// Empty when nothing changed, else which signals' handlers changed.
std::string CompareSignals(const std::vector<Disposition>& before,
                           const std::vector<Disposition>& after) {
  std::string changed;
  for (const Disposition& b : before) {
    for (const Disposition& a : after) {
      if (a.signal != b.signal) continue;
      if (a.handler != b.handler || a.siginfo != b.siginfo) {
        absl::StrAppend(&changed, changed.empty() ? "" : ", ",
                        SignalName(a.signal));
      }
    }
  }
  return changed;
}

// Runs the body with the exception barrier and the signal rule.
SandboxOutcome RunBody(const CheckBody& body) {
  std::vector<Disposition> before = SnapshotSignals();
  SandboxOutcome outcome;
  try {
    absl::StatusOr<std::string> result = body();
    outcome.passed = result.ok();
    outcome.detail =
        result.ok() ? *result : std::string(result.status().message());
  } catch (const std::exception& e) {
    outcome.passed = false;
    outcome.detail =
        absl::StrCat("a C++ exception crossed the ABI boundary: ", e.what());
  } catch (...) {
    outcome.passed = false;
    outcome.detail = "a non-standard C++ exception crossed the ABI boundary";
  }
  std::string changed = CompareSignals(before, SnapshotSignals());
  if (!changed.empty()) {
    std::string note =
        absl::StrCat("the module installed or changed signal handlers (",
                     changed, "); modules must not touch signal dispositions");
    outcome.detail = outcome.passed || outcome.detail.empty()
                         ? note
                         : absl::StrCat(outcome.detail, "; also ", note);
    outcome.passed = false;
  }
  return outcome;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Child side: never returns.
[[noreturn]] void ChildMain(const CheckBody& body, int result_fd,
                            int capture_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  dup2(capture_fd, 1);
  dup2(capture_fd, 2);
  SandboxOutcome outcome = RunBody(body);
  std::fflush(nullptr);  // flushes what the module buffered in stdio
  std::string message(1, outcome.passed ? 'P' : 'F');
  uint32_t size = static_cast<uint32_t>(outcome.detail.size());
  message.append(reinterpret_cast<const char*>(&size), sizeof(size));
  message.append(outcome.detail);
  _exit(WriteAll(result_fd, message.data(), message.size()) ? 0 : 120);
}

// Reads the first (or, with `from_end`, the last) 4 KiB of captured output.
std::string ReadCapture(int fd, off_t* total, bool from_end) {
  struct stat st;
  *total = fstat(fd, &st) == 0 ? st.st_size : 0;
  constexpr off_t kWindow = 4096;
  off_t size = std::min<off_t>(*total, kWindow);
  off_t offset = from_end ? *total - size : 0;
  std::string text(static_cast<size_t>(size), '\0');
  ssize_t n = pread(fd, text.data(), text.size(), offset);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

// One line of captured output for a message: the last non-empty line (for a
// crash, usually the reason) or the first (for stray output).
std::string Excerpt(const std::string& text, bool last) {
  std::string line;
  size_t start = 0;
  std::vector<std::string> lines;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (!lines.empty()) line = last ? lines.back() : lines.front();
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return absl::StrReplaceAll(line, {{"\r", " "}, {"\t", " "}});
}

// The line of a sanitizer report that says what went wrong, if the captured
// output holds one: a sanitizer turns a crash into a report and exit(1).
std::string SanitizerLine(const std::string& head, const std::string& tail) {
  for (const char* marker :
       {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
        "runtime error:", "SUMMARY: "}) {
    for (const std::string* text : {&head, &tail}) {
      size_t at = text->find(marker);
      if (at == std::string::npos) continue;
      size_t start = text->rfind('\n', at);
      start = start == std::string::npos ? 0 : start + 1;
      size_t end = text->find('\n', at);
      std::string line = text->substr(
          start, end == std::string::npos ? std::string::npos : end - start);
      if (line.size() > 240) line = line.substr(0, 240) + "...";
      return line;
    }
  }
  return "";
}

}  // namespace

void SetSandboxProgress(absl::string_view label) {
  if (g_progress == nullptr) return;
  std::lock_guard<std::mutex> lock(g_progress_mu);
  size_t n = std::min(label.size(), kProgressSize - 1);
  std::memcpy(g_progress, label.data(), n);
  g_progress[n] = '\0';
}

SandboxOutcome RunSandboxed(const CheckBody& body, int timeout_seconds,
                            bool in_process) {
  if (in_process) return RunBody(body);
  if (timeout_seconds <= 0) timeout_seconds = 1;

  int capture_fd = memfd_create("flyteplug-conformance-output", MFD_CLOEXEC);
  if (capture_fd < 0) {
    return {false, absl::StrCat("sandbox: memfd_create failed: ",
                                std::strerror(errno))};
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(capture_fd);
    return {false,
            absl::StrCat("sandbox: pipe failed: ", std::strerror(errno))};
  }
  void* progress = mmap(nullptr, kProgressSize, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (progress == MAP_FAILED) progress = nullptr;
  std::fflush(nullptr);  // the child must not inherit unflushed output
  pid_t pid = fork();
  if (pid < 0) {
    close(capture_fd);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (progress != nullptr) munmap(progress, kProgressSize);
    return {false,
            absl::StrCat("sandbox: fork failed: ", std::strerror(errno))};
  }
  if (pid == 0) {
    close(pipe_fds[0]);
    g_progress = static_cast<char*>(progress);
    ChildMain(body, pipe_fds[1], capture_fd);
  }
  close(pipe_fds[1]);

  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::seconds(timeout_seconds);
  auto remaining_ms = [&]() -> int {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
  };

  std::string report;
  bool timed_out = false;
  for (;;) {
    struct pollfd pfd = {pipe_fds[0], POLLIN, 0};
    int ready = poll(&pfd, 1, remaining_ms());
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char chunk[4096];
    ssize_t n = read(pipe_fds[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is done or died
    report.append(chunk, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);

  int wait_status = 0;
  bool reaped = false;
  while (!timed_out) {
    pid_t r = waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) {
      reaped = true;
      break;
    }
    if (r < 0 && errno != EINTR) break;
    if (remaining_ms() == 0) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!reaped) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
    }
  }

  off_t captured_size = 0;
  // The head shows stray output; the tail the reason for a crash.
  std::string captured = ReadCapture(capture_fd, &captured_size, false);
  std::string captured_tail = ReadCapture(capture_fd, &captured_size, true);
  close(capture_fd);
  std::string running;
  if (progress != nullptr) {
    const char* text = static_cast<const char*>(progress);
    running = std::string(text, strnlen(text, kProgressSize));
    munmap(progress, kProgressSize);
  }
  auto while_running = [&running]() {
    return running.empty() ? std::string()
                           : absl::StrCat(" while running ", running);
  };

  SandboxOutcome outcome;
  if (timed_out) {
    outcome.detail =
        absl::StrCat("timed out after ", timeout_seconds, "s", while_running());
    return outcome;
  }
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    outcome.detail = absl::StrCat("crashed with ", SignalName(sig), " (",
                                  sigdescr_np(sig) ? sigdescr_np(sig) : "?",
                                  ")", while_running());
    std::string last = Excerpt(captured_tail, /*last=*/true);
    if (!last.empty())
      absl::StrAppend(&outcome.detail, "; last output: ", last);
    return outcome;
  }
  std::string sanitizer = SanitizerLine(captured, captured_tail);
  if (report.empty() && !sanitizer.empty()) {
    outcome.detail = absl::StrCat("crashed (sanitizer report)", while_running(),
                                  ": ", sanitizer);
    return outcome;
  }
  if (report.size() < 5 || (report[0] != 'P' && report[0] != 'F')) {
    int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    outcome.detail = absl::StrCat(
        "the check process exited with status ", code,
        " without reporting a result: the module called exit() or _exit()",
        while_running());
    std::string last = Excerpt(captured_tail, /*last=*/true);
    if (!last.empty())
      absl::StrAppend(&outcome.detail, "; last output: ", last);
    return outcome;
  }
  uint32_t size = 0;
  std::memcpy(&size, report.data() + 1, sizeof(size));
  if (report.size() - 5 != size) {
    outcome.detail = "the check process sent a truncated report";
    return outcome;
  }
  outcome.passed = report[0] == 'P';
  outcome.detail = report.substr(5);
  if (captured_size > 0) {
    std::string note = absl::StrCat(
        "the module wrote ", captured_size,
        " bytes to stdout/stderr (modules must log through the host API): \"",
        Excerpt(captured, /*last=*/false), "\"");
    outcome.detail = outcome.passed || outcome.detail.empty()
                         ? note
                         : absl::StrCat(outcome.detail, "; also ", note);
    outcome.passed = false;
  }
  return outcome;
}

}  // namespace flyteplug::conformance
