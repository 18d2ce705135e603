#include "report.h"

#include "gtest/gtest.h"

namespace flyteplug::conformance {
namespace {

TEST(Report, FormatsPassAndFail) {
  EXPECT_EQ(FormatResult({"/m.so", "family-slots", true, ""}),
            "PASS family-slots /m.so");
  EXPECT_EQ(FormatResult({"/m.so", "family-slots", false, "k8s is NULL"}),
            "FAIL family-slots /m.so: k8s is NULL");
}

TEST(Report, DetailIsOneBoundedLine) {
  EXPECT_EQ(OneLine("a\nb\tc"), "a | b c");
  std::string long_text(1000, 'x');
  std::string line = OneLine(long_text, 10);
  EXPECT_EQ(line, "xxxxxxxxxx...");
}

TEST(Report, Summary) {
  std::vector<CheckResult> results = {{"/a.so", "x", true, ""},
                                      {"/a.so", "y", false, "bad"},
                                      {"/b.so", "x", true, ""}};
  EXPECT_EQ(FormatSummary(results),
            "conformance: 3 checks on 2 modules: 2 passed, 1 failed "
            "(failing: /a.so)");
  EXPECT_EQ(FormatSummary({{"/a.so", "x", true, ""}}),
            "conformance: 1 checks on 1 module: 1 passed, 0 failed");
}

}  // namespace
}  // namespace flyteplug::conformance
