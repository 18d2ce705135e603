// flyteplug/sdk/config_reader.h: each rule of the one configuration reader.
#include "flyteplug/sdk/config_reader.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flyteplug::sdk {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

rapidjson::Document Parse(const char* text) {
  rapidjson::Document doc;
  doc.Parse(text);
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

struct Settings {
  std::string name = "default";
  bool enabled = true;
  std::optional<bool> maybe;
  std::vector<std::string> list = {"x"};
  std::map<std::string, std::string> map = {{"k", "v"}};
};

// Reads `text` as the section "plugins.demo" into *settings.
absl::Status ReadDemo(const char* text, Settings* settings,
                      std::vector<std::string>* warnings) {
  rapidjson::Document doc = Parse(text);
  ConfigReader reader("plugins.demo", warnings);
  reader.String("name", &settings->name)
      .Bool("enabled", &settings->enabled)
      .OptionalBool("maybe", &settings->maybe)
      .StringList("list", &settings->list)
      .StringMap("map", &settings->map)
      .Ignore("legacy-key");
  return reader.Read(&doc);
}

TEST(ConfigReaderTest, ReadsEveryKind) {
  Settings s;
  std::vector<std::string> warnings;
  ASSERT_TRUE(ReadDemo(R"({"name":"n","enabled":false,"maybe":true,
                           "list":["a","b"],"map":{"a":"1"},
                           "legacy-key":{"anything":1}})",
                       &s, &warnings)
                  .ok());
  EXPECT_EQ(s.name, "n");
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.maybe, true);
  EXPECT_THAT(s.list, ElementsAre("a", "b"));
  EXPECT_EQ(s.map, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_TRUE(warnings.empty());
}

TEST(ConfigReaderTest, AbsentOrNullSectionKeepsDefaults) {
  ConfigReader reader("plugins.demo", nullptr);
  std::string name = "default";
  reader.String("name", &name);
  EXPECT_TRUE(reader.Read(nullptr).ok());
  rapidjson::Document null_doc = Parse("null");
  EXPECT_TRUE(reader.Read(&null_doc).ok());
  EXPECT_EQ(name, "default");
}

TEST(ConfigReaderTest, KeysMatchInAnyCase) {
  Settings s;
  ASSERT_TRUE(ReadDemo(R"({"NAME":"n","Enabled":false})", &s, nullptr).ok());
  EXPECT_EQ(s.name, "n");
  EXPECT_FALSE(s.enabled);
}

TEST(ConfigReaderTest, NullKeepsTheDefault) {
  Settings s;
  std::vector<std::string> warnings;
  ASSERT_TRUE(ReadDemo(R"({"name":null,"enabled":null,"maybe":null,
                           "list":null,"map":null})",
                       &s, &warnings)
                  .ok());
  EXPECT_EQ(s.name, "default");
  EXPECT_TRUE(s.enabled);
  EXPECT_FALSE(s.maybe.has_value());
  EXPECT_THAT(s.list, ElementsAre("x"));
  EXPECT_EQ(s.map.at("k"), "v");
  EXPECT_TRUE(warnings.empty());
}

TEST(ConfigReaderTest, UnknownKeysAreWarnedWithTheClosestKnownKey) {
  Settings s;
  std::vector<std::string> warnings;
  ASSERT_TRUE(ReadDemo(R"({"nmae":"n","enabeld":true,"zzz":null,
                           "Legacy_Key":1})",
                       &s, &warnings)
                  .ok());
  EXPECT_EQ(s.name, "default");
  EXPECT_THAT(warnings,
              ElementsAre("plugins.demo.nmae: unknown key, did you mean "
                          "'name'?",
                          "plugins.demo.enabeld: unknown key, did you mean "
                          "'enabled'?",
                          "plugins.demo.zzz: unknown key, ignored",
                          "plugins.demo.Legacy_Key: unknown key, did you mean "
                          "'legacy-key'?"));
}

TEST(ConfigReaderTest, DuplicateKeysAreErrorsNamingThePath) {
  Settings s;
  for (const char* text :
       {R"({"name":"a","name":"b"})", R"({"name":"a","NAME":"b"})",
        R"({"zzz":1,"ZZZ":2})"}) {
    absl::Status status = ReadDemo(text, &s, nullptr);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(status.message(), HasSubstr("plugins.demo."));
    EXPECT_THAT(status.message(), HasSubstr("duplicate key"));
  }
  EXPECT_EQ(ReadDemo(R"({"map":{"a":"1","a":"2"}})", &s, nullptr).message(),
            "plugins.demo.map.a: duplicate key (already given as 'a')");
}

