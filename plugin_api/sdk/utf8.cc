#include "flyteplug/sdk/utf8.h"

#include "absl/strings/str_cat.h"

namespace flyteplug::sdk {
namespace {

// The length of the well-formed UTF-8 sequence starting at text[i], or 0
// when the bytes there are not one. REQUIRES: i < text.size().
size_t SequenceLength(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  // Overlong forms, surrogates and code points above U+10FFFF.
  const unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) ||
      (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
    return 0;
  }
  return n;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t n = SequenceLength(text, i);
    if (n == 0) {
      out.push_back('?');
      ++i;
    } else if (n > 1) {
      out.append(text.data() + i, n);
      i += n;
    } else {
      if (c == '\t' || c == '\n' || c == '\r') {
        out.push_back(' ');
      } else {
        out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
      }
      ++i;
    }
  }
  return out;
}

std::string Snippet(absl::string_view text, size_t max) {
  if (text.size() <= max) return SanitizeUtf8(text);
  size_t cut = max;
  // Back off to a character boundary (never inside a UTF-8 sequence).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrCat(SanitizeUtf8(text.substr(0, cut)), "...");
}

}  // namespace flyteplug::sdk
