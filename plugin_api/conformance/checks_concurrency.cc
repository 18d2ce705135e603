// concurrent-8-threads: one instance called from 8 threads at once must give
// the single-threaded answers.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "checks.h"
#include "flyteplug/plugin.h"
#include "inputs.h"
#include "module_harness.h"
#include "test_host.h"

namespace flyteplug::conformance {
namespace {

constexpr int kThreads = 8;
constexpr int kIterations = 200;

bool SameAnswer(const SlotCall& call, const CallRecord& a,
                const CallRecord& b) {
  if (a.code != b.code) return false;
  if (a.code != FLYTEPLUG_OK) return a.message == b.message;
  return SameOutput(call.kind, a.output, b.output);
}

std::string Describe(const CallRecord& r) {
  if (r.code != FLYTEPLUG_OK) {
    return absl::StrCat(CodeName(r.code), " \"", r.message.substr(0, 80), "\"");
  }
  std::string shown = r.output.substr(0, 80);
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '.';
  }
  return absl::StrCat("OK (", r.output.size(), " bytes) \"", shown, "\"");
}

}  // namespace

absl::StatusOr<std::string> CheckConcurrent8Threads(const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module* module = *loaded;
  if (module->task_type_count == 0 || module->task_types == nullptr ||
      module->task_types[0].name == nullptr) {
    return absl::FailedPreconditionError("the descriptor has no task type");
  }
  auto context = MinimalTaskContext(module->task_types[0].name);
  if (!context.ok()) return context.status();
  TestHost host;
  auto instance = Instance::Create(module, host, "{}");
  if (!instance.ok()) return instance.status();
  const std::string resource =
      ObservedResourceJson(module, instance->get(), *context);

  // build_resource + get_task_phase, or render_create_request + status.
  std::vector<SlotCall> all =
      ValidNoIoCalls(module, instance->get(), *context, resource);
  std::vector<SlotCall> calls;
  for (SlotCall& call : all) {
    if (call.label.rfind("build_identity_resource", 0) != 0) {
      calls.push_back(std::move(call));
    }
  }
  if (calls.empty()) {
    return absl::FailedPreconditionError("the module has no slot to call");
  }
  std::vector<CallRecord> expected;
  for (const SlotCall& call : calls) expected.push_back(Invoke(call));

  std::atomic<int> ready{0};
  std::atomic<int64_t> mismatches{0};
  std::mutex mu;
  std::string first_mismatch;  // guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < kIterations; ++i) {
        for (size_t c = 0; c < calls.size(); ++c) {
          CallRecord got = Invoke(calls[c]);
          if (SameAnswer(calls[c], expected[c], got)) continue;
          if (mismatches++ == 0) {
            std::lock_guard<std::mutex> lock(mu);
            first_mismatch =
                absl::StrCat(calls[c].label, " gave ", Describe(got),
                             " instead of ", Describe(expected[c]));
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const int64_t total =
      int64_t{kThreads} * kIterations * static_cast<int64_t>(calls.size());
  if (mismatches > 0) {
    std::lock_guard<std::mutex> lock(mu);
    return absl::FailedPreconditionError(absl::StrCat(
        mismatches.load(), " of ", total, " calls from ", kThreads,
        " threads differed from the single-threaded result (unsynchronised "
        "state?); first: ",
        first_mismatch));
  }
  return absl::StrCat(total, " concurrent calls matched");
}

}  // namespace flyteplug::conformance