TEST(ConfigReaderTest, WrongTypesAreErrorsAndNeverConverted) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {R"({"name":true})",
       "plugins.demo.name: expected a string, got a boolean"},
      {R"({"name":5})", "plugins.demo.name: expected a string, got a number"},
      {R"({"enabled":"true"})",
       "plugins.demo.enabled: expected a boolean, got a string"},
      {R"({"enabled":1})",
       "plugins.demo.enabled: expected a boolean, got a number"},
      {R"({"maybe":"no"})",
       "plugins.demo.maybe: expected a boolean, got a string"},
      {R"({"list":"a"})",
       "plugins.demo.list: expected an array of strings, got a string"},
      {R"({"list":["a",null]})",
       "plugins.demo.list[1]: expected a string, got null"},
      {R"({"map":{"a":1}})",
       "plugins.demo.map.a: expected a string, got a number"},
      {R"({"map":"a=b"})",
       "plugins.demo.map: expected a map or a list of maps, got a string"},
      {R"({"map":[{"a":"1"},"b"]})",
       "plugins.demo.map[1]: expected a map, got a string"},
      {R"([])", "plugins.demo: expected an object, got an array"},
  };
  for (const Case& c : cases) {
    Settings s;
    absl::Status status = ReadDemo(c.text, &s, nullptr);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(status.message(), c.message) << c.text;
  }
}

// Flyte's weak decoding where a map is expected.
TEST(ConfigReaderTest, MapsTakeAListOfMapsOrAnEmptyList) {
  Settings s;
  ASSERT_TRUE(
      ReadDemo(R"({"map":[{"a":"1"},null,{"b":"2"},{"a":"3"}]})", &s, nullptr)
          .ok());
  EXPECT_EQ(s.map,
            (std::map<std::string, std::string>{{"a", "3"}, {"b", "2"}}));
  ASSERT_TRUE(ReadDemo(R"({"map":[]})", &s, nullptr).ok());
  EXPECT_TRUE(s.map.empty());
  ASSERT_TRUE(ReadDemo(R"({"map":{"e":null}})", &s, nullptr).ok());
  EXPECT_EQ(s.map.at("e"), "");
}

TEST(ConfigReaderTest, NestedSectionsReportFullPaths) {
  rapidjson::Document doc =
      Parse(R"({"outer":{"inner":{"value":"v","extra":1}}})");
  std::vector<std::string> warnings;
  std::string value;
  ConfigReader inner("", &warnings);  // path set per call below
  ConfigReader root("plugins", &warnings);
  root.On("outer", [&](const json::Value& v, const std::string& path) {
    ConfigReader outer(path, &warnings);
    outer.On("inner", [&](const json::Value& w, const std::string& p) {
      ConfigReader reader(p, &warnings);
      reader.String("value", &value);
      return reader.Read(&w);
    });
    return outer.Read(&v);
  });
  ASSERT_TRUE(root.Read(&doc).ok());
  EXPECT_EQ(value, "v");
  EXPECT_THAT(warnings, ElementsAre("plugins.outer.inner.extra: unknown key, "
                                    "ignored"));
  EXPECT_EQ(root.PathOf("x"), "plugins.x");
  EXPECT_EQ(inner.PathOf("x"), "x");
}

TEST(ConfigReaderTest, ClosestKey) {
  const std::vector<std::string> known = {"enabled-plugins",
                                          "default-for-task-types"};
  EXPECT_EQ(ClosestKey("enabled_plugins", known), "enabled-plugins");
  EXPECT_EQ(ClosestKey("EnabledPlugins", known), "enabled-plugins");
  EXPECT_EQ(ClosestKey("default-for-task-type", known),
            "default-for-task-types");
  EXPECT_EQ(ClosestKey("completely-different", known), std::nullopt);
  EXPECT_EQ(EditDistance("sprak", "spark"), 1u);
  EXPECT_EQ(UnknownKeyWarning("a.sprak", "sprak", {"spark"}),
            "a.sprak: unknown key, did you mean 'spark'?");
  EXPECT_EQ(UnknownKeyWarning("a.x", "x", {"spark"}),
            "a.x: unknown key, ignored");
}

}  // namespace
}  // namespace flyteplug::sdk
