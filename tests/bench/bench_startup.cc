// Row (d) of tests/bench/run.sh: `flyteplug plugins` (the CLI loading the
// shipped spark and databricks modules) against a program that only
// dlopens the same two modules; fork/exec per run, wall time and peak RSS
// (getrusage ru_maxrss of the child). Counters: subject_us, floor_us,
// ratio (medians) and subject_rss_mb, floor_rss_mb (medians).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "bench_util.h"

namespace flyteplug::bench {
namespace {

// Runs `argv` with stdout and stderr on /dev/null; true when it exits 0.
// Appends its peak RSS in MB to `rss_mb`.
bool Spawn(const std::vector<std::string>& argv, std::vector<double>* rss_mb) {
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  int wait_status = 0;
  rusage usage{};
  if (wait4(pid, &wait_status, 0, &usage) != pid) return false;
  rss_mb->push_back(usage.ru_maxrss / 1024.0);
  return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

void BM_PluginsVsDlopen(benchmark::State& state) {
  const std::string modules = FLYTEPLUG_SHIPPED_MODULES_DIR;
  const std::vector<std::string> plugins = {FLYTEPLUG_CLI, "plugins"};
  const std::vector<std::string> dlopen_only = {
      FLYTEPLUG_DLOPEN_ONLY, modules + "/libflyteplug_spark.so",
      modules + "/libflyteplug_databricks.so"};
  std::vector<double> plugins_rss;
  std::vector<double> dlopen_rss;
  SideBySide timer([&] { return Spawn(plugins, &plugins_rss); },
                   [&] { return Spawn(dlopen_only, &dlopen_rss); });
  for (auto _ : state) {
    if (!timer.Run(state)) break;
  }
  timer.Report(state);
  state.counters["subject_rss_mb"] = Median(&plugins_rss);
  state.counters["floor_rss_mb"] = Median(&dlopen_rss);
}
BENCHMARK(BM_PluginsVsDlopen)->Iterations(40)->UseRealTime();

}  // namespace
}  // namespace flyteplug::bench
