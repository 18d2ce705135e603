// A databricks task in JSON (a TaskContext or a bare TaskTemplate):
// flyteplug_task_context_from_json, then the runs/submit request the
// databricks module would send (flyteplug_webapi_render_request: the
// request builder, no I/O).
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  absl::string_view json = View(data, size);
  if (BracketNesting(json) > kMaxFuzzNesting) return 0;
  std::optional<std::string> context =
      Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
        return flyteplug_task_context_from_json(Bytes(json), out, status);
      });
  if (!context) return 0;
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_webapi_render_request(SharedLoader(), Bytes(*context), out,
                                           status);
  });
  return 0;
}
