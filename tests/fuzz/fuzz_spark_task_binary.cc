// A serialized TaskContext as a host hands it over in binary: routing by
// taskTemplate.type, then the module's decoding, BuildResource and
// BuildIdentityResource (the spark module for type "spark").
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  absl::string_view context = View(data, size);
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_build_resource(SharedLoader(), Bytes(context), out,
                                    status);
  });
  Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
    return flyteplug_build_identity_resource(SharedLoader(), Bytes(context),
                                             out, status);
  });
  return 0;
}
