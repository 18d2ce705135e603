// negotiation-matrix: the entry function against older, newer and
// incompatible hosts, and against NULL and short arguments.
#include <cstring>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "checks.h"
#include "flyteplug/plugin.h"
#include "module_harness.h"

namespace flyteplug::conformance {
namespace {

flyteplug_negotiation Offer(uint32_t major, uint32_t min_minor,
                            uint32_t max_minor) {
  flyteplug_negotiation n;
  std::memset(&n, 0, sizeof(n));
  n.struct_size = sizeof(n);
  n.host_abi_major = major;
  n.host_abi_min_minor = min_minor;
  n.host_abi_max_minor = max_minor;
  return n;
}

// The decimal numbers that appear in `text` as whole tokens.
std::set<std::string> Numbers(const std::string& text) {
  std::set<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      size_t j = i;
      while (j < text.size() &&
             absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) {
        ++j;
      }
      out.insert(text.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

struct Outcome {
  flyteplug_status_code code;
  const flyteplug_module* module;
  flyteplug_negotiation negotiation;
  int set_calls;
  flyteplug_status_code sink_code;
  std::string message;
};

Outcome Call(flyteplug_entry_v1_fn entry, flyteplug_negotiation offer) {
  Outcome o;
  o.negotiation = offer;
  o.module = nullptr;
  sdk::boundary::ErrorCapture capture;
  o.code = entry(&o.negotiation, &o.module, capture.sink());
  o.set_calls = capture.calls();
  o.sink_code = capture.code();
  o.message = capture.message();
  return o;
}

// A refusal must come with exactly one matching, non-empty message.
absl::Status CheckRefusal(const std::string& what, const Outcome& o,
                          flyteplug_status_code expected) {
  if (o.code == FLYTEPLUG_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": accepted (module_abi_minor ",
                     o.negotiation.module_abi_minor, "); it must be refused"));
  }
  if (expected != FLYTEPLUG_OK && o.code != expected) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": refused with ", CodeName(o.code), ", expected ",
                     CodeName(expected)));
  }
  if (o.set_calls != 1 || o.sink_code != o.code || o.message.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": refused with ", CodeName(o.code),
        " but did not report one non-empty message with that code through the "
        "error sink (",
        o.set_calls, " calls)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> CheckNegotiationMatrix(const std::string& path) {
  auto opened = OpenModule(path);
  if (!opened.ok()) return opened.status();
  flyteplug_entry_v1_fn entry = opened->entry;

  // An older host that speaks only minor 0.
  Outcome old_host = Call(entry, Offer(1, 0, 0));
  if (old_host.code != FLYTEPLUG_OK || old_host.module == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a host offering major 1, minors [0, 0] was refused: ",
                     CodeName(old_host.code), ": ", old_host.message));
  }
  if (old_host.negotiation.module_abi_minor != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("a host offering minors [0, 0] got module_abi_minor ",
                     old_host.negotiation.module_abi_minor, " (must be 0)"));
  }
  if (old_host.set_calls != 0) {
    return absl::FailedPreconditionError(
        "the entry function called the error sink on success");
  }
  const flyteplug_module* module = old_host.module;
  const uint32_t module_minor = module->abi_minor;

  // A newer host.
  Outcome new_host = Call(entry, Offer(1, 0, 99));
  if (new_host.code != FLYTEPLUG_OK || new_host.module == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("a newer host offering minors [0, 99] was refused: ",
                     CodeName(new_host.code), ": ", new_host.message));
  }
  uint32_t picked = new_host.negotiation.module_abi_minor;
  if (picked > 99 || picked > module_minor) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a host offering minors [0, 99] got module_abi_minor ", picked,
        ", above the host's maximum or the descriptor's abi_minor ",
        module_minor));
  }
  if (new_host.module != module) {
    return absl::FailedPreconditionError(
        "the entry function returned a different descriptor on a second call "
        "(the descriptor must be static)");
  }

  // A host that requires a minor the module does not speak.
  if (module_minor < 99) {
    Outcome too_new = Call(entry, Offer(1, 99, 99));
    if (auto s = CheckRefusal("a host requiring minor >= 99", too_new,
                              FLYTEPLUG_ABI_VERSION_MISMATCH);
        !s.ok()) {
      return s;
    }
    std::set<std::string> numbers = Numbers(too_new.message);
    if (!numbers.count("99") || !numbers.count(std::to_string(module_minor))) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing a host requiring minor >= 99, the message must name both "
          "versions (99 and the module's ",
          module_minor, "): \"", too_new.message, "\""));
    }
  }

  // Another major.
  Outcome major2 = Call(entry, Offer(2, 0, 0));
  if (auto s = CheckRefusal("a host offering major 2", major2,
                            FLYTEPLUG_ABI_VERSION_MISMATCH);
      !s.ok()) {
    return s;
  }
  std::set<std::string> numbers = Numbers(major2.message);
  if (!numbers.count("2") || !numbers.count("1")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing major 2, the message must name both majors (2 and 1): \"",
        major2.message, "\""));
  }

  // A negotiation struct too short to hold module_abi_minor.
  flyteplug_negotiation short_offer = Offer(1, 0, 0);
  short_offer.struct_size = 8;
  Outcome too_short = Call(entry, short_offer);
  if (auto s = CheckRefusal("a negotiation with struct_size 8", too_short,
                            FLYTEPLUG_OK);
      !s.ok()) {
    return s;
  }

  // NULL pointers: errors, no crash.
  {
    sdk::boundary::ErrorCapture capture;
    const flyteplug_module* m = nullptr;
    if (entry(nullptr, &m, capture.sink()) == FLYTEPLUG_OK) {
      return absl::FailedPreconditionError(
          "the entry function returned OK for a NULL negotiation");
    }
    flyteplug_negotiation n = Offer(1, 0, 0);
    if (entry(&n, nullptr, capture.sink()) == FLYTEPLUG_OK) {
      return absl::FailedPreconditionError(
          "the entry function returned OK for a NULL module pointer");
    }
    n = Offer(2, 0, 0);
    if (entry(&n, &m, nullptr) == FLYTEPLUG_OK) {
      return absl::FailedPreconditionError(
          "the entry function accepted major 2 when given no error sink");
    }
  }
  return absl::StrCat("module speaks minor ", module_minor);
}

}  // namespace flyteplug::conformance
