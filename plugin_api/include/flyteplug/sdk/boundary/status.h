// The one mapping between flyteplug_status_code (plugin.h) and absl::Status.
//
// Part of the boundary kit: header-only, every function inline. The loader,
// the SDK and every module compile their own copy; the version scripts of
// the loader and of modules keep these symbols local, so nothing here
// crosses the C ABI.
//
// The rule, both ways:
//  - 0-16 are absl's canonical codes and map one to one, with no payload.
//  - FLYTEPLUG_ABI_VERSION_MISMATCH and FLYTEPLUG_ABI_STRUCT_TOO_NEW become
//    kFailedPrecondition (the two sides cannot work together as built);
//    FLYTEPLUG_ABI_CONTRACT_VIOLATION becomes kInternal (a broken peer).
//  - Any other code (negative, 17-999, or from 1000 on but unknown to this
//    build, e.g. added by a newer ABI minor) becomes kInternal: the receiver
//    cannot act on a code it does not know.
//  - Every code that is not canonical travels as a payload under
//    kAbiCodePayloadUrl, so AbiCodeOf() gives back the exact number.
#ifndef FLYTEPLUG_SDK_BOUNDARY_STATUS_H_
#define FLYTEPLUG_SDK_BOUNDARY_STATUS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"

namespace flyteplug::sdk::boundary {

// The last of absl's canonical codes (plugin.h numbers them 0-16).
inline constexpr flyteplug_status_code kLastCanonicalCode =
    FLYTEPLUG_UNAUTHENTICATED;
// The ABI-specific codes this build knows, first to last.
inline constexpr flyteplug_status_code kFirstAbiSpecificCode =
    FLYTEPLUG_ABI_VERSION_MISMATCH;
inline constexpr flyteplug_status_code kLastAbiSpecificCode =
    FLYTEPLUG_ABI_CONTRACT_VIOLATION;

// The payload type URL under which a non-canonical code is carried.
inline constexpr absl::string_view kAbiCodePayloadUrl =
    "type.googleapis.com/flyteplug.AbiStatusCode";

// True for 0-16.
inline bool IsCanonicalCode(flyteplug_status_code code) {
  return code >= FLYTEPLUG_OK && code <= kLastCanonicalCode;
}

// True for a code plugin.h defines.
inline bool IsKnownAbiCode(flyteplug_status_code code) {
  return IsCanonicalCode(code) ||
         (code >= kFirstAbiSpecificCode && code <= kLastAbiSpecificCode);
}

// The absl::StatusCode `code` maps to (see the rule above).
inline absl::StatusCode CanonicalCodeOf(flyteplug_status_code code) {
  if (IsCanonicalCode(code)) return static_cast<absl::StatusCode>(code);
  if (code == FLYTEPLUG_ABI_VERSION_MISMATCH ||
      code == FLYTEPLUG_ABI_STRUCT_TOO_NEW) {
    return absl::StatusCode::kFailedPrecondition;
  }
  return absl::StatusCode::kInternal;
}

// A status for `code` with `message`; OK (message dropped) for FLYTEPLUG_OK.
inline absl::Status AbiStatus(flyteplug_status_code code,
                              absl::string_view message) {
  if (code == FLYTEPLUG_OK) return absl::OkStatus();
  absl::Status status(CanonicalCodeOf(code), message);
  if (!IsCanonicalCode(code)) {
    status.SetPayload(kAbiCodePayloadUrl, absl::Cord(absl::StrCat(code)));
  }
  return status;
}

// The ABI code of `status`: the payload if present, else the canonical code
// (FLYTEPLUG_UNKNOWN for a code absl does not define).
inline flyteplug_status_code AbiCodeOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(kAbiCodePayloadUrl)) {
    int32_t code = 0;
    if (absl::SimpleAtoi(std::string(*payload), &code) && code != FLYTEPLUG_OK)
      return code;
  }
  const auto code = static_cast<flyteplug_status_code>(status.code());
  return IsCanonicalCode(code) ? code : FLYTEPLUG_UNKNOWN;
}

// `status` with `prefix` put before its message, payloads kept.
inline absl::Status PrefixMessage(const absl::Status& status,
                                  absl::string_view prefix) {
  if (status.ok()) return status;
  absl::Status prefixed(status.code(), absl::StrCat(prefix, status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    prefixed.SetPayload(url, payload);
  });
  return prefixed;
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_STATUS_H_
