// The Databricks API token as a secret: what a usable token looks like, and
// the one scrubber that keeps it (and fragments of it) out of every message,
// log line and output of the module.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_SECRET_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_SECRET_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace flyteplug::databricks {

// Runs of at least this many consecutive characters of the secret are
// scrubbed; shorter secrets are scrubbed where they occur whole.
inline constexpr size_t kMinRedactedRun = 8;

// OK when `token` can travel in "Authorization: Bearer <token>": non-empty
// and only visible ASCII (0x21..0x7e), so it cannot end the header line or
// add another (no CR, LF, NUL, other control characters, spaces or tabs, no
// bytes >= 0x80). Else `code` with a message naming `where` (e.g. "secret
// 'FLYTE_DATABRICKS_API_TOKEN' (plugins.databricks.databricksTokenKey)") and
// the offending byte's offset and class, never the token itself.
absl::Status ValidateBearerToken(absl::string_view token,
                                 absl::string_view where,
                                 absl::StatusCode code);

// The same check for any credential sent in an HTTP header (an OAuth client
// id or secret): `what` names it in the message ("OAuth client secret"),
// which reads "databricks: <what> from <where> ...". ValidateBearerToken is
// ValidateCredential(token, "API token", where, code).
absl::Status ValidateCredential(absl::string_view value, absl::string_view what,
                                absl::string_view where, absl::StatusCode code);

// `text` with every run of >= kMinRedactedRun consecutive characters that
// also occurs in `secret` (any substring of it, the whole secret included)
// replaced by "[REDACTED]"; overlapping or adjacent runs become one marker.
// A secret shorter than kMinRedactedRun is replaced where it occurs whole;
// an empty secret changes nothing. O(text.size() * secret.size()) time,
// O(secret.size()) extra memory.
std::string Redact(absl::string_view text, absl::string_view secret);

// `status` with its message redacted as above (OK stays OK; the code is
// kept).
absl::Status Redact(const absl::Status& status, absl::string_view secret);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_SECRET_H_
