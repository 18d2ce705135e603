// Hostile input at the loader's boundary (issue 12, items 1, 2, 3, 7, 9,
// 10): the shared input limits (flyteplug/sdk/input_limits.h) on every
// JSON and YAML entry point, task types holding control characters,
// duplicate keys, and misuse of the C API's output structs and buffers.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/loader.h"
#include "flyteplug/loader_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int kDeep = 100000;

std::string Nested(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string ConfigError(const std::string& config) {
  absl::StatusOr<std::string> json =
      LoaderClient::ConfigToJson(config, FLYTEPLUG_CONFIG_FORMAT_AUTO);
  return json.ok() ? "OK" : std::string(json.status().message());
}

// Item 1: a deep configuration used to overflow the stack in
// flyteplug_loader_open (the loader serialises each plugins section).
TEST(InputLimits, DeepConfigurationIsAnErrorAtOpen) {
  absl::StatusOr<LoaderClient> loader =
      OpenOnly({ALPHA_SO},
               absl::StrCat(R"({"plugins": {"spark": )", Nested(kDeep), "}}"));
  ASSERT_FALSE(loader.ok());
  EXPECT_EQ(loader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(loader.status().message()),
              StartsWith("config: JSON nested deeper than 64 levels at "
                         "offset "));
  // 64 levels in all are fine.
  EXPECT_TRUE(
      OpenOnly({ALPHA_SO}, absl::StrCat(R"({"plugins": {"spark": {"x": )",
                                        Nested(61), "}}}"))
          .ok());
  EXPECT_FALSE(
      OpenOnly({ALPHA_SO}, absl::StrCat(R"({"plugins": {"spark": {"x": )",
                                        Nested(62), "}}}"))
          .ok());
}

TEST(InputLimits, DeepConfigurationIsAnErrorInConfigToJson) {
  EXPECT_THAT(ConfigError(absl::StrCat(R"({"plugins": )", Nested(kDeep), "}")),
              StartsWith("config: JSON nested deeper than 64 levels at "
                         "offset 75"));
  EXPECT_EQ(ConfigError(absl::StrCat("plugins:\n  spark: ", Nested(kDeep))),
            "config:2:72: YAML nested deeper than 64 levels");
  std::string block = "plugins:\n";
  for (int i = 0; i < 70; ++i) {
    absl::StrAppend(&block, std::string(2 * i + 2, ' '), "k", i, ":\n");
  }
  EXPECT_THAT(ConfigError(block), HasSubstr(": YAML nested deeper than 64"));
}

TEST(InputLimits, ConfigurationSizeIsBounded) {
  std::string big =
      absl::StrCat(R"({"x": ")", std::string(16 << 20, 'a'), "\"}");
  EXPECT_EQ(ConfigError(big),
            absl::StrCat("config: JSON text is ", big.size(),
                         " bytes, more than the limit of 16777216 bytes"));
  std::string yaml = absl::StrCat("x: ", std::string(16 << 20, 'a'));
  EXPECT_EQ(ConfigError(yaml),
            absl::StrCat("config: YAML text is ", yaml.size(),
                         " bytes, more than the limit of 16777216 bytes"));
}

// Item 2: "billion laughs" used to grow memory without bound.
TEST(InputLimits, YamlAliasBombIsAnError) {
  std::string yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  const std::string names = "abcdefghi";
  for (size_t i = 1; i < names.size(); ++i) {
    absl::StrAppend(&yaml, names.substr(i, 1), ": &", names.substr(i, 1), " [");
    for (int j = 0; j < 9; ++j) {
      absl::StrAppend(&yaml, j ? ", *" : "*", names.substr(i - 1, 1));
    }
    absl::StrAppend(&yaml, "]\n");
  }
  EXPECT_THAT(ConfigError(yaml),
              ::testing::MatchesRegex(
                  "config:[0-9]+:[0-9]+: YAML aliases expand to more than "
                  "1000000 nodes"));
}

TEST(InputLimits, YamlAliasesCountTheirScalarText) {
  std::string yaml =
      absl::StrCat("a: &a ", std::string(1 << 20, 'x'), "\nb: [");
  for (int i = 0; i < 17; ++i) absl::StrAppend(&yaml, i ? ", *a" : "*a");
  absl::StrAppend(&yaml, "]\n");
  EXPECT_THAT(ConfigError(yaml),
              HasSubstr(": YAML aliases expand to more than 16777216 bytes "
                        "of scalar text"));
}

