#include "elf_symbols.h"

#include <cxxabi.h>
#include <elf.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::conformance {
namespace {

// Copies a T out of `bytes` at `offset`, or fails naming `what`.
template <typename T>
absl::StatusOr<T> ReadAt(absl::string_view bytes, uint64_t offset,
                         absl::string_view what) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ELF: ", what, " at offset ", offset, " (", sizeof(T),
        " bytes) lies beyond the end of the file (", bytes.size(), " bytes)"));
  }
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// Looks for generated flyteidl/flyteplug protobuf code in the raw bytes: the
// descriptor table symbol names (present unless stripped) or the serialized
// FileDescriptorProto (always present): field 1 "flyteidl/....proto" followed
// by field 2 (0x12) holding the package "flyteidl." or "flyteplug.".
void FindEmbeddedDescriptors(absl::string_view bytes, ElfImage* image) {
  for (absl::string_view needle :
       {"descriptor_table_flyteidl", "descriptor_table_flyteplug"}) {
    if (bytes.find(needle) != absl::string_view::npos) {
      image->embeds_flyte_descriptors = true;
      image->embedded_descriptor_hint = std::string(needle);
      return;
    }
  }
  size_t pos = 0;
  while ((pos = bytes.find(".proto\x12", pos)) != absl::string_view::npos) {
    pos += 7;
    if (pos + 1 >= bytes.size()) break;
    absl::string_view package = bytes.substr(pos + 1, 16);
    if (absl::StartsWith(package, "flyteidl.") ||
        absl::StartsWith(package, "flyteplug.")) {
      image->embeds_flyte_descriptors = true;
      image->embedded_descriptor_hint =
          absl::StrCat("serialized descriptor of package ",
                       package.substr(0, package.find('.') + 1), "*");
      return;
    }
  }
}

// The section `index` as bytes, or an error naming `what` when it does not
// exist or lies beyond the end of the file.
absl::StatusOr<absl::string_view> SectionBytes(
    absl::string_view bytes, const std::vector<Elf64_Shdr>& sections,
    uint64_t index, absl::string_view what) {
  if (index >= sections.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ELF: ", what, " is section ", index, ", which does not exist"));
  }
  const Elf64_Shdr& section = sections[index];
  if (section.sh_offset > bytes.size() ||
      bytes.size() - section.sh_offset < section.sh_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: ", what, " (section ", index,
                     ") lies beyond the end of the file"));
  }
  return bytes.substr(section.sh_offset, section.sh_size);
}

// The NUL-terminated string at `offset` of `strings`, or an error naming
// `what`.
absl::StatusOr<absl::string_view> StringAt(absl::string_view strings,
                                           uint64_t offset,
                                           absl::string_view what) {
  if (offset >= strings.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: ", what, " names string offset ", offset,
                     " outside the string table (", strings.size(), " bytes)"));
  }
  absl::string_view rest = strings.substr(offset);
  size_t end = rest.find('\0');
  if (end == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: ", what, " is not NUL-terminated"));
  }
  return rest.substr(0, end);
}

