// flyteplug run: name the execution (--execution-name, or a fresh name for
// a bare template), check the request locally (render, no I/O), create,
// poll until terminal, cancel on signal or timeout.
//
// Signals: SIGINT and SIGTERM are caught by a handler that only writes the
// signal number to a self-pipe (async-signal-safe). The main loop waits on
// that pipe between polls and checks it after every module call, then
// cancels the remote run (delete) and exits 1 with an ABORTED PhaseInfo.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "execution_name.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "task_input.h"

namespace flyteplug::cli {
namespace {

int g_signal_pipe[2] = {-1, -1};

extern "C" void OnSignal(int signo) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  ssize_t ignored = ::write(g_signal_pipe[1], &byte, 1);
  (void)ignored;
  errno = saved;
}

// Installs the handlers for the life of the command; restores on exit.
class SignalGuard {
 public:
  SignalGuard() {
    if (::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = &OnSignal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
    installed_ = true;
  }
  ~SignalGuard() {
    if (!installed_) return;
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::close(g_signal_pipe[0]);
    ::close(g_signal_pipe[1]);
    g_signal_pipe[0] = g_signal_pipe[1] = -1;
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  // Waits up to `timeout_ms` for a signal; returns its number or 0.
  int Wait(int timeout_ms) const {
    if (!installed_) {
      if (timeout_ms > 0) ::usleep(static_cast<useconds_t>(timeout_ms) * 1000);
      return 0;
    }
    struct pollfd pfd = {g_signal_pipe[0], POLLIN, 0};
    int rc = ::poll(&pfd, 1, timeout_ms);
    if (rc <= 0) return 0;
    unsigned char byte = 0;
    if (::read(g_signal_pipe[0], &byte, 1) == 1) return byte;
    return 0;
  }

 private:
  bool installed_ = false;
  struct sigaction old_int_;
  struct sigaction old_term_;
};

double NowSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

bool IsTerminal(flyteplug::v1::Phase phase) {
  return phase == flyteplug::v1::SUCCESS ||
         phase == flyteplug::v1::RETRYABLE_FAILURE ||
         phase == flyteplug::v1::PERMANENT_FAILURE ||
         phase == flyteplug::v1::ABORTED;
}

bool IsRetryable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kResourceExhausted;
}

void PrintPhaseInfo(const flyteplug::v1::PhaseInfo& info) {
  std::string bytes;
  sdk::boundary::SerializeDeterministic(info, &bytes);
  absl::StatusOr<std::string> json = LoaderClient::PhaseInfoToJson(bytes);
  if (json.ok()) PrintStdout(PrettyJson(*json));
}

void Progress(absl::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

// Cancels the remote run and prints an ABORTED PhaseInfo; returns 1.
int Abort(const LoaderClient& client, const std::string& task_type,
          const std::string& meta, const std::string& reason) {
  Progress(absl::StrCat("phase: ABORTED (", reason, "); cancelling"));
  if (!meta.empty()) {
    absl::Status deleted = client.Delete(task_type, meta);
    if (!deleted.ok()) {
      Fail(kExitTaskFailed, absl::StrCat("cancel failed: ", deleted.message()));
    }
  }
  flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::v1::ABORTED);
  info.set_reason(reason);
  PrintPhaseInfo(info);
  return kExitTaskFailed;
}

}  // namespace

int RunRunCommand(const GlobalOptions& global, const RunOptions& options) {
  absl::StatusOr<TaskInput> input = ReadTaskInput(options.task_path);
  if (!input.ok()) return Fail(kExitUsage, input.status().message());
  if (std::string name = ChooseExecutionName(options.execution_name, *input);
      !name.empty()) {
    RenameExecution(name, &*input);
    Progress(absl::StrCat("execution name: ", name, " (--execution-name ", name,
                          " resumes this run)"));
  }
  int exit_code = kExitOk;
  absl::StatusOr<LoaderClient> client = OpenLoader(global, &exit_code);
  if (!client.ok()) return exit_code;
  const std::string task_type = input->context.task_template().type();
  absl::StatusOr<uint32_t> index = client->Resolve(task_type);
  if (!index.ok()) {
    return Fail(kExitUsage,
                absl::StrCat(options.task_path, ": taskTemplate.type: ",
                             index.status().message()));
  }
  LoaderClient::ModuleInfo module = client->Modules().at(*index);
  if (module.family != FLYTEPLUG_FAMILY_WEB_API) {
    return Fail(kExitUsage,
                absl::StrCat(options.task_path, ": taskTemplate.type '",
                             task_type, "' is served by module '", module.id,
                             "' (k8s-resource): run drives web-API modules "
                             "only; use 'flyteplug build' and kubectl"));
  }

  // The module's own check of the task, without I/O (what 'build' prints):
  // bad input is refused here, before anything remote happens.
  if (absl::StatusOr<std::string> request =
          client->RenderRequest(input->serialized);
      !request.ok()) {
    return Fail(ExitCodeForCallError(request.status()),
                absl::StrCat(options.task_path, ": module '", module.id,
                             "': ", request.status().message()));
  }

  SignalGuard signals;
  const double start = NowSeconds();
  auto signal_reason = [](int signo) {
    return absl::StrCat("interrupted by ",
                        signo == SIGINT ? "SIGINT" : "SIGTERM");
  };

  absl::StatusOr<std::string> meta = client->Create(input->serialized);
  if (!meta.ok()) {
    return Fail(ExitCodeForRemoteCallError(meta.status()),
                absl::StrCat(options.task_path, ": module '", module.id,
                             "': create: ", meta.status().message()));
  }
  Progress(absl::StrCat("created (module '", module.id, "')"));
  if (int signo = signals.Wait(0); signo != 0) {
    return Abort(*client, task_type, *meta, signal_reason(signo));
  }

  flyteplug::v1::TaskContext context = input->context;
  flyteplug::v1::Phase last_phase = flyteplug::v1::UNDEFINED;
  int64_t last_version = -1;
  const int interval_ms = static_cast<int>(
      std::max(1.0, std::round(options.poll_interval_seconds * 1000)));
  while (true) {
    absl::StatusOr<std::string> resource = client->Get(task_type, *meta);
    if (int signo = signals.Wait(0); signo != 0) {
      return Abort(*client, task_type, *meta, signal_reason(signo));
    }
    if (!resource.ok()) {
      if (!IsRetryable(resource.status())) {
        return Fail(ExitCodeForRemoteCallError(resource.status()),
                    absl::StrCat("module '", module.id,
                                 "': get: ", resource.status().message()));
      }
      Progress(absl::StrCat("get failed (will retry): ",
                            resource.status().message()));
    } else {
      std::string serialized_context;
      sdk::boundary::SerializeDeterministic(context, &serialized_context);
      absl::StatusOr<std::string> phase_bytes =
          client->WebApiStatus(serialized_context, *resource);
      if (!phase_bytes.ok()) {
        return Fail(ExitCodeForCallError(phase_bytes.status()) == kExitLoad
                        ? kExitLoad
                        : kExitTaskFailed,
                    absl::StrCat("module '", module.id, "': status: ",
                                 phase_bytes.status().message()));
      }
      flyteplug::v1::PhaseInfo info;
      if (!info.ParseFromString(*phase_bytes)) {
        return Fail(kExitLoad, absl::StrCat("module '", module.id,
                                            "' returned a bad PhaseInfo"));
      }
      if (info.phase() != last_phase ||
          static_cast<int64_t>(info.version()) != last_version) {
        std::string line = absl::StrCat(
            "phase: ", flyteplug::v1::Phase_Name(info.phase()),
            info.reason().empty() ? ""
                                  : absl::StrCat(" (", info.reason(), ")"));
        if (info.has_error() && !info.error().message().empty()) {
          absl::StrAppend(&line, ": ", info.error().message());
        }
        Progress(line);
        last_phase = info.phase();
        last_version = info.version();
        context.mutable_plugin_state()->set_phase(info.phase());
        context.mutable_plugin_state()->set_phase_version(info.version());
        context.mutable_plugin_state()->set_reason(info.reason());
      }
      if (IsTerminal(info.phase())) {
        absl::StatusOr<std::string> json =
            LoaderClient::PhaseInfoToJson(*phase_bytes);
        PrintStdout(json.ok() ? PrettyJson(*json) : std::string("{}"));
        return info.phase() == flyteplug::v1::SUCCESS ? kExitOk
                                                      : kExitTaskFailed;
      }
    }
    int wait_ms = interval_ms;
    if (options.timeout_seconds > 0) {
      double left = options.timeout_seconds - (NowSeconds() - start);
      if (left <= 0) {
        return Abort(
            *client, task_type, *meta,
            absl::StrCat("timed out after ", options.timeout_seconds, " s"));
      }
      wait_ms =
          std::min<int>(wait_ms, static_cast<int>(std::ceil(left * 1000)));
    }
    if (int signo = signals.Wait(wait_ms); signo != 0) {
      return Abort(*client, task_type, *meta, signal_reason(signo));
    }
  }
}

}  // namespace flyteplug::cli
