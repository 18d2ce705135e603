// flyteplug/sdk/json.h, json_merge.h and json_value_index.h: find/set/ensure,
// type names, the "expected X, got Y" error, mergo-style merging, hashing
// and indexing values by operator==.
#include "flyteplug/sdk/json.h"

#include <map>
#include <string>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json_merge.h"
#include "flyteplug/sdk/json_value_index.h"
#include "flyteplug/sdk/json_writer.h"
#include "gtest/gtest.h"

namespace flyteplug::sdk::json {
namespace {

rapidjson::Document Parse(const char* text) {
  rapidjson::Document doc;
  doc.Parse(text);
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(JsonTest, FindSetEnsureRemove) {
  rapidjson::Document doc = Parse(R"({"a":1,"b":null})");
  auto& a = doc.GetAllocator();
  ASSERT_NE(Find(doc, "a"), nullptr);
  EXPECT_EQ(Find(doc, "A"), nullptr);  // exact: data keys are case-sensitive
  EXPECT_EQ(Find(doc["a"], "x"), nullptr);  // not an object
  Set(doc, "a", String("s", a), a);
  EXPECT_EQ(StringMember(doc, "a"), "s");
  EXPECT_EQ(StringMember(doc, "b"), "");
  Value& b = Ensure(doc, "b", rapidjson::kArrayType, a);  // null: replaced
  EXPECT_TRUE(b.IsArray());
  Ensure(doc, "c", rapidjson::kObjectType, a);
  Remove(doc, "a");
  Remove(doc, "missing");
  EXPECT_EQ(Write(doc), R"({"b":[],"c":{}})");
}

TEST(JsonTest, EnsureKeepsAnExistingValueOfAnyType) {
  rapidjson::Document doc = Parse(R"({"a":"x"})");
  Value& v = Ensure(doc, "a", rapidjson::kObjectType, doc.GetAllocator());
  EXPECT_TRUE(v.IsString());
}

TEST(JsonTest, TypeNamesAndTypeErrors) {
  EXPECT_STREQ(TypeName(Parse("null")), "null");
  EXPECT_STREQ(TypeName(Parse("true")), "a boolean");
  EXPECT_STREQ(TypeName(Parse("false")), "a boolean");
  EXPECT_STREQ(TypeName(Parse("1.5")), "a number");
  EXPECT_STREQ(TypeName(Parse("\"s\"")), "a string");
  EXPECT_STREQ(TypeName(Parse("[]")), "an array");
  EXPECT_STREQ(TypeName(Parse("{}")), "an object");
  absl::Status error = TypeError("a.b[2]", "a string", Parse("\"secret\""));
  EXPECT_EQ(error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(error.message(), "a.b[2]: expected a string, got a string");
  // The value itself is never quoted.
  error = TypeError("token", "a number", Parse("\"hunter2\""));
  EXPECT_EQ(error.message().find("hunter2"), absl::string_view::npos);
}

TEST(JsonTest, CopyIsDeepAndEqual) {
  rapidjson::Document source = Parse(
      R"({"o": {"a": [1, 2.5, "x", null, true], "b": {"c": {}}},
          "long": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,{"k": "v"}],
          "empty": [], "s": "text"})");
  source.AddMember("literal", rapidjson::StringRef("constant"),
                   source.GetAllocator());
  rapidjson::Document target;
  Value copy = Copy(source, target.GetAllocator());
  EXPECT_TRUE(copy == source);
  EXPECT_EQ(Write(copy), Write(source));
  EXPECT_EQ(copy["long"].Size(), 18u);
  // Copied strings live in the target's allocator; constant ones stay
  // references, as with RapidJSON's own copy.
  EXPECT_NE(copy["s"].GetString(), source["s"].GetString());
  EXPECT_EQ(copy["literal"].GetString(), source["literal"].GetString());
  // Deep: changing the source leaves the copy alone.
  source["o"]["a"][0].SetInt(7);
  source["long"][17]["k"].SetString("w");
  EXPECT_EQ(copy["o"]["a"][0].GetInt(), 1);
  EXPECT_STREQ(copy["long"][17]["k"].GetString(), "v");
}

TEST(JsonTest, StringMapIsAnObject) {
  rapidjson::Document doc;
  Value map = StringMap({{"b", "2"}, {"a", "1"}}, doc.GetAllocator());
  EXPECT_EQ(Write(map), R"({"a":"1","b":"2"})");
}

TEST(JsonTest, StringMapMergerKeepsTheLastAddedValueInKeyOrder) {
  rapidjson::Document doc;
  const std::map<std::string, std::string> defaults = {
      {"team", "default"}, {"zone", "a"}, {"app", "x"}};
  // Hash-ordered, as a google::protobuf::Map iterates.
  const std::unordered_map<std::string, std::string> task = {
      {"team", "task"}, {"b", "2"}, {"zz", "3"}};
  const std::map<std::string, std::string> execution = {{"team", "run"}};
  StringMapMerger merger;
  EXPECT_TRUE(merger.empty());
  merger.Add(defaults);
  merger.Add(task);
  merger.Add(execution);
  EXPECT_FALSE(merger.empty());
  Value merged = merger.Build(doc.GetAllocator());
  // Built in key order (not only written sorted) with one member per key.
  std::string members;
  for (auto it = merged.MemberBegin(); it != merged.MemberEnd(); ++it) {
    absl::StrAppend(&members, StringOf(it->name), "=", StringOf(it->value),
                    ";");
  }
  EXPECT_EQ(members, "app=x;b=2;team=run;zone=a;zz=3;");
}

TEST(JsonMergeTest, MergesLikeMergoWithOverrideAndAppendSlice) {
  rapidjson::Document dst =
      Parse(R"({"a":1,"list":[1],"obj":{"x":"keep","y":"old"},"s":"v"})");
  rapidjson::Document src = Parse(
      R"({"a":2,"list":[2],"obj":{"y":"new","z":true},"s":"","n":null,"e":{}})");
  MergeOverride(dst, src, dst.GetAllocator());
  EXPECT_EQ(Write(dst),
            R"({"a":2,"list":[1,2],"obj":{"x":"keep","y":"new","z":true},)"
            R"("s":"v"})");
}

TEST(JsonMergeTest, EmptyValues) {
  for (const char* empty : {"null", "false", "0", "\"\"", "[]", "{}"}) {
    EXPECT_TRUE(IsEmpty(Parse(empty))) << empty;
  }
  for (const char* full : {"true", "1", "\"x\"", "[0]", "{\"a\":null}"}) {
    EXPECT_FALSE(IsEmpty(Parse(full))) << full;
  }
}

TEST(HashOfTest, EqualValuesHashEqual) {
  rapidjson::Document doc = Parse(R"([
      {"name":"A","value":"1","n":[1,2.5,-0.0]},
      {"n":[1.0,2.5,0],"value":"1","name":"A"}])");
  ASSERT_TRUE(doc[0] == doc[1]);
  ASSERT_TRUE(HashOf(doc[0]).has_value());
  EXPECT_EQ(HashOf(doc[0]), HashOf(doc[1]));
}

TEST(HashOfTest, DistinguishesTypicalEntries) {
  rapidjson::Document doc = Parse(R"([{"name":"A","value":"1"},
      {"name":"A","value":"2"}, {"name":"B","value":"1"}, [1,2], [2,1]])");
  EXPECT_NE(HashOf(doc[0]), HashOf(doc[1]));
  EXPECT_NE(HashOf(doc[0]), HashOf(doc[2]));
  EXPECT_NE(HashOf(doc[3]), HashOf(doc[4]));  // arrays are ordered
}

