// Reading a struct that starts with `uint32_t struct_size` (plugin.h): a
// missing tail reads as zero; a longer struct is accepted only if the tail
// this build does not know is all zero bytes. Part of the boundary kit (see
// status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_SIZED_STRUCT_H_
#define FLYTEPLUG_SDK_BOUNDARY_SIZED_STRUCT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/status.h"

namespace flyteplug::sdk::boundary {

// The largest struct_size any reader accepts: catches garbage before the
// tail scan reads that far.
inline constexpr uint32_t kMaxStructSize = 4096;

// What a reader knows about the struct it reads; named in every message.
struct SizedStructSpec {
  absl::string_view name;    // e.g. "flyteplug_module"
  absl::string_view reader;  // "loader" / "module": "this loader knows 104"
  size_t min_size;           // the smallest struct_size accepted
  // Returned for a struct_size below min_size or above kMaxStructSize:
  // INVALID_ARGUMENT for a caller's input, ABI_CONTRACT_VIOLATION for a
  // module's descriptor.
  flyteplug_status_code bad_size_code;
};

// OK when `declared` (a struct_size) lies in [min_size, kMaxStructSize];
// else spec.bad_size_code, "<name>.struct_size is N, expected between MIN
// and MAX (this <reader> knows `known`)". For structs read (below) and for
// output structs a caller sizes (loader.h's flyteplug_module_info).
inline absl::Status CheckStructSize(uint32_t declared,
                                    const SizedStructSpec& spec, size_t known) {
  const size_t min_size = std::max<size_t>(spec.min_size, sizeof(uint32_t));
  if (declared >= min_size && declared <= kMaxStructSize) {
    return absl::OkStatus();
  }
  return AbiStatus(
      spec.bad_size_code,
      absl::StrCat(spec.name, ".struct_size is ", declared,
                   ", expected between ", min_size, " and ", kMaxStructSize,
                   " (this ", spec.reader, " knows ", known, ")"));
}

// Copies `*source` into `*out` by the rule above. Errors:
//  - struct_size out of [min_size, kMaxStructSize]: spec.bad_size_code,
//    "<name>.struct_size is N, expected between MIN and MAX (this <reader>
//    knows S)";
//  - a non-zero unknown tail: FLYTEPLUG_ABI_STRUCT_TOO_NEW, "<name>.
//    struct_size is N, this <reader> knows S, and the unknown tail has a
//    non-zero byte at offset I".
// REQUIRES: source != NULL and T starts with uint32_t struct_size.
// On error *out is unspecified.
template <typename T>
absl::Status ReadSizedStruct(const void* source, const SizedStructSpec& spec,
                             T* out) {
  uint32_t declared;
  std::memcpy(&declared, source, sizeof(declared));
  if (absl::Status s = CheckStructSize(declared, spec, sizeof(T)); !s.ok()) {
    return s;
  }
  std::memset(static_cast<void*>(out), 0, sizeof(T));
  std::memcpy(static_cast<void*>(out), source,
              std::min<size_t>(declared, sizeof(T)));
  const auto* bytes = static_cast<const unsigned char*>(source);
  for (size_t i = sizeof(T); i < declared; ++i) {
    if (bytes[i] != 0) {
      return AbiStatus(
          FLYTEPLUG_ABI_STRUCT_TOO_NEW,
          absl::StrCat(spec.name, ".struct_size is ", declared, ", this ",
                       spec.reader, " knows ", sizeof(T),
                       ", and the unknown tail has a non-zero byte at offset ",
                       i));
    }
  }
  return absl::OkStatus();
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_SIZED_STRUCT_H_