TEST(InputLimits, YamlAliasesCountTheDepthTheyRepeat) {
  std::string deep = "x";
  for (int i = 0; i < 40; ++i) deep = absl::StrCat("[", deep, "]");
  std::string yaml = absl::StrCat("a: &a ", deep, "\nb: ", Nested(30), "\n");
  EXPECT_EQ(ConfigError(yaml), "OK");
  yaml = absl::StrCat("a: &a ", deep, "\nb: ");
  for (int i = 0; i < 30; ++i) absl::StrAppend(&yaml, "[");
  absl::StrAppend(&yaml, "*a");
  for (int i = 0; i < 30; ++i) absl::StrAppend(&yaml, "]");
  EXPECT_THAT(ConfigError(yaml), HasSubstr(": YAML nested deeper than 64"));
}

TEST(InputLimits, YamlAliasCycleIsAnError) {
  EXPECT_EQ(ConfigError("a: &a [1, *a]\n"),
            "config:1:11: YAML alias refers to a node that contains it");
}

TEST(InputLimits, ModestAliasesStillWork) {
  absl::StatusOr<std::string> json = LoaderClient::ConfigToJson(
      "base: &b {k: v, n: [1, 2]}\nplugins:\n  a: *b\n  c: *b\n",
      FLYTEPLUG_CONFIG_FORMAT_YAML);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json,
            R"({"base":{"k":"v","n":[1,2]},"plugins":{"a":{"k":"v","n":[1,2]},)"
            R"("c":{"k":"v","n":[1,2]}}})");
}

// Item 3: deep arrays in `custom` used to take minutes in protobuf's parser.
TEST(InputLimits, DeepTaskJsonIsAnError) {
  absl::StatusOr<std::string> context =
      LoaderClient::TaskContextFromJson(absl::StrCat(
          R"({"type": "alpha", "custom": {"deep": )", Nested(kDeep), "}}"));
  ASSERT_FALSE(context.ok());
  EXPECT_THAT(std::string(context.status().message()),
              StartsWith("task JSON: JSON nested deeper than 64 levels at "
                         "offset "));
  context = LoaderClient::TaskContextFromJson(
      absl::StrCat(R"({"taskTemplate": {"type": "alpha", "custom": {"deep": )",
                   Nested(kDeep), "}}}"));
  ASSERT_FALSE(context.ok());
  EXPECT_THAT(std::string(context.status().message()),
              HasSubstr("deeper than 64 levels"));
}

// Item 7: a NUL used to cut the type ("alpha") and the error message.
TEST(TaskTypes, ControlCharactersAreRefusedAndQuoted) {
  absl::StatusOr<std::string> context = LoaderClient::TaskContextFromJson(
      R"({"type": "alpha\u0000evil", "custom": {}})");
  ASSERT_FALSE(context.ok());
  EXPECT_EQ(
      context.status().message(),
      "task JSON: type: task type 'alpha\\x00\\x65vil' contains a control "
      "character");
  context = LoaderClient::TaskContextFromJson(
      R"({"taskTemplate": {"type": "alpha\nx"}})");
  ASSERT_FALSE(context.ok());
  EXPECT_EQ(context.status().message(),
            "task JSON: taskTemplate.type: task type 'alpha\\nx' contains a "
            "control character");

  absl::StatusOr<LoaderClient> loader = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(loader.ok()) << loader.status();
  // Through C strings: the wrapper refuses a NUL it cannot pass on.
  absl::StatusOr<uint32_t> index =
      loader->Resolve(std::string("alpha\0evil", 10));
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().message(),
            "task type 'alpha\\x00\\x65vil' contains a NUL byte");
  index = loader->Resolve("alpha\x01");
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().message(),
            "task type 'alpha\\x01' contains a control character");
  // A binary TaskContext carries the type with its length.
  absl::StatusOr<std::string> built =
      loader->BuildResource(ContextFor(std::string("alpha\0evil", 10)));
  ASSERT_FALSE(built.ok());
  EXPECT_THAT(std::string(built.status().message()),
              HasSubstr("task type 'alpha\\x00\\x65vil' contains a control "
                        "character"));
  // And in the configuration.
  loader = OpenOnly({ALPHA_SO}, R"({"tasks": {"task-plugins": {
      "default-for-task-types": {"alpha\u0000evil": "alpha"}}}})");
  ASSERT_FALSE(loader.ok());
  EXPECT_EQ(loader.status().message(),
            "config: tasks.task-plugins.default-for-task-types: task type "
            "'alpha\\x00\\x65vil' contains a control character");
}

