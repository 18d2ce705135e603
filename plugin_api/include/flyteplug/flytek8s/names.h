// Kubernetes object-name rules and the stable hash flyteplug derives names
// from where Flyte would pick them at random.
#ifndef FLYTEPLUG_FLYTEK8S_NAMES_H_
#define FLYTEPLUG_FLYTEK8S_NAMES_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace flyteplug::flytek8s {

// The DNS-1123 label limit: a container or pod-name label has at most 63
// characters.
inline constexpr size_t kMaxDnsLabelLength = 63;

// Whether `c` may appear in a DNS-1123 label: [a-z0-9-].
bool IsDnsLabelChar(char c);

// Whether `name` is a DNS-1123 label of at most `max_length` characters:
// non-empty, [a-z0-9-] only, no leading or trailing '-'. Pure; thread-safe.
bool IsDnsLabel(absl::string_view name, size_t max_length = kMaxDnsLabelLength);

// 32-bit FNV-1a of `data`: stable across runs, processes and platforms, so
// names derived from it keep identical input giving identical output.
uint32_t Fnv1a32(absl::string_view data);

}  // namespace flyteplug::flytek8s

#endif  // FLYTEPLUG_FLYTEK8S_NAMES_H_
