// The SDK's shared input limits (flyteplug/sdk/input_limits.h) and the
// whole-document duplicate-key rule (config_reader.h).
#include "flyteplug/sdk/input_limits.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/config_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace flyteplug::sdk::json {
namespace {

std::string Nested(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(CheckLimits, DepthIsBoundedWithoutRecursion) {
  EXPECT_TRUE(CheckLimits(Nested(kMaxDepth)).ok());
  absl::Status status = CheckLimits(Nested(kMaxDepth + 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "JSON nested deeper than 64 levels at offset 64");
  status = CheckLimits(Nested(1000000));
  EXPECT_EQ(status.message(), "JSON nested deeper than 64 levels at offset 64");
  std::string objects;
  for (int i = 0; i < 100; ++i) objects += R"({"a":)";
  EXPECT_THAT(std::string(CheckLimits(objects).message()),
              ::testing::StartsWith("JSON nested deeper than 64 levels"));
  // Brackets inside strings are text.
  EXPECT_TRUE(
      CheckLimits(absl::StrCat("[\"", std::string(100000, '['), "\"]")).ok());
}

TEST(CheckLimits, SizeIsBounded) {
  const std::string big(kMaxBytes + 1, ' ');
  EXPECT_EQ(CheckLimits(big).message(),
            "JSON text is 16777217 bytes, more than the limit of 16777216 "
            "bytes");
  EXPECT_TRUE(CheckLimits(std::string(kMaxBytes, ' ')).ok());
}

TEST(CheckLimits, SyntaxErrorsAreLeftToTheCaller) {
  EXPECT_TRUE(CheckLimits("{").ok());
  EXPECT_TRUE(CheckLimits("not json").ok());
  EXPECT_TRUE(CheckLimits("").ok());
}

absl::Status Duplicates(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return CheckNoDuplicateKeys(doc);
}

TEST(CheckNoDuplicateKeys, NamesThePathOfTheFirstRepeat) {
  EXPECT_TRUE(
      Duplicates(R"({"a": {"b": 1, "B": 2}, "c": [1, {"d": 1}]})").ok());
  EXPECT_EQ(Duplicates(R"({"a": 1, "a": 2})").message(), "a: duplicate key");
  EXPECT_EQ(Duplicates(R"({"x": {"y": [0, {"z": 1, "z": 2}]}})").message(),
            "x.y[1].z: duplicate key");
  EXPECT_EQ(Duplicates(R"([{"k": 1}, {"k": 1, "k": 2}])").message(),
            "[1].k: duplicate key");
  EXPECT_TRUE(Duplicates("7").ok());
}

// Many keys: a hash set per object, so this stays linear (the CTest timeout
// bounds a regression to the former pairwise comparison).
TEST(CheckNoDuplicateKeys, ManyKeysAreChecked) {
  std::string json = "{";
  for (int i = 0; i < 200000; ++i)
    absl::StrAppend(&json, i ? "," : "", "\"k", i, "\":1");
  EXPECT_TRUE(Duplicates(json + "}").ok());
  EXPECT_EQ(Duplicates(json + ",\"k7\":2}").message(), "k7: duplicate key");
  rapidjson::Document doc;
  doc.Parse((json + "}").c_str());
  ConfigReader reader("plugins.x", nullptr);
  EXPECT_TRUE(reader.Read(&doc).ok());
}

}  // namespace
}  // namespace flyteplug::sdk::json
