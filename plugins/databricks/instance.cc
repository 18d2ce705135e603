#include "instance.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace flyteplug::databricks {
namespace {

absl::Status Invalid(absl::string_view where, absl::string_view raw,
                     absl::string_view why) {
  // User info may hold credentials: never echo it.
  std::string shown(raw);
  size_t at = shown.rfind('@');
  if (at != std::string::npos) {
    size_t scheme = shown.find("://");
    size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    if (start <= at) shown.replace(start, at - start, "<redacted>");
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": \"", shown, "\" ", why));
}

bool ValidPort(absl::string_view port) {
  uint32_t number = 0;
  return absl::SimpleAtoi(port, &number) && number > 0 && number <= 65535;
}

// Splits "host[:port]" / "[v6][:port]"; false when malformed.
bool SplitHostPort(absl::string_view authority, absl::string_view* host) {
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos || close == 1) return false;
    *host = authority.substr(0, close + 1);
    absl::string_view rest = authority.substr(close + 1);
    if (rest.empty()) return true;
    return rest.front() == ':' && ValidPort(rest.substr(1));
  }
  size_t colon = authority.find(':');
  *host = authority.substr(0, colon);
  if (host->empty()) return false;
  if (colon == absl::string_view::npos) return true;
  return ValidPort(authority.substr(colon + 1));
}

}  // namespace

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost") || host == "[::1]" ||
      host == "::1") {
    return true;
  }
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view octet : octets) {
    uint32_t value = 0;
    if (octet.empty() || !absl::SimpleAtoi(octet, &value) || value > 255) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> NormalizeInstance(absl::string_view raw,
                                              absl::string_view where) {
  absl::string_view text = absl::StripAsciiWhitespace(raw);
  if (text.empty()) return Invalid(where, raw, "is empty");
  std::string scheme = "https";
  absl::string_view rest = text;
  size_t sep = text.find("://");
  if (sep != absl::string_view::npos) {
    scheme = absl::AsciiStrToLower(text.substr(0, sep));
    rest = text.substr(sep + 3);
    if (scheme != "https" && scheme != "http") {
      return Invalid(where, raw,
                     "has an unsupported scheme (use https:// or a bare "
                     "host)");
    }
  }
  while (absl::EndsWith(rest, "/")) rest.remove_suffix(1);
  for (char c : rest) {
    if (c == '@' || c == '?' || c == '#' || c == '\\' ||
        absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return Invalid(where, raw,
                     "must be a host name (optionally with :port and a "
                     "path), without user info, query, fragment or "
                     "spaces");
    }
  }
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  absl::string_view host;
  if (authority.empty() || !SplitHostPort(authority, &host)) {
    return Invalid(where, raw, "has no valid host[:port]");
  }
  if (scheme == "http" && !IsLoopbackHost(host)) {
    return Invalid(where, raw,
                   "uses http://, which is accepted only for loopback hosts: "
                   "the API token must not travel in clear text");
  }
  return absl::StrCat(scheme, "://", rest);
}

absl::StatusOr<std::string> ResolveInstance(absl::string_view task_value,
                                            absl::string_view config_value,
                                            absl::string_view env_value) {
  if (!absl::StripAsciiWhitespace(task_value).empty()) {
    return NormalizeInstance(task_value,
                             "taskTemplate.custom.databricksInstance");
  }
  if (!absl::StripAsciiWhitespace(config_value).empty()) {
    return NormalizeInstance(config_value,
                             "plugins.databricks.databricksInstance");
  }
  if (!absl::StripAsciiWhitespace(env_value).empty()) {
    return NormalizeInstance(env_value, kInstanceEnvVar);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "missing Databricks instance: set taskTemplate.custom.databricksInstance"
      ", plugins.databricks.databricksInstance or the ",
      kInstanceEnvVar, " environment variable"));
}

}  // namespace flyteplug::databricks
