// What a Databricks server (or a stored resource meta) sends back, fed to
// the databricks module's parsers directly (flyteplug_databricks_core): the
// runs/get body (ParseRunsGetResponse, then MapRunState), a runs/get-output
// body (ParseRunsGetOutput: bounded, sanitised details), an OAuth token
// endpoint answer (ParseTokenResponse: bounded, sendable tokens), an error
// body (ParseErrorBody, HttpError) and a resource meta (DecodeResourceMeta).
// Whatever is parsed must survive its own serialisation unchanged.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flyteplug/sdk/utf8.h"
#include "http_error.h"
#include "oauth_token_endpoint.h"
#include "resource_meta.h"
#include "run_output.h"
#include "run_status.h"
#include "secret.h"

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
         a.termination_type == b.termination_type && a.error == b.error &&
         a.error_trace == b.error_trace;
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

// Printable valid UTF-8 without control characters, line feeds allowed
// only where `multi_line`.
bool Displayable(absl::string_view text, bool multi_line) {
  if (!sdk::IsValidUtf8(text)) return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n' && multi_line) continue;
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

void FuzzRunsGetOutput(absl::string_view body) {
  absl::StatusOr<FailureDetails> details = ParseRunsGetOutput(body, 7);
  if (!details.ok()) {
    if (details.status().message().empty()) Finding("get-output: empty error");
    return;
  }
  if (details->error.size() > kMaxErrorLineBytes + 3 ||
      !Displayable(details->error, /*multi_line=*/false)) {
    Finding("get-output: error line unbounded or not displayable");
  }
  if (details->error_trace.size() > kMaxTraceExcerptBytes + 4 ||
      !Displayable(details->error_trace, /*multi_line=*/true)) {
    Finding("get-output: trace excerpt unbounded or not displayable");
  }
}

void FuzzTokenResponse(absl::string_view body) {
  absl::StatusOr<IssuedToken> issued = ParseTokenResponse(body);
  if (!issued.ok()) {
    if (issued.status().message().empty()) Finding("token: empty error");
    return;
  }
  if (issued->access_token.size() > kMaxAccessTokenBytes ||
      !ValidateBearerToken(issued->access_token, "fuzz",
                           absl::StatusCode::kInvalidArgument)
           .ok()) {
    Finding("token: an unsendable or oversized access token was accepted");
  }
  if (issued->lifetime < absl::Seconds(1) ||
      issued->lifetime > absl::Seconds(kMaxTokenLifetimeSeconds)) {
    Finding("token: lifetime out of bounds");
  }
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
  FuzzRunsGetOutput(body);
  FuzzTokenResponse(body);
  FuzzErrorBody(body);
  FuzzResourceMeta(body);
  return 0;
}
