// flyteplug/sdk/json_writer.h: sorted keys, compact output, escaping.
#include "flyteplug/sdk/json_writer.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace flyteplug::sdk::json {
namespace {

std::string Rewrite(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return Write(doc);
}

TEST(JsonWriterTest, SortsObjectKeysByteWiseAtEveryLevel) {
  EXPECT_EQ(Rewrite(R"({"b":1,"a":{"z":[{"y":1,"x":2}],"B":0},"_":null})"),
            R"({"_":null,"a":{"B":0,"z":[{"x":2,"y":1}]},"b":1})");
  // Byte order: upper case before lower case, shorter prefix first, UTF-8
  // after ASCII.
  EXPECT_EQ(Rewrite(R"({"é":1,"ab":2,"a":3,"Z":4})"),
            R"({"Z":4,"a":3,"ab":2,"é":1})");
}

TEST(JsonWriterTest, IdenticalInputGivesIdenticalBytes) {
  EXPECT_EQ(Rewrite(R"({"x":1,"y":[true,false],"z":"s"})"),
            Rewrite(R"({"z":"s","y":[true,false],"x":1})"));
}

TEST(JsonWriterTest, EqualKeysKeepDocumentOrder) {
  EXPECT_EQ(Rewrite(R"({"k":2,"a":0,"k":1})"), R"({"a":0,"k":2,"k":1})");
}

// Objects of more members than the writer sorts on the stack (32), out of
// order and with equal keys, and an already sorted one.
TEST(JsonWriterTest, SortsLargeObjectsStably) {
  std::string reversed = "{";
  std::string sorted = "{";
  for (int i = 49; i >= 0; --i) {
    char key[8];
    snprintf(key, sizeof(key), "k%02d", i);
    reversed += std::string(i == 49 ? "" : ",") + "\"" + key +
                "\":" + std::to_string(i) + ",\"" + key +
                "\":" + std::to_string(100 + i);
  }
  for (int i = 0; i < 50; ++i) {
    char key[8];
    snprintf(key, sizeof(key), "k%02d", i);
    sorted += std::string(i == 0 ? "" : ",") + "\"" + key +
              "\":" + std::to_string(i) + ",\"" + key +
              "\":" + std::to_string(100 + i);
  }
  reversed += "}";
  sorted += "}";
  EXPECT_EQ(Rewrite(reversed), sorted);
  EXPECT_EQ(Rewrite(sorted), sorted);
}

TEST(JsonWriterTest, NumbersKeepTheirForm) {
  EXPECT_EQ(Rewrite(R"([0,-1,18446744073709551615,1.5,-9223372036854775808])"),
            R"([0,-1,18446744073709551615,1.5,-9223372036854775808])");
}

TEST(JsonWriterTest, EscapesStrings) {
  EXPECT_EQ(Rewrite(R"({"q\"k":"a\\b\n\t\u0001/é"})"),
            "{\"q\\\"k\":\"a\\\\b\\n\\t\\u0001/\xC3\xA9\"}");
  EXPECT_EQ(Quote("say \"hi\"\n"), R"("say \"hi\"\n")");
  EXPECT_EQ(Quote(""), R"("")");
}

}  // namespace
}  // namespace flyteplug::sdk::json
