// A task as a host hands it over in JSON (a TaskContext or a bare
// TaskTemplate): flyteplug_task_context_from_json, then BuildResource and
// BuildIdentityResource through the loader (the spark module for type
// "spark"). Building twice must give identical bytes.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.h"

namespace flyteplug::fuzz {
namespace {

std::optional<std::string> Build(const std::string& context) {
  return Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_build_resource(SharedLoader(), Bytes(context), out,
                                    status);
  });
}

}  // namespace
}  // namespace flyteplug::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  absl::string_view json = View(data, size);
  if (BracketNesting(json) > kMaxFuzzNesting) return 0;
  std::optional<std::string> context =
      Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
        return flyteplug_task_context_from_json(Bytes(json), out, status);
      });
  if (!context) return 0;
  std::optional<std::string> manifest = Build(*context);
  if (manifest && Build(*context) != manifest) {
    std::fprintf(stderr, "build_resource: two builds of one task differ\n");
    std::abort();
  }
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_build_identity_resource(SharedLoader(), Bytes(*context),
                                             out, status);
  });
  return 0;
}
