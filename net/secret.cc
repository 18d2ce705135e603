#include "flyteplug/net/secret.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace flyteplug::net {
namespace {

constexpr char kMarker[] = "[REDACTED]";

const char* ByteClass(unsigned char c) {
  if (c == '\r') return "a carriage return (CR)";
  if (c == '\n') return "a line feed (LF)";
  if (c == '\0') return "a NUL byte";
  if (c == ' ' || c == '\t') return "whitespace";
  if (c < 0x20 || c == 0x7f) return "a control character";
  return "a non-ASCII byte";
}

static_assert(kMinRedactedRun == sizeof(uint64_t),
              "a run of kMinRedactedRun bytes is compared as one 64-bit word");

// The kMinRedactedRun bytes of `s` from offset `i` as one word.
// REQUIRES: i + kMinRedactedRun <= s.size().
uint64_t RunAt(absl::string_view s, size_t i) {
  uint64_t run;
  std::memcpy(&run, s.data() + i, sizeof(run));
  return run;
}

// The distinct kMinRedactedRun-byte substrings of a secret, for membership
// tests: a 1024-bit filter rejects most non-members in O(1), a sorted
// vector answers the rest in O(log secret.size()).
class SecretRuns {
 public:
  // REQUIRES: secret.size() >= kMinRedactedRun.
  explicit SecretRuns(absl::string_view secret) {
    runs_.reserve(secret.size() - kMinRedactedRun + 1);
    for (size_t i = 0; i + kMinRedactedRun <= secret.size(); ++i) {
      const uint64_t run = RunAt(secret, i);
      runs_.push_back(run);
      const size_t slot = Slot(run);
      filter_[slot / 64] |= uint64_t{1} << (slot % 64);
    }
    std::sort(runs_.begin(), runs_.end());
    runs_.erase(std::unique(runs_.begin(), runs_.end()), runs_.end());
  }

  bool Contains(uint64_t run) const {
    const size_t slot = Slot(run);
    return (filter_[slot / 64] >> (slot % 64) & 1) != 0 &&
           std::binary_search(runs_.begin(), runs_.end(), run);
  }

 private:
  // A multiplicative hash of `run` into [0, 1024).
  static size_t Slot(uint64_t run) {
    return static_cast<size_t>((run * 0x9E3779B97F4A7C15ull) >> 54);
  }

  std::array<uint64_t, 16> filter_{};
  std::vector<uint64_t> runs_;
};

}  // namespace

absl::Status ValidateBearerToken(absl::string_view service,
                                 absl::string_view token,
                                 absl::string_view where,
                                 absl::StatusCode code) {
  if (token.empty()) {
    return absl::Status(
        code, absl::StrCat(service, ": API token from ", where, " is empty"));
  }
  for (size_t i = 0; i < token.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(token[i]);
    if (c > 0x20 && c < 0x7f) continue;
    return absl::Status(
        code,
        absl::StrCat(service, ": API token from ", where, " contains ",
                     ByteClass(c), " at byte ", i, " of ", token.size(),
                     "; a token must be visible ASCII without whitespace or "
                     "control characters, or it could inject HTTP headers. "
                     "Nothing was sent"));
  }
  return absl::OkStatus();
}

absl::Status ValidateBasicAuth(absl::string_view service,
                               absl::string_view credentials,
                               absl::string_view where) {
  size_t colon = credentials.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(service, ": basic credentials from ", where,
                     " must be 'user:password' with a non-empty user"));
  }
  for (size_t i = 0; i < credentials.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(credentials[i]);
    if (c >= 0x20 && c != 0x7f) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        service, ": basic credentials from ", where, " contain ", ByteClass(c),
        " at byte ", i, " of ", credentials.size(), "; nothing was sent"));
  }
  return absl::OkStatus();
}

// A run of >= kMinRedactedRun characters of `text` occurs in `secret` exactly
// when each of its kMinRedactedRun-byte windows does, so the text positions
// to scrub are the union of the matching windows; overlapping or adjacent
// windows share one marker.
std::string Redact(absl::string_view text, absl::string_view secret) {
  if (secret.empty() || text.empty()) return std::string(text);
  if (secret.size() < kMinRedactedRun) {
    return absl::StrReplaceAll(text, {{secret, kMarker}});
  }
  if (text.size() < kMinRedactedRun) return std::string(text);
  const SecretRuns runs(secret);
  std::string out;
  bool redacted = false;
  size_t kept_until = 0;  // text[0, kept_until) is in `out` or scrubbed
  for (size_t i = 0; i + kMinRedactedRun <= text.size(); ++i) {
    if (!runs.Contains(RunAt(text, i))) continue;
    if (!redacted || i > kept_until) {  // not touching the previous window
      if (!redacted) out.reserve(text.size());
      out.append(text.data() + kept_until, i - kept_until);
      out.append(kMarker);
      redacted = true;
    }
    kept_until = i + kMinRedactedRun;
  }
  if (!redacted) return std::string(text);
  out.append(text.data() + kept_until, text.size() - kept_until);
  return out;
}

absl::Status Redact(const absl::Status& status, absl::string_view secret) {
  if (status.ok() || secret.empty()) return status;
  std::string message = Redact(status.message(), secret);
  if (message == status.message()) return status;
  return absl::Status(status.code(), message);
}

}  // namespace flyteplug::net
