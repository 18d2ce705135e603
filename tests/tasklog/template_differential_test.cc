// Differential test of the template engine against std::regex running the
// regular expressions Flyte's Go code compiles, on random ASCII templates.
// (std::regex's '.' also stops at '\r', so the alphabet has no '\r'; Go's
// Unicode case folds are covered by the unit tests instead.)
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "flyteplug/tasklog/template.h"
#include "gtest/gtest.h"

namespace flyteplug::tasklog {
namespace {

constexpr const char* kTokens[] = {
    "{{",
    "}}",
    "{",
    "}",
    " ",
    "\t",
    "\n",
    ".",
    "$",
    "podName",
    "PODNAME",
    "namespace",
    "NameSpace",
    "taskConfig",
    "TASKCONFIG",
    "port",
    "Port",
    "x",
    "_",
    "1",
    "/",
    "{{ .podName }}",
    "{{.namespace}}",
    "{{ .taskConfig.port }}",
    "{{$taskConfig$Port}}",
    "{{ xtaskConfig.port}}",
};

std::string RandomTemplate(std::mt19937* rng) {
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<size_t> token(0, std::size(kTokens) - 1);
  std::string out;
  for (int i = length(*rng); i > 0; --i) out += kTokens[token(*rng)];
  return out;
}

// Go's MustCreateRegex / MustCreateDynamicLogRegex, in ECMAScript syntax.
std::regex PlainRegex(const std::string& name) {
  return std::regex(
      "\\{\\{[\\t\\n\\f\\r ]*[.$]" + name + "[\\t\\n\\f\\r ]*\\}\\}",
      std::regex::icase);
}

std::regex TaskConfigRegex(const std::string& key) {
  return std::regex("\\{\\{[\\t\\n\\f\\r ]*[^\\n]taskConfig[.$]" + key +
                        "[\\t\\n\\f\\r ]*\\}\\}",
                    std::regex::icase);
}

TEST(TasklogTemplateDifferentialTest, MatchesGoRegexSemantics) {
  struct RefVar {
    std::regex regex;
    std::string value;
  };
  // Values may contain placeholders, to exercise sequential substitution.
  const std::vector<TemplateVar> vars = {
      PlainVar("podName", "{{ .namespace }}"),
      PlainVar("namespace", "ns"),
      PlainVar("logName", ""),
      TaskConfigVar("port", "8080"),
  };
  const std::vector<RefVar> reference = {
      {PlainRegex("podName"), "{{ .namespace }}"},
      {PlainRegex("namespace"), "ns"},
      {TaskConfigRegex("port"), "8080"},
  };
  std::mt19937 rng(20260824);
  int substituted = 0;
  for (int i = 0; i < 400; ++i) {
    const std::string tmpl = RandomTemplate(&rng);
    std::string expected = tmpl;
    for (const RefVar& ref : reference) {
      expected = std::regex_replace(expected, ref.regex, ref.value);
    }
    ASSERT_EQ(ReplaceTemplateVars(tmpl, vars), expected)
        << "template: " << testing::PrintToString(tmpl);
    if (expected != tmpl) ++substituted;
  }
  // The random templates do exercise substitution.
  EXPECT_GT(substituted, 100);
}

TEST(TasklogTemplateDifferentialTest, FindsTheSameTaskConfigKeys) {
  const std::regex capture(
      "\\{\\{[\\t\\n\\f\\r ]*[^\\n]taskConfig[.$]([a-zA-Z_]+)[\\t\\n\\f\\r "
      "]*\\}\\}",
      std::regex::icase);
  std::mt19937 rng(7);
  size_t found = 0;
  for (int i = 0; i < 400; ++i) {
    const std::string tmpl = RandomTemplate(&rng);
    std::vector<std::string> expected;
    for (auto it = std::sregex_iterator(tmpl.begin(), tmpl.end(), capture);
         it != std::sregex_iterator(); ++it) {
      expected.push_back((*it)[1].str());
    }
    ASSERT_EQ(FindTaskConfigKeys(tmpl), expected)
        << "template: " << testing::PrintToString(tmpl);
    found += expected.size();
  }
  EXPECT_GT(found, 50u);
}

}  // namespace
}  // namespace flyteplug::tasklog