// Item 9: duplicate JSON keys, at any depth, are errors as in YAML.
TEST(DuplicateKeys, NestedJsonDuplicatesAreErrors) {
  const std::string config =
      R"({"plugins": {"k8s": {"default-affinity": {"a": 1, "a": 2}}}})";
  EXPECT_EQ(ConfigError(config),
            "config: plugins.k8s.default-affinity.a: duplicate key");
  absl::StatusOr<LoaderClient> loader = OpenOnly({ALPHA_SO}, config);
  ASSERT_FALSE(loader.ok());
  EXPECT_EQ(loader.status().message(),
            "config: plugins.k8s.default-affinity.a: duplicate key");
  EXPECT_EQ(ConfigError(R"({"a": [{"b": 1}, {"c": 1, "c": 2}]})"),
            "config: a[1].c: duplicate key");
  // Sections are matched in any case, so they must differ in more than case.
  loader = OpenOnly({ALPHA_SO}, R"({"plugins": {"k8s": {}, "K8S": {"x": 1}}})");
  ASSERT_FALSE(loader.ok());
  EXPECT_EQ(loader.status().message(),
            "config: plugins.K8S: duplicate key (already given as 'k8s')");
}

// Item 10: a garbage struct_size used to zero-fill past the caller's struct.
TEST(CApiMisuse, ModuleInfoStructSizeIsCapped) {
  absl::StatusOr<LoaderClient> loader = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(loader.ok()) << loader.status();
  struct {
    flyteplug_module_info info;
    unsigned char after[64];
  } guarded;
  std::memset(&guarded, 0xAB, sizeof(guarded));
  guarded.info.struct_size = 0x7fffffff;
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  EXPECT_EQ(
      flyteplug_loader_module_info(loader->get(), 0, &guarded.info, &status),
      FLYTEPLUG_INVALID_ARGUMENT);
  ASSERT_NE(status.message, nullptr);
  EXPECT_EQ(std::string(status.message),
            absl::StrCat("flyteplug_module_info.struct_size is 2147483647, "
                         "expected between 12 and 4096 (this loader knows ",
                         sizeof(flyteplug_module_info), ")"));
  flyteplug_status_clear(&status);
  for (unsigned char c : guarded.after) ASSERT_EQ(c, 0xAB);
  // A correct size still works.
  guarded.info.struct_size = sizeof(flyteplug_module_info);
  EXPECT_EQ(
      flyteplug_loader_module_info(loader->get(), 0, &guarded.info, &status),
      FLYTEPLUG_OK);
  EXPECT_STREQ(guarded.info.id, "alpha");
}

// Item 10: an output buffer still owning data used to be overwritten (a
// leak); it is refused and left as it was.
TEST(CApiMisuse, OutputBufferThatOwnsDataIsRefused) {
  const std::string json = R"({"type": "alpha"})";
  const flyteplug_bytes in{reinterpret_cast<const uint8_t*>(json.data()),
                           json.size()};
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  flyteplug_buffer out{};
  ASSERT_EQ(flyteplug_task_context_from_json(in, &out, &status), FLYTEPLUG_OK);
  const flyteplug_buffer first = out;
  EXPECT_EQ(flyteplug_task_context_from_json(in, &out, &status),
            FLYTEPLUG_INVALID_ARGUMENT);
  ASSERT_NE(status.message, nullptr);
  EXPECT_THAT(std::string(status.message),
              StartsWith("flyteplug_task_context_from_json: the output "
                         "buffer still owns data"));
  EXPECT_EQ(out.data, first.data);
  EXPECT_EQ(out.release, first.release);
  EXPECT_EQ(out.private_data, first.private_data);

  absl::StatusOr<LoaderClient> loader = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(loader.ok()) << loader.status();
  const std::string context = ContextFor("alpha");
  const flyteplug_bytes ctx{reinterpret_cast<const uint8_t*>(context.data()),
                            context.size()};
  EXPECT_EQ(flyteplug_build_resource(loader->get(), ctx, &out, &status),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(std::string(status.message),
              StartsWith("flyteplug_build_resource: the output buffer still "
                         "owns data"));
  EXPECT_EQ(out.private_data, first.private_data);
  flyteplug_buffer_release(&out);
  flyteplug_status_clear(&status);
}

}  // namespace
}  // namespace flyteplug::testing
