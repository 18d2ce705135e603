// Reads the dynamic symbol table and the DT_NEEDED list of a 64-bit
// little-endian ELF shared object without loading it.
#ifndef FLYTEPLUG_CONFORMANCE_ELF_SYMBOLS_H_
#define FLYTEPLUG_CONFORMANCE_ELF_SYMBOLS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::conformance {

struct DynamicSymbol {
  std::string name;  // as stored (mangled)
  uint8_t binding;   // STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE, STB_LOCAL
  uint8_t type;      // STT_FUNC, STT_OBJECT, ...
  bool defined;      // st_shndx != SHN_UNDEF
};

struct ElfImage {
  std::vector<DynamicSymbol> symbols;  // every .dynsym entry but the null one
  std::vector<std::string> needed;     // DT_NEEDED entries, in file order
  // True when the file's bytes hold generated protobuf code for flyteidl or
  // flyteplug messages: a `descriptor_table_flyteidl...`/`..._flyteplug...`
  // string, or an embedded serialized FileDescriptorProto of such a file.
  bool embeds_flyte_descriptors = false;
  std::string embedded_descriptor_hint;  // what was found, for messages
};

// Parses `bytes` as an ELF file. Errors (InvalidArgument) name what is wrong
// and where (offset or section index). Never reads out of bounds.
absl::StatusOr<ElfImage> ParseElf(absl::string_view bytes);

// Reads the file at `path` (at most 1 GiB) and parses it.
absl::StatusOr<ElfImage> ReadElfFile(const std::string& path);

// The demangled form of `name`, or `name` itself when it is not a C++ name.
std::string Demangle(const std::string& name);

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_ELF_SYMBOLS_H_
