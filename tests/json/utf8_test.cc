// flyteplug/sdk/utf8.h: validation, sanitising, snippets.
#include "flyteplug/sdk/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace flyteplug::sdk {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));          // U+00E9
  EXPECT_TRUE(IsValidUtf8("\xE2\x84\xAA"));      // U+212A
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8Test, RejectsMalformedText) {
  for (absl::string_view bad : {
           "\x80",              // stray continuation
           "\xC0\xAF",          // overlong '/'
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong
           "\xED\xA0\x80",      // surrogate U+D800
           "\xF0\x80\x80\xAF",  // overlong
           "\xF4\x90\x80\x80",  // above U+10FFFF
           "\xF5\x80\x80\x80",  // invalid lead
           "\xFF",              // invalid byte
           "\xC3",              // truncated
           "\xE2\x84",          // truncated
           "a\xC3(",            // bad continuation
       }) {
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
  }
}

TEST(Utf8Test, SanitizeKeepsValidTextAndReplacesTheRest) {
  EXPECT_EQ(SanitizeUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(SanitizeUtf8("a\tb\nc\rd"), "a b c d");
  EXPECT_EQ(SanitizeUtf8(std::string("x\0y\x7f", 4)), "x?y?");
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), "??");         // overlong: byte by byte
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80z"), "???z");  // surrogate
  EXPECT_EQ(SanitizeUtf8("\xE2\x84"), "??");         // truncated
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8("\xFF\xF5\x80 ok")));
}

TEST(Utf8Test, SnippetCutsOnACharacterBoundary) {
  EXPECT_EQ(Snippet("short", 10), "short");
  EXPECT_EQ(Snippet("abcdef", 3), "abc...");
  // "\xC3\xA9" is one character: a cut inside it backs off before it.
  EXPECT_EQ(Snippet("ab\xC3\xA9"
                    "cd",
                    3),
            "ab...");
  EXPECT_EQ(Snippet("ab\xC3\xA9"
                    "cd",
                    4),
            "ab\xC3\xA9...");
}

}  // namespace
}  // namespace flyteplug::sdk
