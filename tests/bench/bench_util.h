// Shared helpers of the benchmarks in tests/bench: task contexts as wire
// bytes, modules driven through their C vtable, the loader's C API, and the
// side-by-side timer every ratio row uses.
#ifndef FLYTEPLUG_TESTS_BENCH_BENCH_UTIL_H_
#define FLYTEPLUG_TESTS_BENCH_BENCH_UTIL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "flyteplug/loader.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "flyteplug/sdk/testing/module_under_test.h"

namespace flyteplug::bench {

// The contents of `path`; aborts the benchmark program when unreadable.
std::string ReadFileOrDie(const std::string& path);

// A proto3-JSON flyteplug.v1.TaskContext (unknown fields ignored) as wire
// bytes; aborts on a parse error.
std::string TaskContextBytes(absl::string_view json);

// An initialised instance of one module, called through its C vtable with
// the SDK's fake host (secrets set before init are visible). The module is
// dlopened and never closed; the instance is deinitialised on destruction.
// THREADING: one thread.
class DirectModule {
 public:
  // Aborts when the module cannot be opened or initialised.
  DirectModule(
      const std::string& path, absl::string_view config_json,
      const std::vector<std::pair<std::string, std::string>>& secrets = {});
  DirectModule(const DirectModule&) = delete;
  DirectModule& operator=(const DirectModule&) = delete;

  const flyteplug_module& module() const { return *module_; }

  // build_resource through the vtable; the bytes or the module's error.
  absl::StatusOr<std::string> BuildResource(absl::string_view context) const;
  // As BuildResource without copying the output: OK when the module
  // returned FLYTEPLUG_OK (its buffer released at once).
  bool BuildResourceOk(absl::string_view context) const;
  // get_task_phase through the vtable: true on FLYTEPLUG_OK.
  bool GetTaskPhaseOk(absl::string_view context,
                      absl::string_view resource) const;
  // get through the vtable: true on FLYTEPLUG_OK.
  bool GetOk(absl::string_view resource_meta) const;

 private:
  sdk::testing::FakeHost host_;
  const flyteplug_module* module_ = nullptr;
  std::optional<sdk::testing::InstanceUnderTest> instance_;
};

// A loader opened on `module_paths` only, with the default host.
// Closed on destruction. Aborts when it cannot be opened.
class OpenLoader {
 public:
  OpenLoader(const std::vector<std::string>& module_paths,
             absl::string_view config_json);
  ~OpenLoader();
  OpenLoader(const OpenLoader&) = delete;
  OpenLoader& operator=(const OpenLoader&) = delete;

  flyteplug_loader* get() const { return loader_; }
  // flyteplug_build_resource: true on FLYTEPLUG_OK (output released).
  bool BuildResourceOk(absl::string_view context) const;
  // flyteplug_webapi_get: true on FLYTEPLUG_OK (output released).
  bool WebApiGetOk(const char* task_type,
                   absl::string_view resource_meta) const;

 private:
  flyteplug_loader* loader_ = nullptr;
};

// Times two operations side by side: every call of Run() times `subject`
// and `floor` once each, in alternating order (interleaved, so machine noise
// and warm caches favour neither).
// Report() sets the counters subject_us and floor_us (medians per call) and
// ratio (their quotient) on `state`; with `thread_cpu`, also subject_cpu_us,
// floor_cpu_us (mean CPU time of the calling thread) and cpu_ratio.
class SideBySide {
 public:
  // Each returns false on failure, which is reported as a benchmark error.
  SideBySide(std::function<bool()> subject, std::function<bool()> floor,
             bool thread_cpu = false)
      : subject_(std::move(subject)),
        floor_(std::move(floor)),
        thread_cpu_(thread_cpu) {}

  // False (and the error set on `state`) when either side failed.
  bool Run(benchmark::State& state);
  void Report(benchmark::State& state);

 private:
  // Runs `call`, appending its wall time (us) and adding its CPU time (ns).
  bool Time(const std::function<bool()>& call, std::vector<double>* wall_us,
            int64_t* cpu_ns) const;

  std::function<bool()> subject_;
  std::function<bool()> floor_;
  bool thread_cpu_;
  std::vector<double> subject_us_;
  std::vector<double> floor_us_;
  int64_t subject_cpu_ns_ = 0;
  int64_t floor_cpu_ns_ = 0;
};

// The median of `values` (reordered); 0 for none.
double Median(std::vector<double>* values);

// The median wall time of `call` in microseconds: repeated at least 3 times
// and until 0.5 s have passed (at most 1,000 times). -1 when a call failed.
double MedianMicros(const std::function<bool()>& call);

}  // namespace flyteplug::bench

#endif  // FLYTEPLUG_TESTS_BENCH_BENCH_UTIL_H_
