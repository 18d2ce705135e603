// A YAML configuration document: flyteplug_config_to_json, then a loader
// opened over the spark and databricks modules with the JSON it produced.
#include "fuzz_support.h"

namespace {

// Issue 12 item 2 (no budget on alias expansion, fixed on its own): nested
// aliases expand exponentially, so inputs with many anchors or aliases are
// skipped. A handful still reach every alias code path.
bool FewAliases(absl::string_view yaml) {
  constexpr int kMaxAnchors = 4;
  constexpr int kMaxAliases = 16;
  int anchors = 0;
  int aliases = 0;
  for (char c : yaml) {
    if (c == '&') ++anchors;
    if (c == '*') ++aliases;
  }
  return anchors <= kMaxAnchors && aliases <= kMaxAliases;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::fuzz;
  absl::string_view config = View(data, size);
  if (BracketNesting(config) > kMaxFuzzNesting || !FewAliases(config)) {
    return 0;
  }
  std::optional<std::string> json =
      Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
        return flyteplug_config_to_json(
            Bytes(config), FLYTEPLUG_CONFIG_FORMAT_YAML, out, status);
      });
  if (json) OpenAndCloseLoader(*json);
  return 0;
}
