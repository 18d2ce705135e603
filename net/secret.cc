#include "flyteplug/net/secret.h"

#include <algorithm>
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

// covered[i] is true when text[i] lies in a run of >= kMinRedactedRun
// consecutive characters that also occurs in `secret`. The longest run of
// `secret` ending at text[i] comes from the longest-common-substring dynamic
// programme, one row of secret.size() cells per text character. Runs ending
// at i start at i + 1 - length; starts never decrease (a run ending at i is
// at most one longer than the one ending at i - 1), so each position is
// marked once.
std::vector<bool> SecretRuns(absl::string_view text, absl::string_view secret) {
  std::vector<bool> covered(text.size(), false);
  std::vector<size_t> previous(secret.size() + 1, 0);
  std::vector<size_t> current(secret.size() + 1, 0);
  size_t marked_until = 0;  // covered[0, marked_until) is final
  for (size_t i = 0; i < text.size(); ++i) {
    size_t longest = 0;
    for (size_t j = 0; j < secret.size(); ++j) {
      current[j + 1] = text[i] == secret[j] ? previous[j] + 1 : 0;
      longest = std::max(longest, current[j + 1]);
    }
    std::swap(previous, current);
    if (longest < kMinRedactedRun) continue;
    for (size_t k = std::max(marked_until, i + 1 - longest); k <= i; ++k) {
      covered[k] = true;
    }
    marked_until = i + 1;
  }
  return covered;
}

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

std::string Redact(absl::string_view text, absl::string_view secret) {
  if (secret.empty() || text.empty()) return std::string(text);
  if (secret.size() < kMinRedactedRun) {
    return absl::StrReplaceAll(text, {{secret, kMarker}});
  }
  std::vector<bool> covered = SecretRuns(text, secret);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (!covered[i]) {
      out.push_back(text[i]);
    } else if (i == 0 || !covered[i - 1]) {
      out.append(kMarker);
    }
  }
  return out;
}

absl::Status Redact(const absl::Status& status, absl::string_view secret) {
  if (status.ok() || secret.empty()) return status;
  std::string message = Redact(status.message(), secret);
  if (message == status.message()) return status;
  return absl::Status(status.code(), message);
}

}  // namespace flyteplug::net
