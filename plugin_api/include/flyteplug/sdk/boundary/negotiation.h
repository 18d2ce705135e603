// The negotiation offer of a host built against this plugin.h. Part of the
// boundary kit (see status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_NEGOTIATION_H_
#define FLYTEPLUG_SDK_BOUNDARY_NEGOTIATION_H_

#include <cstdint>

#include "flyteplug/plugin.h"

namespace flyteplug::sdk::boundary {

// Major FLYTEPLUG_ABI_VERSION_MAJOR, minors [0, FLYTEPLUG_ABI_VERSION_MINOR];
// module_abi_minor is UINT32_MAX, so a module that never writes it fails
// the host's "module_abi_minor <= FLYTEPLUG_ABI_VERSION_MINOR" check.
inline flyteplug_negotiation HostOffer() {
  flyteplug_negotiation offer{};
  offer.struct_size = sizeof(offer);
  offer.host_abi_major = FLYTEPLUG_ABI_VERSION_MAJOR;
  offer.host_abi_min_minor = 0;
  offer.host_abi_max_minor = FLYTEPLUG_ABI_VERSION_MINOR;
  offer.module_abi_minor = UINT32_MAX;
  return offer;
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_NEGOTIATION_H_
