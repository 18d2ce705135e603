#include "flyteplug/flytek8s/quantity.h"

#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"

namespace flyteplug::flytek8s {

bool ParseQuantity(absl::string_view s, bool* zero) {
  // <quantity> ::= <signedNumber><suffix>; see k8s resource.ParseQuantity.
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false;
  bool nonzero = false;
  auto number = [&](bool* any_digit) {
    bool any = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nonzero = nonzero || s[i] != '0';
      any = true;
      ++i;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        nonzero = nonzero || s[i] != '0';
        any = true;
        ++i;
      }
    }
    *any_digit = any;
  };
  number(&digits);
  if (!digits) return false;
  absl::string_view suffix = s.substr(i);
  static constexpr absl::string_view kSuffixes[] = {
      "",  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n",
      "u", "m",  "k",  "M",  "G",  "T",  "P",  "E"};
  bool ok = false;
  for (absl::string_view known : kSuffixes) ok = ok || suffix == known;
  if (!ok && !suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    size_t j = 1;
    if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) ++j;
    ok = j < suffix.size();
    for (; j < suffix.size(); ++j) {
      ok = ok && suffix[j] >= '0' && suffix[j] <= '9';
    }
  }
  if (!ok) return false;
  *zero = !nonzero;
  return true;
}

double QuantityValue(absl::string_view s) {
  size_t end = 0;
  while (end < s.size() && (absl::ascii_isdigit(s[end]) || s[end] == '.' ||
                            s[end] == '+' || s[end] == '-')) {
    ++end;
  }
  double number = std::strtod(std::string(s.substr(0, end)).c_str(), nullptr);
  absl::string_view suffix = s.substr(end);
  struct {
    const char* suffix;
    double factor;
  } table[] = {{"", 1},
               {"Ki", 1024.0},
               {"Mi", 1048576.0},
               {"Gi", 1073741824.0},
               {"Ti", 1099511627776.0},
               {"Pi", 1125899906842624.0},
               {"Ei", 1152921504606846976.0},
               {"n", 1e-9},
               {"u", 1e-6},
               {"m", 1e-3},
               {"k", 1e3},
               {"M", 1e6},
               {"G", 1e9},
               {"T", 1e12},
               {"P", 1e15},
               {"E", 1e18}};
  for (const auto& row : table) {
    if (suffix == row.suffix) return number * row.factor;
  }
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    return std::strtod(std::string(s).c_str(), nullptr);
  }
  return -1;
}

}  // namespace flyteplug::flytek8s
