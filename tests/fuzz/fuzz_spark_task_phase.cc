// An observed SparkApplication (JSON, as the host reads it from the API
// server) for the example PySpark task: GetTaskPhase through the loader,
// then the PhaseInfo to JSON.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  static const std::string* const context =
      new std::string(ExampleContext("examples/tasks/pyspark_context.json"));
  absl::string_view resource = View(data, size);
  if (BracketNesting(resource) > kMaxFuzzNesting) return 0;
  std::optional<std::string> phase =
      Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
        return flyteplug_get_task_phase(SharedLoader(), Bytes(*context),
                                        Bytes(resource), out, status);
      });
  if (!phase) return 0;
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_phase_info_to_json(Bytes(*phase), out, status);
  });
  return 0;
}
