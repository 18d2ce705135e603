#include "report.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace flyteplug::conformance {

std::string OneLine(const std::string& detail, size_t max_size) {
  std::string out;
  out.reserve(detail.size());
  for (char c : detail) {
    if (c == '\n') {
      out += " | ";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (out.size() > max_size) {
    out.resize(max_size);
    out += "...";
  }
  return out;
}

std::string FormatResult(const CheckResult& result) {
  std::string line = absl::StrCat(result.passed ? "PASS " : "FAIL ",
                                  result.check, " ", result.module_path);
  if (!result.detail.empty())
    absl::StrAppend(&line, ": ", OneLine(result.detail));
  return line;
}

std::string FormatSummary(const std::vector<CheckResult>& results) {
  std::set<std::string> modules;
  std::set<std::string> failing;
  size_t passed = 0;
  for (const CheckResult& r : results) {
    modules.insert(r.module_path);
    if (r.passed) {
      ++passed;
    } else {
      failing.insert(r.module_path);
    }
  }
  std::string line = absl::StrCat(
      "conformance: ", results.size(), " checks on ", modules.size(),
      modules.size() == 1 ? " module: " : " modules: ", passed, " passed, ",
      results.size() - passed, " failed");
  if (!failing.empty()) {
    absl::StrAppend(&line, " (failing: ", absl::StrJoin(failing, ", "), ")");
  }
  return line;
}

}  // namespace flyteplug::conformance
