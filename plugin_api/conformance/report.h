// Formatting of the suite's report lines.
#ifndef FLYTEPLUG_CONFORMANCE_REPORT_H_
#define FLYTEPLUG_CONFORMANCE_REPORT_H_

#include <string>
#include <vector>

#include "conformance.h"

namespace flyteplug::conformance {

// Makes `detail` one line of at most `max_size` bytes: control characters
// become spaces, newlines " | ", and a longer text ends in "...".
std::string OneLine(const std::string& detail, size_t max_size = 600);

// "PASS|FAIL <check> <module>[: detail]".
std::string FormatResult(const CheckResult& result);

// "conformance: <n> checks on <m> modules: <p> passed, <f> failed" followed
// by the failing modules, if any.
std::string FormatSummary(const std::vector<CheckResult>& results);

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_REPORT_H_
