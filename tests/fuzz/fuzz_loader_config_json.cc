// A JSON configuration document: flyteplug_config_to_json (which must copy
// accepted JSON byte for byte), then a loader opened over the spark and
// databricks modules with it (the loader's and both modules' configuration
// parsing and validation).
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  absl::string_view config = View(data, size);
  if (BracketNesting(config) > kMaxFuzzNesting) return 0;
  std::optional<std::string> json =
      Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
        return flyteplug_config_to_json(
            Bytes(config), FLYTEPLUG_CONFIG_FORMAT_JSON, out, status);
      });
  if (json && *json != config) {
    std::fprintf(stderr, "config_to_json: accepted JSON was not copied\n");
    std::abort();
  }
  OpenAndCloseLoader(config);
  return 0;
}
