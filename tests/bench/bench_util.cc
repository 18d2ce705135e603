#include "bench_util.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "flyteplug/v1/task_context.pb.h"
#include "google/protobuf/util/json_util.h"

namespace flyteplug::bench {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  std::abort();
}

// True on FLYTEPLUG_OK; the output buffer is released either way.
bool ReleaseAndCheck(flyteplug_status_code code, flyteplug_buffer* out) {
  if (out->release != nullptr) out->release(out);
  return code == FLYTEPLUG_OK;
}

flyteplug_bytes Bytes(absl::string_view s) {
  return flyteplug_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

int64_t ThreadCpuNanos() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

}  // namespace

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TaskContextBytes(absl::string_view json) {
  ::flyteplug::v1::TaskContext context;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json),
                                                            &context, options);
  if (!status.ok()) Die("task context JSON: " + status.ToString());
  return context.SerializeAsString();
}

DirectModule::DirectModule(
    const std::string& path, absl::string_view config_json,
    const std::vector<std::pair<std::string, std::string>>& secrets) {
  for (const auto& [key, value] : secrets) host_.SetSecret(key, value);
  host_.SetNowUnixNanos(1700000000123456789);
  auto opened = sdk::testing::ModuleUnderTest::Open(path);
  if (!opened.ok()) Die(opened.status().ToString());
  module_ = &opened->descriptor();
  auto instance = opened->Init(host_, config_json);
  if (!instance.ok()) Die(instance.status().ToString());
  instance_.emplace(*std::move(instance));
}

absl::StatusOr<std::string> DirectModule::BuildResource(
    absl::string_view context) const {
  return instance_->BuildResource(context);
}

bool DirectModule::BuildResourceOk(absl::string_view context) const {
  flyteplug_buffer out{};
  return ReleaseAndCheck(module_->k8s->build_resource(
                             instance_->get(), Bytes(context), &out, nullptr),
                         &out);
}

bool DirectModule::GetTaskPhaseOk(absl::string_view context,
                                  absl::string_view resource) const {
  flyteplug_buffer out{};
  return ReleaseAndCheck(
      module_->k8s->get_task_phase(instance_->get(), Bytes(context),
                                   Bytes(resource), &out, nullptr),
      &out);
}

bool DirectModule::GetOk(absl::string_view resource_meta) const {
  flyteplug_buffer out{};
  return ReleaseAndCheck(
      module_->webapi->get(instance_->get(), Bytes(resource_meta), &out,
                           nullptr),
      &out);
}

OpenLoader::OpenLoader(const std::vector<std::string>& module_paths,
                       absl::string_view config_json) {
  std::vector<const char*> paths;
  for (const std::string& path : module_paths) paths.push_back(path.c_str());
  flyteplug_loader_options options{};
  options.struct_size = sizeof(options);
  options.flags = FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS;
  options.module_paths = paths.data();
  options.module_path_count = static_cast<uint32_t>(paths.size());
  options.config_json = Bytes(config_json);
  flyteplug_status status{};
  status.struct_size = sizeof(status);
  if (flyteplug_loader_open(&options, &loader_, &status) != FLYTEPLUG_OK) {
    Die(std::string("loader: ") +
        (status.message != nullptr ? status.message : "?"));
  }
  flyteplug_status_clear(&status);
}

OpenLoader::~OpenLoader() { flyteplug_loader_close(loader_); }

bool OpenLoader::BuildResourceOk(absl::string_view context) const {
  flyteplug_buffer out{};
  flyteplug_status status{};
  status.struct_size = sizeof(status);
  flyteplug_status_code code =
      flyteplug_build_resource(loader_, Bytes(context), &out, &status);
  flyteplug_status_clear(&status);
  return ReleaseAndCheck(code, &out);
}

bool OpenLoader::WebApiGetOk(const char* task_type,
                             absl::string_view resource_meta) const {
  flyteplug_buffer out{};
  flyteplug_status status{};
  status.struct_size = sizeof(status);
  flyteplug_status_code code = flyteplug_webapi_get(
      loader_, task_type, Bytes(resource_meta), &out, &status);
  flyteplug_status_clear(&status);
  return ReleaseAndCheck(code, &out);
}

double Median(std::vector<double>* values) {
  if (values->empty()) return 0;
  auto middle = values->begin() + values->size() / 2;
  std::nth_element(values->begin(), middle, values->end());
  return *middle;
}

bool SideBySide::Time(const std::function<bool()>& call,
                      std::vector<double>* wall_us, int64_t* cpu_ns) const {
  using Clock = std::chrono::steady_clock;
  const int64_t cpu_start = thread_cpu_ ? ThreadCpuNanos() : 0;
  const Clock::time_point start = Clock::now();
  const bool ok = call();
  wall_us->push_back(
      std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  if (thread_cpu_) *cpu_ns += ThreadCpuNanos() - cpu_start;
  return ok;
}

bool SideBySide::Run(benchmark::State& state) {
  // Alternating which side goes first keeps warm caches from favouring one.
  const bool subject_first = subject_us_.size() % 2 == 0;
  bool subject_ok = true;
  if (subject_first)
    subject_ok = Time(subject_, &subject_us_, &subject_cpu_ns_);
  const bool floor_ok = Time(floor_, &floor_us_, &floor_cpu_ns_);
  if (!subject_first)
    subject_ok = Time(subject_, &subject_us_, &subject_cpu_ns_);
  if (subject_ok && floor_ok) return true;
  state.SkipWithError(subject_ok ? "floor failed" : "subject failed");
  return false;
}

void SideBySide::Report(benchmark::State& state) {
  const double calls = static_cast<double>(subject_us_.size());
  const double subject = Median(&subject_us_);
  const double floor = Median(&floor_us_);
  if (calls == 0 || floor <= 0) return;
  state.counters["subject_us"] = subject;
  state.counters["floor_us"] = floor;
  state.counters["ratio"] = subject / floor;
  if (!thread_cpu_ || floor_cpu_ns_ == 0) return;
  state.counters["subject_cpu_us"] = subject_cpu_ns_ / 1e3 / calls;
  state.counters["floor_cpu_us"] = floor_cpu_ns_ / 1e3 / calls;
  state.counters["cpu_ratio"] =
      static_cast<double>(subject_cpu_ns_) / static_cast<double>(floor_cpu_ns_);
}

double MedianMicros(const std::function<bool()>& call) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> times;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(500);
  while (times.size() < 3 || (times.size() < 1000 && Clock::now() < deadline)) {
    Clock::time_point start = Clock::now();
    if (!call()) return -1;
    times.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - start)
            .count());
  }
  return Median(&times);
}

}  // namespace flyteplug::bench
