// What the fuzz targets that go through the C API (loader.h) share: one
// loader over the shipped spark and databricks modules, example task
// contexts, and a checked way to make a call.
#ifndef FLYTEPLUG_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define FLYTEPLUG_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "flyteplug/loader.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::fuzz {

// The process-wide loader: the spark and databricks modules of this build
// (no default paths) with examples/config/flyteplug.json, and a fake host
// (fixed clock, a made-up FLYTE_DATABRICKS_API_TOKEN).
// Aborts when it cannot be opened (a broken build, not a finding).
// LIFETIME: the whole process. THREADING: opened once, thread-safe after.
flyteplug_loader* SharedLoader();

// The same modules, configuration and host as SharedLoader, opened as a
// LoaderClient (for code written against it, e.g. the connector). Aborts
// when it cannot be opened. LIFETIME: the whole process. THREADING: opened
// once, thread-safe after.
const LoaderClient& SharedLoaderClient();

// Opens a loader over the same two modules with `config_json`; returns true
// if it opened (and closes it again). Refusals must carry a message.
bool OpenAndCloseLoader(absl::string_view config_json);

// The serialized TaskContext of a source-tree JSON file (a TaskContext or a
// bare TaskTemplate), e.g. "examples/tasks/pyspark_task.json". Aborts on
// error.
std::string ExampleContext(const char* relative_path);

inline flyteplug_bytes Bytes(absl::string_view s) {
  return flyteplug_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline absl::string_view View(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// Inputs deeper than this ('[' / '{' nesting outside strings) are skipped:
// issue 12 items 1 and 3 (unbounded recursion and a quadratic parse on deep
// arrays, fixed on their own) would otherwise be found on every run. Deep
// enough to go well past the project's own 64-level checks.
inline constexpr int kMaxFuzzNesting = 200;

// The greatest '['/'{' nesting of `text`, ignoring JSON string contents.
int BracketNesting(absl::string_view text);

// Makes one C API call `call(&out, &status)` and checks the outcome obeys
// loader.h: the returned code equals status.code, and a refusal carries a
// non-empty message. Aborts (a finding) otherwise. Returns the output bytes
// on success, nullopt on a refusal; releases everything.
template <typename Call>
std::optional<std::string> Invoke(Call&& call);

// Implementation detail of Invoke: checks and releases. Returns the output
// bytes on success.
std::optional<std::string> TakeOutcome(flyteplug_status_code code,
                                       flyteplug_status* status,
                                       flyteplug_buffer* out);

template <typename Call>
std::optional<std::string> Invoke(Call&& call) {
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  flyteplug_buffer out{};
  flyteplug_status_code code = call(&out, &status);
  return TakeOutcome(code, &status, &out);
}

}  // namespace flyteplug::fuzz

#endif  // FLYTEPLUG_TESTS_FUZZ_FUZZ_SUPPORT_H_
