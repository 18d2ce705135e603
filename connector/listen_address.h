// HOST:PORT listener addresses of the connector server.
#ifndef FLYTEPLUG_CONNECTOR_LISTEN_ADDRESS_H_
#define FLYTEPLUG_CONNECTOR_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::connector {

struct ListenAddress {
  std::string host;  // as written; IPv6 keeps its brackets, e.g. "[::]"
  int port = 0;      // 0 = any free port
};

// Parses "HOST:PORT" or "[V6]:PORT" (PORT 0-65535, HOST non-empty).
// INVALID_ARGUMENT naming `flag` and the text otherwise.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view flag,
                                                 absl::string_view text);

// "HOST:PORT".
std::string FormatListenAddress(const std::string& host, int port);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_LISTEN_ADDRESS_H_
