// Borrowed bytes and owned buffers of plugin.h (flyteplug_bytes,
// flyteplug_buffer) with the release-once rule: the receiver calls
// `release(self)` exactly once, after which `release` is NULL.
// Part of the boundary kit (see status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_BUFFER_H_
#define FLYTEPLUG_SDK_BOUNDARY_BUFFER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"

namespace flyteplug::sdk::boundary {

// A borrowed view of `s`. LIFETIME: that of `s`'s storage.
inline flyteplug_bytes BytesOf(absl::string_view s) {
  return flyteplug_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The bytes as a string_view (empty for NULL data).
inline absl::string_view ViewOf(flyteplug_bytes bytes) {
  if (bytes.data == nullptr) return {};
  return {reinterpret_cast<const char*>(bytes.data), bytes.size};
}

// InvalidArgument "<name>: NULL data with size N" for NULL data with a size.
inline absl::Status CheckBytes(flyteplug_bytes bytes, absl::string_view name) {
  if (bytes.data == nullptr && bytes.size != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": NULL data with size ", bytes.size));
  }
  return absl::OkStatus();
}

// What an owned string's release does with its bytes before freeing them.
enum class OnRelease { kFree, kScrubAndFree /* for secrets */ };

namespace internal {
template <OnRelease kMode>
void ReleaseOwnedString(flyteplug_buffer* buffer) {
  if (buffer == nullptr || buffer->release == nullptr) return;
  auto* owned = static_cast<std::string*>(buffer->private_data);
  if (kMode == OnRelease::kScrubAndFree && !owned->empty()) {
    std::memset(&(*owned)[0], 0, owned->size());
  }
  delete owned;
  *buffer = flyteplug_buffer{};
}
}  // namespace internal

// Producer side: hands `value` to the receiver as an owned buffer.
// REQUIRES: out != NULL. OWNERSHIP: *out is the receiver's to release.
inline void EmitOwnedString(std::string value, flyteplug_buffer* out,
                            OnRelease mode = OnRelease::kFree) {
  auto* owned = new std::string(std::move(value));
  out->data = reinterpret_cast<const uint8_t*>(owned->data());
  out->size = owned->size();
  out->private_data = owned;
  out->release = mode == OnRelease::kFree
                     ? &internal::ReleaseOwnedString<OnRelease::kFree>
                     : &internal::ReleaseOwnedString<OnRelease::kScrubAndFree>;
}

// Receiver side: releases `buffer` if it owns anything (NULL allowed), and
// leaves it zeroed. Never throws.
inline void ReleaseBuffer(flyteplug_buffer* buffer) noexcept {
  if (buffer == nullptr) return;
  if (buffer->release != nullptr) {
    try {
      buffer->release(buffer);
    } catch (...) {  // a producer's release must not throw; contain it
    }
  }
  *buffer = flyteplug_buffer{};
}

// Receiver side: copies the bytes of `buffer`, then releases it once.
inline std::string TakeBuffer(flyteplug_buffer* buffer) {
  std::string copy;
  if (buffer->data != nullptr) {
    copy.assign(reinterpret_cast<const char*>(buffer->data), buffer->size);
  }
  ReleaseBuffer(buffer);
  return copy;
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_BUFFER_H_