TEST(HashOfTest, NoHashWhereEqualityIsNotAnEquivalence) {
  rapidjson::Document doc =
      Parse(R"([{"a":1,"a":1}, {"x":[18446744073709551615]}, -1])");
  EXPECT_FALSE(HashOf(doc[0]).has_value());  // repeated member name
  EXPECT_FALSE(HashOf(doc[1]).has_value());  // above INT64_MAX
  // ...which equals -1 by its 64 bits under operator==.
  EXPECT_TRUE(doc[1]["x"][0] == doc[2]);
}

TEST(ArrayValueIndexTest, FindsIndexedElementsAsTheArrayGrows) {
  rapidjson::Document doc = Parse(R"([{"name":"A"},{"name":"B"}])");
  rapidjson::Document probe = Parse(R"([{"name":"A"},{"name":"C"}])");
  ArrayValueIndex index;
  EXPECT_FALSE(index.Contains(doc, probe[0]));  // nothing indexed yet
  index.IndexNew(doc);
  EXPECT_TRUE(index.Contains(doc, probe[0]));
  EXPECT_FALSE(index.Contains(doc, probe[1]));
  for (int i = 0; i < 100; ++i) {  // reallocates the elements
    Value var(rapidjson::kObjectType);
    var.AddMember("name", Value(i), doc.GetAllocator());
    doc.PushBack(var, doc.GetAllocator());
  }
  doc.PushBack(Value(probe[1], doc.GetAllocator()), doc.GetAllocator());
  EXPECT_FALSE(index.Contains(doc, probe[1]));  // appended, not indexed
  index.IndexNew(doc);
  EXPECT_TRUE(index.Contains(doc, probe[1]));
  EXPECT_TRUE(index.Contains(doc, probe[0]));
  index.Clear();
  EXPECT_FALSE(index.Contains(doc, probe[0]));
}

TEST(ArrayValueIndexTest, UnhashableValuesAreComparedByScan) {
  rapidjson::Document doc = Parse(R"([{"a":1,"a":1}, 5])");
  rapidjson::Document probe = Parse(R"([{"a":1,"a":1}, {"a":1,"b":2}, 5, 6])");
  ArrayValueIndex index;
  index.IndexNew(doc);
  EXPECT_TRUE(index.Contains(doc, probe[0]));  // unhashable query
  EXPECT_TRUE(index.Contains(doc, probe[2]));  // hashable query
  EXPECT_FALSE(index.Contains(doc, probe[3]));
  // operator== as a scan computes it: element == query.
  EXPECT_EQ(index.Contains(doc, probe[1]), doc[0] == probe[1]);
}

}  // namespace
}  // namespace flyteplug::sdk::json
