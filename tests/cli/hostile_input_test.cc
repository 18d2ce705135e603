// The flyteplug CLI against hostile input (issue 12, items 1-3 and 7): each
// must end in a clear error (exit 2), never a crash or an unbounded run.
// Time is bounded by the test's CTest TIMEOUT, never asserted.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subprocess.h"

namespace flyteplug::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kDeep = 100000;

std::string Nested(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A file holding `content`, named after the running test, deleted when it
// goes out of scope.
class ScopedFile {
 public:
  ScopedFile(const std::string& suffix, const std::string& content)
      : path_(absl::StrCat(
            ::testing::TempDir(), "flyteplug_hostile_",
            ::testing::UnitTest::GetInstance()->current_test_info()->name(),
            "_", ::getpid(), suffix)) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~ScopedFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// flyteplug with the loader's test modules only.
ProcessResult RunFlyteplug(std::vector<std::string> args) {
  const std::string alpha = ALPHA_SO;
  args.insert(args.begin(),
              {"--plugin-dir", alpha.substr(0, alpha.rfind('/'))});
  ProcessOptions options;
  options.env = {"FLYTEPLUG_PLUGIN_PATH"};
  return RunProcess(FLYTEPLUG_BIN, args, options);
}

// Item 1: used to die with SIGSEGV in the loader's configuration walk.
TEST(HostileInputTest, DeepJsonConfigurationIsAnError) {
  ScopedFile config(
      ".json", absl::StrCat(R"({"plugins": {"spark": )", Nested(kDeep), "}}"));
  ProcessResult r = RunFlyteplug({"--config", config.path(), "plugins"});
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr(".json: JSON nested deeper than 64 levels at offset "));
}

TEST(HostileInputTest, DeepYamlConfigurationIsAnError) {
  ScopedFile config(".yaml",
                    absl::StrCat("plugins:\n  spark: ", Nested(kDeep), "\n"));
  ProcessResult r = RunFlyteplug({"--config", config.path(), "plugins"});
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(".yaml:2:"));
  EXPECT_THAT(r.err, HasSubstr(": YAML nested deeper than 64 levels"));
}

// Item 2: nine levels of nine aliases ("billion laughs") used to grow
// memory without bound.
TEST(HostileInputTest, YamlAliasBombIsAnError) {
  std::string yaml =
      "plugins:\n  x:\n    a: &a [lol, lol, lol, lol, lol, "
      "lol, lol, lol, lol]\n";
  const std::string names = "abcdefghi";
  for (size_t i = 1; i < names.size(); ++i) {
    const std::string alias = absl::StrCat("*", names.substr(i - 1, 1));
    absl::StrAppend(&yaml, "    ", names.substr(i, 1), ": &",
                    names.substr(i, 1), " [");
    for (int j = 0; j < 9; ++j) absl::StrAppend(&yaml, j ? ", " : "", alias);
    absl::StrAppend(&yaml, "]\n");
  }
  ScopedFile config(".yaml", yaml);
  ProcessResult r = RunFlyteplug({"--config", config.path(), "plugins"});
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr(": YAML aliases expand to more than 1000000 nodes"));
}

// Item 3: used to take minutes in protobuf's JSON parser.
TEST(HostileInputTest, DeepArraysInCustomAreAnError) {
  ScopedFile task(".json",
                  absl::StrCat(R"({"type": "alpha", "custom": {"deep": )",
                               Nested(kDeep), "}}"));
  ProcessResult r = RunFlyteplug({"build", "--task", task.path()});
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(".json: task JSON: JSON nested deeper than 64 "
                               "levels at offset "));
}

// Item 7: "alpha\u0000evil" used to be routed as "alpha".
TEST(HostileInputTest, NulInTaskTypeIsRefusedAndQuoted) {
  ScopedFile task(".json", R"({"type": "alpha\u0000evil", "custom": {}})");
  ProcessResult r = RunFlyteplug({"build", "--task", task.path()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("task type 'alpha\\x00\\x65vil' contains a "
                               "control character"));
}

}  // namespace
}  // namespace flyteplug::testing
