#include "listen_address.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::connector {

absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view flag,
                                                 absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": '", text, "' ", why, " (expected HOST:PORT)"));
  };
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) return bad("has no port");
  absl::string_view host = text.substr(0, colon);
  absl::string_view port_text = text.substr(colon + 1);
  if (host.empty()) return bad("has no host");
  if (host.front() == '[' ? host.back() != ']'
                          : host.find(':') != absl::string_view::npos) {
    return bad("has an IPv6 host without brackets");
  }
  int port = 0;
  if (port_text.empty() || !absl::SimpleAtoi(port_text, &port) || port < 0 ||
      port > 65535 || port_text.front() == '+' || port_text.front() == '-') {
    return bad("has no valid port (0-65535)");
  }
  return ListenAddress{std::string(host), port};
}

std::string FormatListenAddress(const std::string& host, int port) {
  return absl::StrCat(host, ":", port);
}

}  // namespace flyteplug::connector
