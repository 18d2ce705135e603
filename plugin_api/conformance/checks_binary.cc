// exports-only-entry and loads-rtld-now-local: what the file exposes and
// whether the dynamic linker accepts it.
#include <elf.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checks.h"
#include "elf_symbols.h"
#include "flyteplug/plugin.h"
#include "module_harness.h"

namespace flyteplug::conformance {
namespace {

constexpr int kListed = 5;  // offending symbols named in a message

// Which library a leaked symbol belongs to, for the message.
std::string Classify(const std::string& mangled, const std::string& demangled) {
  auto has = [&](absl::string_view s) {
    return absl::StrContains(mangled, s) || absl::StrContains(demangled, s);
  };
  if (has("flyteidl") || has("flyteplug")) return "flyteidl/flyteplug";
  if (has("google::protobuf") || has("google8protobuf")) return "protobuf";
  if (has("absl")) return "absl";
  if (absl::StartsWith(mangled, "curl_") || absl::StartsWith(mangled, "Curl_"))
    return "curl";
  if (absl::StartsWith(demangled, "std::") || has("std::") ||
      absl::StartsWith(mangled, "_ZNSt") || absl::StartsWith(mangled, "_ZSt") ||
      absl::StartsWith(mangled, "_ZNKSt") || has("__gnu_cxx") ||
      absl::StartsWith(mangled, "_ZTVSt") ||
      absl::StartsWith(mangled, "_ZTISt") ||
      absl::StartsWith(mangled, "_ZTSSt"))
    return "std";
  return "other";
}

// A strong definition from full-runtime generated code of the public
// packages (flyteidl.*, flyteplug.v1): the module compiled the public .pb.cc
// files, which register descriptors. (The module-side lite copy lives in
// flyteplug::abi::*, hidden.)
bool IsGeneratedFlyteSymbol(const DynamicSymbol& sym,
                            const std::string& demangled) {
  if (absl::StrContains(sym.name, "descriptor_table_flyteidl") ||
      absl::StrContains(sym.name, "descriptor_table_flyteplug")) {
    return true;
  }
  if (sym.binding != STB_GLOBAL) return false;
  return absl::StartsWith(demangled, "flyteidl::") ||
         absl::StartsWith(demangled, "flyteplug::v1::") ||
         absl::StartsWith(demangled, "vtable for flyteidl::") ||
         absl::StartsWith(demangled, "typeinfo for flyteidl::");
}

}  // namespace

absl::StatusOr<std::string> CheckExportsOnlyEntry(const std::string& path) {
  auto image = ReadElfFile(path);
  if (!image.ok()) return image.status();

  bool has_entry = false;
  struct Offender {
    std::string demangled;
    std::string kind;
  };
  std::vector<Offender> offenders;
  std::vector<std::string> flyte_defined;
  std::map<std::string, int> by_class;
  for (const DynamicSymbol& sym : image->symbols) {
    if (!sym.defined) continue;
    if (sym.binding != STB_GLOBAL && sym.binding != STB_WEAK &&
        sym.binding != STB_GNU_UNIQUE) {
      continue;
    }
    if (sym.name == FLYTEPLUG_ENTRY_SYMBOL_V1 && sym.type == STT_FUNC) {
      has_entry = true;
      continue;
    }
    std::string demangled = Demangle(sym.name);
    if (IsGeneratedFlyteSymbol(sym, demangled)) {
      flyte_defined.push_back(demangled);
    }
    std::string kind = Classify(sym.name, demangled);
    ++by_class[kind];
    offenders.push_back({demangled, kind});
  }

  for (const std::string& needed : image->needed) {
    if (absl::StartsWith(needed, "libflyteplug_proto.so")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the module depends on ", needed,
          " (DT_NEEDED), the host's generated protobuf code, whose object "
          "layout changes whenever the schema gains a field; decode the ABI's "
          "messages with the module-side copy instead (flyteplug/sdk/"
          "messages.h, linked by flyteplug::sdk) and never link "
          "flyteplug::proto into a module"));
    }
  }
  std::string link_advice =
      "use the module-side lite messages (flyteplug/sdk/messages.h, package "
      "flyteplug::abi::*, linked by flyteplug::sdk) instead of compiling the "
      "public flyteidl/flyteplug .proto files with the full runtime: those "
      "register descriptors, and two copies abort the process when the "
      "second registers the same .proto file";
  if (!flyte_defined.empty()) {
    flyte_defined.resize(std::min<size_t>(flyte_defined.size(), kListed));
    return absl::FailedPreconditionError(
        absl::StrCat("the module defines flyteidl/flyteplug protobuf symbols (",
                     absl::StrJoin(flyte_defined, ", "), "); ", link_advice));
  }
  if (image->embeds_flyte_descriptors) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the module embeds its own copy of flyteidl/flyteplug generated "
        "protobuf code (found ",
        image->embedded_descriptor_hint, "); ", link_advice));
  }
  if (!offenders.empty()) {
    std::vector<std::string> classes;
    for (const auto& [name, count] : by_class) {
      classes.push_back(absl::StrCat(count, " ", name));
    }
    // Name library symbols first: they are the ones that break other modules.
    std::stable_sort(offenders.begin(), offenders.end(),
                     [](const Offender& a, const Offender& b) {
                       return (a.kind != "other") > (b.kind != "other");
                     });
    std::vector<std::string> examples;
    for (size_t i = 0; i < offenders.size() && i < kListed; ++i) {
      std::string name = offenders[i].demangled;
      if (name.size() > 80) name = name.substr(0, 77) + "...";
      examples.push_back(absl::StrCat(name, " [", offenders[i].kind, "]"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "exports ", offenders.size(), " symbols besides ",
        FLYTEPLUG_ENTRY_SYMBOL_V1, " (", absl::StrJoin(classes, ", "),
        "); build with flyteplug_add_module (hidden visibility, a version "
        "script exporting only the entry symbol, --exclude-libs,ALL); e.g. ",
        absl::StrJoin(examples, "; ")));
  }
  if (!has_entry) {
    return absl::FailedPreconditionError(
        absl::StrCat("the dynamic symbol table has no defined function ",
                     FLYTEPLUG_ENTRY_SYMBOL_V1));
  }
  return std::string();
}

absl::StatusOr<std::string> CheckLoadsRtldNowLocal(const std::string& path) {
  auto opened = OpenModule(path);
  if (!opened.ok()) return opened.status();
  return std::string();
}

}  // namespace flyteplug::conformance
