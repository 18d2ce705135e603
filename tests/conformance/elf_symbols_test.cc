#include "elf_symbols.h"

#include <elf.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "module_paths.h"

namespace flyteplug::conformance {
namespace {

using ::testing::HasSubstr;

std::string ReadAll(const char* path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

TEST(ElfSymbols, GoodModuleExportsOnlyTheEntry) {
  auto image = ReadElfFile(FIXTURE_good_k8s);
  ASSERT_TRUE(image.ok()) << image.status();
  int defined_globals = 0;
  bool entry = false;
  for (const DynamicSymbol& s : image->symbols) {
    if (!s.defined || s.binding == STB_LOCAL) continue;
    ++defined_globals;
    entry |= s.name == "flyteplug_module_entry_v1" && s.type == STT_FUNC;
  }
  EXPECT_TRUE(entry);
  EXPECT_EQ(defined_globals, 1);
  EXPECT_FALSE(image->embeds_flyte_descriptors);
}

TEST(ElfSymbols, LeakyModuleShowsStdSymbols) {
  auto image = ReadElfFile(FIXTURE_exports_everything);
  ASSERT_TRUE(image.ok()) << image.status();
  bool std_symbol = false;
  for (const DynamicSymbol& s : image->symbols) {
    if (s.defined && Demangle(s.name).find("std::") != std::string::npos) {
      std_symbol = true;
    }
  }
  EXPECT_TRUE(std_symbol);
}

bool NeedsPublicProto(const ElfImage& image) {
  for (const std::string& needed : image.needed) {
    if (needed.rfind("libflyteplug_proto.so", 0) == 0) return true;
  }
  return false;
}

TEST(ElfSymbols, ReadsNeededLibraries) {
  auto good = ReadElfFile(FIXTURE_good_k8s);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_FALSE(good->needed.empty());  // libc at least
  EXPECT_FALSE(NeedsPublicProto(*good));
  auto bad = ReadElfFile(FIXTURE_needs_public_proto);
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_TRUE(NeedsPublicProto(*bad));
}

// The shipped modules carry their own messages: none depends on the host's
// generated code or embeds descriptor-registering copies of it.
TEST(ElfSymbols, ShippedModulesDoNotNeedThePublicProtoLibrary) {
  std::vector<const char*> modules = {
#ifdef SHIPPED_MODULE_spark
      SHIPPED_MODULE_spark,
#endif
#ifdef SHIPPED_MODULE_databricks
      SHIPPED_MODULE_databricks,
#endif
#ifdef SHIPPED_MODULE_k8s_job_intree
      SHIPPED_MODULE_k8s_job_intree,
#endif
  };
  ASSERT_FALSE(modules.empty());
  for (const char* path : modules) {
    auto image = ReadElfFile(path);
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_FALSE(NeedsPublicProto(*image)) << path;
    EXPECT_FALSE(image->embeds_flyte_descriptors)
        << path << ": " << image->embedded_descriptor_hint;
  }
}

TEST(ElfSymbols, FindsEmbeddedGeneratedCode) {
  auto image = ReadElfFile(FIXTURE_own_proto_copy);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_TRUE(image->embeds_flyte_descriptors);
}

TEST(ElfSymbols, RejectsNonElfAndTruncatedFiles) {
  EXPECT_THAT(
      std::string(ParseElf("hello world, not an ELF").status().message()),
      HasSubstr("not an ELF file"));
  EXPECT_FALSE(ParseElf("").ok());

  std::string bytes = ReadAll(FIXTURE_good_k8s);
  ASSERT_GT(bytes.size(), 4096u);
  // Every prefix fails cleanly (section headers sit at the end of the file).
  for (size_t size : {size_t{16}, size_t{64}, size_t{200}, bytes.size() / 2,
                      bytes.size() - 1}) {
    auto image = ParseElf(absl::string_view(bytes.data(), size));
    EXPECT_FALSE(image.ok()) << "prefix of " << size << " bytes parsed";
  }
  // A 32-bit class byte is refused by name.
  std::string other = bytes;
  other[EI_CLASS] = ELFCLASS32;
  EXPECT_THAT(std::string(ParseElf(other).status().message()),
              HasSubstr("64-bit"));
  // A section header table pointing past the end.
  std::string broken = bytes;
  Elf64_Ehdr header;
  std::memcpy(&header, broken.data(), sizeof(header));
  header.e_shoff = broken.size() + 100;
  std::memcpy(broken.data(), &header, sizeof(header));
  EXPECT_THAT(std::string(ParseElf(broken).status().message()),
              HasSubstr("beyond the end"));
}

TEST(ElfSymbols, MissingFileNamesThePath) {
  auto image = ReadElfFile("/nonexistent/libx.so");
  ASSERT_FALSE(image.ok());
  EXPECT_THAT(std::string(image.status().message()),
              HasSubstr("/nonexistent/libx.so"));
}

TEST(ElfSymbols, Demangles) {
  EXPECT_EQ(Demangle("_ZNSt6vectorIiSaIiEED2Ev"),
            "std::vector<int, std::allocator<int> >::~vector()");
  EXPECT_EQ(Demangle("plain_c_name"), "plain_c_name");
}

}  // namespace
}  // namespace flyteplug::conformance