// Appends the DT_NEEDED entries of the SHT_DYNAMIC section (if any) to
// `image->needed`.
absl::Status ReadNeeded(absl::string_view bytes,
                        const std::vector<Elf64_Shdr>& sections,
                        ElfImage* image) {
  for (size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].sh_type != SHT_DYNAMIC) continue;
    auto dynamic = SectionBytes(bytes, sections, i, ".dynamic");
    if (!dynamic.ok()) return dynamic.status();
    auto strings = SectionBytes(bytes, sections, sections[i].sh_link,
                                "the string table of .dynamic");
    if (!strings.ok()) return strings.status();
    for (size_t at = 0; at + sizeof(Elf64_Dyn) <= dynamic->size();
         at += sizeof(Elf64_Dyn)) {
      Elf64_Dyn entry;
      std::memcpy(&entry, dynamic->data() + at, sizeof(entry));
      if (entry.d_tag == DT_NULL) break;
      if (entry.d_tag != DT_NEEDED) continue;
      auto name = StringAt(*strings, entry.d_un.d_val,
                           absl::StrCat(".dynamic DT_NEEDED at offset ", at));
      if (!name.ok()) return name.status();
      image->needed.emplace_back(*name);
    }
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ElfImage> ParseElf(absl::string_view bytes) {
  if (bytes.size() < EI_NIDENT ||
      std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError("not an ELF file (bad magic)");
  }
  if (static_cast<unsigned char>(bytes[EI_CLASS]) != ELFCLASS64) {
    return absl::InvalidArgumentError("ELF: not a 64-bit object (EI_CLASS)");
  }
  if (static_cast<unsigned char>(bytes[EI_DATA]) != ELFDATA2LSB) {
    return absl::InvalidArgumentError(
        "ELF: not a little-endian object (EI_DATA)");
  }
  auto header = ReadAt<Elf64_Ehdr>(bytes, 0, "ELF header");
  if (!header.ok()) return header.status();
  if (header->e_shentsize != sizeof(Elf64_Shdr)) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: e_shentsize is ", header->e_shentsize, ", expected ",
                     sizeof(Elf64_Shdr)));
  }
  std::vector<Elf64_Shdr> sections;
  sections.reserve(header->e_shnum);
  for (uint32_t i = 0; i < header->e_shnum; ++i) {
    auto section = ReadAt<Elf64_Shdr>(
        bytes, header->e_shoff + uint64_t{i} * sizeof(Elf64_Shdr),
        absl::StrCat("section header ", i));
    if (!section.ok()) return section.status();
    sections.push_back(*section);
  }

  ElfImage image;
  const Elf64_Shdr* dynsym = nullptr;
  for (const Elf64_Shdr& section : sections) {
    if (section.sh_type == SHT_DYNSYM) {
      dynsym = &section;
      break;
    }
  }
  if (dynsym == nullptr) {
    return absl::InvalidArgumentError(
        "ELF: no .dynsym section (not a shared object?)");
  }
  auto table = SectionBytes(bytes, sections, dynsym->sh_link,
                            "the string table of .dynsym");
  if (!table.ok()) return table.status();
  absl::string_view strings = *table;
  if (dynsym->sh_entsize != sizeof(Elf64_Sym)) {
    return absl::InvalidArgumentError(
        absl::StrCat("ELF: .dynsym entry size is ", dynsym->sh_entsize,
                     ", expected ", sizeof(Elf64_Sym)));
  }
  const uint64_t count = dynsym->sh_size / sizeof(Elf64_Sym);
  for (uint64_t i = 1; i < count; ++i) {
    auto sym =
        ReadAt<Elf64_Sym>(bytes, dynsym->sh_offset + i * sizeof(Elf64_Sym),
                          absl::StrCat(".dynsym entry ", i));
    if (!sym.ok()) return sym.status();
    auto name = StringAt(strings, sym->st_name,
                         absl::StrCat("the name of .dynsym entry ", i));
    if (!name.ok()) return name.status();
    image.symbols.push_back(DynamicSymbol{
        std::string(*name), static_cast<uint8_t>(ELF64_ST_BIND(sym->st_info)),
        static_cast<uint8_t>(ELF64_ST_TYPE(sym->st_info)),
        sym->st_shndx != SHN_UNDEF});
  }
  if (auto status = ReadNeeded(bytes, sections, &image); !status.ok()) {
    return status;
  }
  FindEmbeddedDescriptors(bytes, &image);
  return image;
}

absl::StatusOr<ElfImage> ReadElfFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  file.seekg(0, std::ios::end);
  std::streamoff size = file.tellg();
  constexpr std::streamoff kMaxSize = std::streamoff{1} << 30;
  if (size < 0 || size > kMaxSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read, or larger than 1 GiB"));
  }
  file.seekg(0, std::ios::beg);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!file.read(bytes.data(), size)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": read failed"));
  }
  auto image = ParseElf(bytes);
  if (!image.ok()) {
    return absl::Status(image.status().code(),
                        absl::StrCat(path, ": ", image.status().message()));
  }
  return image;
}

std::string Demangle(const std::string& name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), &std::free);
  if (status != 0 || demangled == nullptr) return name;
  return demangled.get();
}

}  // namespace flyteplug::conformance
