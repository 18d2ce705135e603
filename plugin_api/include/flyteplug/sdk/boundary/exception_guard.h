// The exception barrier every extern "C" function of flyteplug runs behind:
// nothing unwinds across the C ABI (plugin.h). Part of the boundary kit (see
// status.h).
#ifndef FLYTEPLUG_SDK_BOUNDARY_EXCEPTION_GUARD_H_
#define FLYTEPLUG_SDK_BOUNDARY_EXCEPTION_GUARD_H_

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/error_sink.h"

namespace flyteplug::sdk::boundary {

// Runs `body()` (which returns a flyteplug_status_code) and returns its code.
// An exception escaping it is turned into a code and a message naming
// `what`, handed to `report(code, message)`, whose return value is returned:
//  - std::bad_alloc: FLYTEPLUG_RESOURCE_EXHAUSTED, "<what>: out of memory";
//  - std::exception: FLYTEPLUG_INTERNAL, "<what>: uncaught exception: <e>";
//  - anything else:  FLYTEPLUG_INTERNAL,
//                    "<what>: uncaught non-standard exception".
// Should `report` itself throw, the code is returned without a message.
template <typename Body, typename Report>
flyteplug_status_code GuardBoundary(absl::string_view what, Report&& report,
                                    Body&& body) noexcept {
  flyteplug_status_code code = FLYTEPLUG_INTERNAL;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    code = FLYTEPLUG_RESOURCE_EXHAUSTED;
    try {
      return report(code, absl::StrCat(what, ": out of memory"));
    } catch (...) {
    }
  } catch (const std::exception& e) {
    try {
      return report(code,
                    absl::StrCat(what, ": uncaught exception: ", e.what()));
    } catch (...) {
    }
  } catch (...) {
    try {
      return report(code,
                    absl::StrCat(what, ": uncaught non-standard exception"));
    } catch (...) {
    }
  }
  return code;
}

// GuardBoundary for a callee: reports into the caller's `error` sink (which
// may be NULL) with ReportError.
template <typename Body>
flyteplug_status_code GuardIntoSink(absl::string_view what,
                                    flyteplug_error* error,
                                    Body&& body) noexcept {
  return GuardBoundary(
      what,
      [error](flyteplug_status_code code, absl::string_view message) {
        return ReportError(error, code, message);
      },
      std::forward<Body>(body));
}

}  // namespace flyteplug::sdk::boundary

#endif  // FLYTEPLUG_SDK_BOUNDARY_EXCEPTION_GUARD_H_
