// A serialized TaskContext as a host hands it over in binary: routing by
// taskTemplate.type, then the module's decoding, BuildResource and
// BuildIdentityResource (the spark module for type "spark").
//
// Also a finding: the module refusing the bytes as malformed. The loader
// reads only the type from bytes it knows the parser accepts and parses the
// rest in full, so malformed bytes must be refused by the loader itself.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_support.h"

namespace {

// The spark module's (SDK's) refusal of undecodable bytes.
constexpr char kModuleRefusal[] = "task_context: not a valid serialized";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  absl::string_view context = View(data, size);
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    flyteplug_status_code code =
        flyteplug_build_resource(SharedLoader(), Bytes(context), out, status);
    if (status->message != nullptr &&
        std::strstr(status->message, kModuleRefusal) != nullptr) {
      std::fprintf(stderr, "the loader routed malformed bytes: %s\n",
                   status->message);
      std::abort();
    }
    return code;
  });
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_build_identity_resource(SharedLoader(), Bytes(context),
                                             out, status);
  });
  return 0;
}
