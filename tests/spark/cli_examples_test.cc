// `flyteplug build` on each example Spark task prints a manifest that passes
// the CRD schema (issue 3, "Done when").
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::spark::testing {
namespace {

std::string RunCommand(const std::string& command, int* exit_code) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_code = -1;
    return output;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, n);
  }
  int status = pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

class CliExamples : public ::testing::TestWithParam<const char*> {};

TEST_P(CliExamples, BuildPrintsASchemaValidManifest) {
  int exit_code = 0;
  std::string manifest =
      RunCommand(absl::StrCat(FLYTEPLUG_CLI_PATH, " build --task ",
                              FLYTEPLUG_SPARK_SOURCE_DIR, "/examples/tasks/",
                              GetParam(), " 2>&1"),
                 &exit_code);
  ASSERT_EQ(exit_code, 0) << manifest;
  ExpectSchemaValid(manifest);
  rapidjson::Document document = ParseJson(manifest);
  EXPECT_STREQ(document["kind"].GetString(), "SparkApplication");
}

INSTANTIATE_TEST_SUITE_P(Examples, CliExamples,
                         ::testing::Values("pyspark_task.json",
                                           "scala_task.json",
                                           "pyspark_context.json"));

}  // namespace
}  // namespace flyteplug::spark::testing
