// What a Databricks server (or a stored resource meta) sends back, fed to
// the databricks module's parsers directly (flyteplug_databricks_core): the
// runs/get body (ParseRunsGetResponse, then MapRunState), an error body
// (ParseErrorBody, HttpError) and a resource meta (DecodeResourceMeta).
// Whatever is parsed must survive its own serialisation unchanged.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "http_error.h"
#include "resource_meta.h"
#include "run_status.h"

namespace flyteplug::databricks {
namespace {

constexpr char kInstance[] = "https://dbc-fuzz.cloud.databricks.com";
// ParseErrorBody keeps at most 300 bytes of the server's text and marks a cut
// with "..." (sdk::Snippet), so a message is at most 303 bytes.
constexpr size_t kMaxErrorMessage = 300 + 3;

[[noreturn]] void Finding(const char* what) {
  std::fprintf(stderr, "fuzz_databricks_responses: %s\n", what);
  std::abort();
}

bool SameRunState(const RunState& a, const RunState& b) {
  return a.instance == b.instance && a.run_id == b.run_id &&
         a.job_id == b.job_id && a.run_name == b.run_name &&
         a.life_cycle_state == b.life_cycle_state &&
         a.result_state == b.result_state &&
         a.state_message == b.state_message &&
         a.run_page_url == b.run_page_url &&
         a.termination_code == b.termination_code &&
         a.termination_type == b.termination_type;
}

void FuzzRunsGet(absl::string_view body) {
  absl::StatusOr<RunState> state = ParseRunsGetResponse(body, kInstance, 7);
  if (!state.ok()) {
    if (state.status().message().empty()) Finding("runs/get: empty error");
    return;
  }
  absl::StatusOr<RunState> again =
      DeserializeRunState(SerializeRunState(*state));
  if (!again.ok() || !SameRunState(*state, *again)) {
    Finding("runs/get: RunState does not survive SerializeRunState");
  }
  flyteplug::abi::flyteplug::v1::PluginState previous;
  MapRunState(*state, /*link_to_run_page_url=*/true, previous, 0);
  MapRunState(*state, /*link_to_run_page_url=*/false, previous, 0);
}

void FuzzErrorBody(absl::string_view body) {
  ServerError error = ParseErrorBody(body);
  if (error.message.size() > kMaxErrorMessage) {
    Finding("error body: message over 303 bytes");
  }
  for (long http_status : {302L, 400L, 403L, 429L, 500L}) {
    absl::Status status = HttpError("runs/get", http_status, body, "");
    if (status.ok()) Finding("HttpError returned OK");
  }
}

void FuzzResourceMeta(absl::string_view json) {
  absl::StatusOr<ResourceMeta> meta = DecodeResourceMeta(json);
  if (!meta.ok()) return;
  absl::StatusOr<ResourceMeta> again =
      DecodeResourceMeta(EncodeResourceMeta(*meta));
  if (!again.ok() || again->instance != meta->instance ||
      again->run_id != meta->run_id) {
    Finding("resource meta does not survive EncodeResourceMeta");
  }
}

}  // namespace
}  // namespace flyteplug::databricks

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flyteplug::databricks;
  absl::string_view body(reinterpret_cast<const char*>(data), size);
  FuzzRunsGet(body);
  FuzzErrorBody(body);
  FuzzResourceMeta(body);
  return 0;
}
