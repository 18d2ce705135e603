// Carrying flyteplug ABI status codes inside absl::Status.
//
// absl::Status only knows the canonical codes 0-16. The ABI adds codes from
// 1000 on (plugin.h). An ABI-specific code travels as a payload on an
// absl::Status whose canonical code is the closest match, so internal code
// keeps using absl::Status and the C boundary recovers the exact number.
#ifndef FLYTEPLUG_LOADER_SRC_ABI_STATUS_H_
#define FLYTEPLUG_LOADER_SRC_ABI_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"

namespace flyteplug::loader {

// The payload type URL under which the exact ABI code is stored.
inline constexpr absl::string_view kAbiCodePayloadUrl =
    "type.googleapis.com/flyteplug.AbiStatusCode";

// Makes a status with `code` (any flyteplug_status_code except OK).
absl::Status AbiStatus(flyteplug_status_code code, absl::string_view message);

// The ABI code of `status`: the payload if present, else the canonical code.
flyteplug_status_code AbiCodeOf(const absl::Status& status);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_ABI_STATUS_H_
