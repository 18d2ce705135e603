// Credentials as secrets: what a usable bearer token looks like, and the one
// scrubber that keeps a secret (and fragments of it) out of every message,
// log line and output.
#ifndef FLYTEPLUG_NET_SECRET_H_
#define FLYTEPLUG_NET_SECRET_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace flyteplug::net {

// Runs of at least this many consecutive characters of the secret are
// scrubbed; shorter secrets are scrubbed where they occur whole.
inline constexpr size_t kMinRedactedRun = 8;

// OK when `token` can travel in "Authorization: Bearer <token>": non-empty
// and only visible ASCII (0x21..0x7e), so it cannot end the header line or
// add another (no CR, LF, NUL, other control characters, spaces or tabs, no
// bytes >= 0x80). Else `code` with a message naming `where` (e.g. "secret
// 'FLYTE_DATABRICKS_API_TOKEN' (plugins.databricks.databricksTokenKey)") and
// the offending byte's offset and class, never the token itself; the message
// starts with "<service>: API token from <where>".
absl::Status ValidateBearerToken(absl::string_view service,
                                 absl::string_view token,
                                 absl::string_view where,
                                 absl::StatusCode code);

// `text` with every run of >= kMinRedactedRun consecutive characters that
// also occurs in `secret` (any substring of it, the whole secret included)
// replaced by "[REDACTED]"; overlapping or adjacent runs become one marker.
// A secret shorter than kMinRedactedRun is replaced where it occurs whole;
// an empty secret changes nothing. O((text.size() + secret.size()) *
// log(secret.size())) time, O(secret.size()) extra memory.
std::string Redact(absl::string_view text, absl::string_view secret);

// `status` with its message redacted as above (OK stays OK; the code is
// kept).
absl::Status Redact(const absl::Status& status, absl::string_view secret);

// OK when `credentials` ("user:password") may be sent as HTTP Basic
// authentication: a ':' separates a non-empty user from the password, and no
// byte is a control character (RFC 7617). Else INVALID_ARGUMENT naming
// `where` and the offending byte's offset, never the credentials.
absl::Status ValidateBasicAuth(absl::string_view service,
                               absl::string_view credentials,
                               absl::string_view where);

}  // namespace flyteplug::net

#endif  // FLYTEPLUG_NET_SECRET_H_
