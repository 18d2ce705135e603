#include "flyteplug/flytek8s/names.h"

namespace flyteplug::flytek8s {

bool IsDnsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool IsDnsLabel(absl::string_view name, size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  for (char c : name) {
    if (!IsDnsLabelChar(c)) return false;
  }
  return name.front() != '-' && name.back() != '-';
}

uint32_t Fnv1a32(absl::string_view data) {
  uint32_t hash = 2166136261u;  // FNV-1a 32-bit offset basis
  for (char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;  // FNV-1a 32-bit prime
  }
  return hash;
}

}  // namespace flyteplug::flytek8s
