#include "abi_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::loader {

absl::Status AbiStatus(flyteplug_status_code code, absl::string_view message) {
  if (code >= 0 && code <= 16) {
    return absl::Status(static_cast<absl::StatusCode>(code), message);
  }
  absl::StatusCode canonical = absl::StatusCode::kInternal;
  if (code == FLYTEPLUG_ABI_VERSION_MISMATCH ||
      code == FLYTEPLUG_ABI_STRUCT_TOO_NEW) {
    canonical = absl::StatusCode::kFailedPrecondition;
  }
  absl::Status status(canonical, message);
  status.SetPayload(kAbiCodePayloadUrl, absl::Cord(absl::StrCat(code)));
  return status;
}

flyteplug_status_code AbiCodeOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(kAbiCodePayloadUrl)) {
    int32_t code = 0;
    if (absl::SimpleAtoi(std::string(*payload), &code)) return code;
  }
  return static_cast<flyteplug_status_code>(status.code());
}

}  // namespace flyteplug::loader
