// Tests of the YAML configuration support: the loader's conversion and key
// checks (loader/src: yaml_to_json, config_keys) and the CLI's --config
// reading through the loader (examples/cli: config_file).
#include <cstdio>
#include <fstream>
#include <string>

#include "config_file.h"
#include "config_keys.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "yaml_to_json.h"

namespace flyteplug::cli {
namespace {

using ::flyteplug::loader::ClosestKey;
using ::flyteplug::loader::EditDistance;
using ::flyteplug::loader::MisspelledConfigKeys;
using ::flyteplug::loader::YamlToJson;

std::string Json(absl::string_view yaml) {
  auto json = YamlToJson(yaml, "cfg.yaml");
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : std::string();
}

std::string Error(absl::string_view yaml) {
  auto json = YamlToJson(yaml, "cfg.yaml");
  EXPECT_FALSE(json.ok()) << *json;
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(json.status().message());
}

TEST(YamlToJson, QuotedScalarsStayStrings) {
  EXPECT_EQ(Json("a: '1'\nb: \"true\"\nc: 'null'\nd: \"1.5\"\n"),
            R"({"a":"1","b":"true","c":"null","d":"1.5"})");
  EXPECT_EQ(Json("a: |\n  x: 1\n"), R"({"a":"x: 1\n"})");
  EXPECT_EQ(Json("a: !!str 3\n"), R"({"a":"3"})");
}

TEST(YamlToJson, CoreSchemaTyping) {
  EXPECT_EQ(Json("a: 1\nb: -12\nc: +3\nd: 0x1F\ne: 0o17\n"),
            R"({"a":1,"b":-12,"c":3,"d":31,"e":15})");
  EXPECT_EQ(Json("a: 1.5\nb: .5\nc: 1e3\n"), R"({"a":1.5,"b":0.5,"c":1000.0})");
  EXPECT_EQ(Json("a: true\nb: False\nc: TRUE\n"),
            R"({"a":true,"b":false,"c":true})");
  EXPECT_EQ(Json("a: ~\nb: null\nc:\nd: NULL\n"),
            R"({"a":null,"b":null,"c":null,"d":null})");
  // YAML 1.1 booleans and Kubernetes quantities are plain strings.
  EXPECT_EQ(
      Json("a: yes\nb: off\nc: 1Gi\nd: 500m\ne: 0.5.1\nf: 012abc\n"),
      R"({"a":"yes","b":"off","c":"1Gi","d":"500m","e":"0.5.1","f":"012abc"})");
  EXPECT_EQ(Json("a: 9223372036854775807\nb: 18446744073709551615\n"),
            R"({"a":9223372036854775807,"b":18446744073709551615})");
  EXPECT_EQ(Json("a: -9223372036854775808\n"), R"({"a":-9223372036854775808})");
  EXPECT_EQ(Json("a: !!float 3\n"), R"({"a":3.0})");
}

TEST(YamlToJson, StructuresAnchorsAndEmpty) {
  EXPECT_EQ(Json("a: [1, '2', null]\nb: {c: d}\n"),
            R"({"a":[1,"2",null],"b":{"c":"d"}})");
  EXPECT_EQ(Json("x: &A {p: 1}\ny: *A\n"), R"({"x":{"p":1},"y":{"p":1}})");
  EXPECT_EQ(Json(""), "{}");
  EXPECT_EQ(Json("# only a comment\n"), "{}");
  EXPECT_EQ(Json("1: one\n"), R"({"1":"one"})");
}

TEST(YamlToJson, ErrorsNamePlaceAndPath) {
  EXPECT_EQ(Error("a: [1,\n"),
            "cfg.yaml:2:1: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(Error("a:\n  b: 1\n  b: 2\n"), "cfg.yaml:3:3: a.b: duplicate key");
  EXPECT_NE(Error("a: .inf\n").find("cfg.yaml:1:4: a: '.inf'"),
            std::string::npos);
  EXPECT_NE(Error("a: [99999999999999999999]\n").find("a[0]: integer"),
            std::string::npos);
  EXPECT_NE(Error("a: -9223372036854775809\n").find("out of range"),
            std::string::npos);
  EXPECT_NE(Error("a: !!bool maybe\n").find("not a valid !!bool"),
            std::string::npos);
  EXPECT_NE(Error("---\na: 1\n---\nb: 2\n").find("2 YAML documents"),
            std::string::npos);
  EXPECT_NE(Error("? [a, b]\n: 1\n").find("a mapping key must be a scalar"),
            std::string::npos);
  EXPECT_NE(Error("a: !custom x\n").find("unsupported tag"), std::string::npos);
}

TEST(YamlToJson, DeepNestingIsAnErrorNotACrash) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  auto json = YamlToJson(deep, "deep.yaml");
  ASSERT_FALSE(json.ok());
}

TEST(ConfigKeys, EditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("spark", "spark"), 0u);
  EXPECT_EQ(EditDistance("sprak", "spark"), 1u);  // a transposition
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
}

TEST(ConfigKeys, ClosestKey) {
  const std::vector<std::string> known = {"enabled-plugins",
                                          "default-for-task-types"};
  EXPECT_EQ(ClosestKey("enabled_plugins", known), "enabled-plugins");
  EXPECT_EQ(ClosestKey("enabledPlugins", known), "enabled-plugins");
  EXPECT_EQ(ClosestKey("default-for-task-type", known),
            "default-for-task-types");
  EXPECT_EQ(ClosestKey("something-else", known), std::nullopt);
}

TEST(ConfigKeys, MisspelledKeysAreReportedWithTheClosestKey) {
  rapidjson::Document doc;
  doc.Parse(R"({"task": {}, "tasks": {"task-plugins": {"enabled_plugins": [],
      "default-for-task-type": {}}, "backoff": {}},
      "plugins": {"sprak": {}, "k8s-job": {}, "ray": {}}, "propeller": {}})");
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(MisspelledConfigKeys(doc),
            (std::vector<std::string>{
                "task: unknown key, did you mean 'tasks'?",
                "tasks.task-plugins.enabled_plugins: unknown key, did you "
                "mean 'enabled-plugins'?",
                "tasks.task-plugins.default-for-task-type: unknown key, did "
                "you mean 'default-for-task-types'?",
                "plugins.sprak: unknown key, did you mean 'spark'?"}));
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path) << content;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& path : paths_) std::remove(path.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(ConfigFileTest, YamlFileBecomesJson) {
  const std::string path = Write("cfg.yaml",
                                 "tasks:\n"
                                 "  task-plugins:\n"
                                 "    enabled-plugins: [spark, databricks]\n"
                                 "plugins:\n"
                                 "  spark:\n"
                                 "    spark-config-default:\n"
                                 "      - spark.driver.cores: \"1\"\n");
  std::vector<std::string> warnings;
  auto json = LoadConfigAsJson(path, &warnings);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(
      *json,
      R"({"tasks":{"task-plugins":{"enabled-plugins":["spark","databricks"]}},)"
      R"("plugins":{"spark":{"spark-config-default":[{"spark.driver.cores":"1"}]}}})");
  EXPECT_TRUE(warnings.empty());
}

TEST_F(ConfigFileTest, YmlExtensionAndWarnings) {
  const std::string path =
      Write("cfg.yml", "plugins:\n  databrick:\n    databricksInstance: x\n");
  std::vector<std::string> warnings;
  auto json = LoadConfigAsJson(path, &warnings);
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], path +
                             ": plugins.databrick: unknown key, did you mean "
                             "'databricks'?");
}

TEST_F(ConfigFileTest, JsonStillWorksAndIsChecked) {
  const std::string path = Write("cfg.json", R"({"plugin": {}})");
  std::vector<std::string> warnings;
  auto json = LoadConfigAsJson(path, &warnings);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"plugin": {}})");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("did you mean 'plugins'?"), std::string::npos);
}

TEST_F(ConfigFileTest, YamlErrorsNameTheFile) {
  const std::string path = Write("bad.yaml", "a: [1,\n");
  auto json = LoadConfigAsJson(path);
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(json.status().message().rfind(path, 0), 0u)
      << json.status().message();
  const std::string list = Write("list.yaml", "- a\n- b\n");
  json = LoadConfigAsJson(list);
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.status().message().find("must be"), absl::string_view::npos);
}

}  // namespace
}  // namespace flyteplug::cli
