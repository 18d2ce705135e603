// StructuralSchema: each keyword accepting and rejecting (with the path),
// the keywords it refuses to compile, and the same results as RapidJSON
// 1.1's SchemaValidator on the CRD schema for the golden manifests and
// thousands of mutations of them.
#include "structural_schema.h"

#include <dirent.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "embedded_schema.h"
#include "gtest/gtest.h"
#include "rapidjson/schema.h"
#include "test_util.h"

namespace flyteplug::spark {
namespace {

using rapidjson::Document;
using rapidjson::Value;

struct Compiled {
  Document schema;
  std::unique_ptr<StructuralSchema> compiled;
};

std::unique_ptr<Compiled> CompileOrDie(const char* schema_json) {
  auto out = std::make_unique<Compiled>();
  out->schema = testing::ParseJson(schema_json);
  absl::StatusOr<std::unique_ptr<StructuralSchema>> compiled =
      StructuralSchema::Compile(out->schema);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (compiled.ok()) out->compiled = *std::move(compiled);
  return out;
}

// "" when valid, else "<path>: <keyword>".
std::string Outcome(const StructuralSchema& schema, const char* document) {
  Document parsed = testing::ParseJson(document);
  std::optional<StructuralSchema::Violation> v = schema.Check(parsed);
  return v.has_value() ? absl::StrCat(v->path, ": ", v->keyword) : "";
}

TEST(StructuralSchema, Type) {
  auto s = CompileOrDie(R"({"type": "object", "properties": {
      "i": {"type": "integer"}, "n": {"type": "number"},
      "s": {"type": "string"}, "b": {"type": "boolean"},
      "a": {"type": "array"}, "o": {"type": "object"}, "z": {"type": "null"},
      "any": {}}})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"i": -3, "n": 1.5, "s": "x", "b": false,
      "a": [], "o": {}, "z": null, "any": [1]})"),
            "");
  EXPECT_EQ(Outcome(c, R"({"n": 18446744073709551615})"), "");
  EXPECT_EQ(Outcome(c, R"({"i": 1.0})"), "i: type");
  EXPECT_EQ(Outcome(c, R"({"i": "1"})"), "i: type");
  EXPECT_EQ(Outcome(c, R"({"s": 1})"), "s: type");
  EXPECT_EQ(Outcome(c, R"({"b": "true"})"), "b: type");
  EXPECT_EQ(Outcome(c, R"({"a": {}})"), "a: type");
  EXPECT_EQ(Outcome(c, R"({"o": []})"), "o: type");
  EXPECT_EQ(Outcome(c, R"({"z": 0})"), "z: type");
  EXPECT_EQ(Outcome(c, R"([])"), "<root>: type");
}

TEST(StructuralSchema, PropertiesAndItemsNamePath) {
  auto s = CompileOrDie(R"({"properties": {"o": {"properties": {
      "p": {"type": "array", "items": {"properties": {
        "q": {"type": "boolean"}}}}}}}})");
  EXPECT_EQ(Outcome(*s->compiled, R"({"o": {"p": [{"q": true}]}})"), "");
  EXPECT_EQ(Outcome(*s->compiled, R"({"o": {"p": [{}, {"q": 1}]}})"),
            "o.p[1].q: type");
  // Unknown members are allowed unless additionalProperties says otherwise.
  EXPECT_EQ(Outcome(*s->compiled, R"({"o": {"x": 1}, "y": 2})"), "");
}

TEST(StructuralSchema, Required) {
  auto s = CompileOrDie(R"({"properties": {"a": {"type": "string"},
      "o": {"required": ["k"], "properties": {"k": {}}}},
      "required": ["a", "unlisted"]})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"a": "", "unlisted": [{}]})"), "");
  EXPECT_EQ(Outcome(c, R"({"unlisted": 1})"), "<root>: required");
  EXPECT_EQ(Outcome(c, R"({"a": "", "unlisted": 1, "o": {}})"), "o: required");
  // Members are checked before the object's required list, as RapidJSON
  // does.
  EXPECT_EQ(Outcome(c, R"({"a": 5})"), "a: type");
}

TEST(StructuralSchema, AdditionalProperties) {
  auto s = CompileOrDie(R"({"properties": {
      "closed": {"properties": {"k": {}}, "additionalProperties": false},
      "map": {"additionalProperties": {"type": "integer"}}}})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"closed": {"k": 1}, "map": {"a": 1, "b": 2}})"), "");
  EXPECT_EQ(Outcome(c, R"({"closed": {"x": 1}})"),
            "closed.x: additionalProperties");
  EXPECT_EQ(Outcome(c, R"({"map": {"a": 1, "b": "2"}})"), "map.b: type");
  // RapidJSON reports a key made of digits as an array index.
  EXPECT_EQ(Outcome(c, R"({"map": {"12": "x"}})"), "map[12]: type");
  EXPECT_EQ(Outcome(c, R"({"map": {"012": "x"}})"), "map.012: type");
}

TEST(StructuralSchema, EnumOfStrings) {
  auto s = CompileOrDie(R"({"properties": {"e": {"enum": ["a", "bc"]}}})");
  EXPECT_EQ(Outcome(*s->compiled, R"({"e": "bc"})"), "");
  EXPECT_EQ(Outcome(*s->compiled, R"({"e": "b"})"), "e: enum");
  EXPECT_EQ(Outcome(*s->compiled, R"({"e": 1})"), "e: enum");
}

TEST(StructuralSchema, PatternSearchesAsRapidJson) {
  auto s = CompileOrDie(R"({"properties": {
      "anchored": {"type": "string", "pattern": "^[0-9]+(Mi|Gi)?$"},
      "search": {"type": "string", "pattern": "[a-z]"}}})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"anchored": "512Mi", "search": "A1b"})"), "");
  EXPECT_EQ(Outcome(c, R"({"anchored": "512 Mi"})"), "anchored: pattern");
  EXPECT_EQ(Outcome(c, R"({"search": "ABC"})"), "search: pattern");
}

// Parentheses inside a character class or escaped are characters, not
// groups, for the balance check that guards RapidJSON's parser.
TEST(StructuralSchema, PatternParenthesesAsCharacters) {
  auto s = CompileOrDie(R"({"type": "object", "properties": {
      "class": {"type": "string", "pattern": "^[(]x$"},
      "escaped": {"type": "string", "pattern": "^\\(x$"}}})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"class": "(x", "escaped": "(x"})"), "");
  EXPECT_EQ(Outcome(c, R"({"class": "x"})"), "class: pattern");
  EXPECT_EQ(Outcome(c, R"({"escaped": "x"})"), "escaped: pattern");
}

TEST(StructuralSchema, MinimumAndMaximum) {
  auto s = CompileOrDie(R"({"properties": {
      "port": {"type": "integer", "minimum": 1024, "maximum": 49151},
      "ratio": {"type": "number", "minimum": 0.5}}})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"port": 1024, "ratio": 0.5})"), "");
  EXPECT_EQ(Outcome(c, R"({"port": 49151, "ratio": 7})"), "");
  EXPECT_EQ(Outcome(c, R"({"port": 1023})"), "port: minimum");
  EXPECT_EQ(Outcome(c, R"({"port": -5})"), "port: minimum");
  EXPECT_EQ(Outcome(c, R"({"port": 49152})"), "port: maximum");
  EXPECT_EQ(Outcome(c, R"({"port": 18446744073709551615})"), "port: maximum");
  EXPECT_EQ(Outcome(c, R"({"ratio": 0.25})"), "ratio: minimum");
  EXPECT_EQ(Outcome(c, R"({"ratio": 0})"), "ratio: minimum");
}

TEST(StructuralSchema, AnyOfIntOrString) {
  auto s = CompileOrDie(R"({"properties": {"q": {
      "anyOf": [{"type": "integer"}, {"type": "string"}],
      "pattern": "^[0-9]+m?$", "x-kubernetes-int-or-string": true}}})");
  const StructuralSchema& c = *s->compiled;
  EXPECT_EQ(Outcome(c, R"({"q": 5})"), "");
  EXPECT_EQ(Outcome(c, R"({"q": "500m"})"), "");
  EXPECT_EQ(Outcome(c, R"({"q": true})"), "q: anyOf");
  EXPECT_EQ(Outcome(c, R"({"q": 1.5})"), "q: anyOf");
  // The pattern is checked when the string starts, before anyOf.
  EXPECT_EQ(Outcome(c, R"({"q": "lots"})"), "q: pattern");
}

TEST(StructuralSchema, RefusesWhatItDoesNotImplement) {
  const char* refused[][2] = {
      {R"({"oneOf": [{}]})", "/oneOf"},
      {R"({"properties": {"a": {"exclusiveMinimum": true}}})",
       "/properties/a/exclusiveMinimum"},
      {R"({"items": {"$ref": "#/x"}})", "/items/$ref"},
      {R"({"type": ["string", "null"]})", "/type"},
      {R"({"type": "text"})", "/type"},
      {R"({"enum": [1]})", "/enum"},
      {R"({"pattern": "("})", "/pattern"},
      // RapidJSON's parser asserts on a group left open (release builds
      // read "(a" as "a+"); refused before it is handed on.
      {R"({"pattern": "(a"})", "/pattern"},
      {R"({"pattern": "a(b|c"})", "/pattern"},
      {R"json({"pattern": "a)"})json", "/pattern"},
      {R"({"properties": {"a/b": {"minLength": 1}}})",
       "/properties/a~1b/minLength"},
      {R"({"items": [{}]})", "/items"},
      {R"({"minimum": "1"})", "/minimum"},
  };
  for (const auto& [schema_json, pointer] : refused) {
    Document schema = testing::ParseJson(schema_json);
    absl::StatusOr<std::unique_ptr<StructuralSchema>> compiled =
        StructuralSchema::Compile(schema);
    ASSERT_FALSE(compiled.ok()) << schema_json;
    EXPECT_TRUE(absl::StrContains(compiled.status().message(),
                                  absl::StrCat("'", pointer, "'")))
        << compiled.status();
  }
}

// --- The same results as RapidJSON 1.1's SchemaValidator -----------------

using ReferenceSchema =
    rapidjson::GenericSchemaDocument<Value, rapidjson::MemoryPoolAllocator<>>;
using ReferenceValidator = rapidjson::GenericSchemaValidator<ReferenceSchema>;

// "/spec/driver/cores" -> "spec.driver.cores"; array indices as [i].
std::string DottedPath(const ReferenceValidator::PointerType& pointer) {
  std::string out;
  for (size_t i = 0; i < pointer.GetTokenCount(); ++i) {
    const auto& token = pointer.GetTokens()[i];
    if (token.index != rapidjson::kPointerInvalidIndex) {
      absl::StrAppend(&out, "[", token.index, "]");
    } else {
      if (!out.empty()) out.push_back('.');
      out.append(token.name, token.length);
    }
  }
  return out.empty() ? "<root>" : out;
}

class AgreesWithRapidJson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    schema_ = new Document();
    const absl::string_view text = SparkApplicationOpenApiSchema();
    schema_->Parse(text.data(), text.size());
    reference_ = new ReferenceSchema(*schema_);
    absl::StatusOr<std::unique_ptr<StructuralSchema>> compiled =
        StructuralSchema::Compile(*schema_);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    compiled_ = compiled->release();
  }

  // Both verdicts on `document`, as "" or "<path>: <keyword>".
  static void ExpectSameVerdict(const Value& document,
                                const std::string& what) {
    ReferenceValidator validator(*reference_);
    std::string want;
    if (!document.Accept(validator)) {
      want = absl::StrCat(DottedPath(validator.GetInvalidDocumentPointer()),
                          ": ", validator.GetInvalidSchemaKeyword());
    }
    std::optional<StructuralSchema::Violation> v = compiled_->Check(document);
    std::string got =
        v.has_value() ? absl::StrCat(v->path, ": ", v->keyword) : std::string();
    EXPECT_EQ(got, want) << what;
    if (!want.empty()) ++rejected_;
    ++checked_;
  }

  static Document* schema_;
  static ReferenceSchema* reference_;
  static StructuralSchema* compiled_;
  static int checked_;
  static int rejected_;
};

Document* AgreesWithRapidJson::schema_ = nullptr;
ReferenceSchema* AgreesWithRapidJson::reference_ = nullptr;
StructuralSchema* AgreesWithRapidJson::compiled_ = nullptr;
int AgreesWithRapidJson::checked_ = 0;
int AgreesWithRapidJson::rejected_ = 0;

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  DIR* dir = opendir(FLYTEPLUG_SPARK_GOLDEN_DIR);
  if (dir == nullptr) return files;
  while (dirent* entry = readdir(dir)) {
    if (absl::EndsWith(entry->d_name, ".json")) {
      files.push_back(
          absl::StrCat(FLYTEPLUG_SPARK_GOLDEN_DIR, "/", entry->d_name));
    }
  }
  closedir(dir);
  return files;
}

// Every value of `root`, with its path, parents before children.
void CollectValues(Value& value, const std::string& path,
                   std::vector<std::pair<Value*, std::string>>* out) {
  out->push_back({&value, path});
  if (value.IsObject()) {
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
      CollectValues(it->value, absl::StrCat(path, "/", it->name.GetString()),
                    out);
    }
  } else if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      CollectValues(value[i], absl::StrCat(path, "/", i), out);
    }
  }
}

TEST_F(AgreesWithRapidJson, OnGoldenManifestsAndTheirMutations) {
  const std::vector<std::string> files = GoldenFiles();
  ASSERT_GE(files.size(), 10u);
  // Replacement values: every JSON type, numbers around the schema's bounds
  // and quantity-like strings.
  const char* replacements[] = {"null",
                                "true",
                                "0",
                                "-5",
                                "1",
                                "70000",
                                "4294967296",
                                "1.5",
                                "\"x\"",
                                "\"1Mi\"",
                                "\"Python\"",
                                "{}",
                                "[]",
                                R"({"name": "n", "zz": 1})",
                                R"([{"name": "n"}])"};
  for (const std::string& file : files) {
    Document manifest = testing::ParseJson(testing::ReadFile(file));
    ExpectSameVerdict(manifest, file);
    std::vector<std::pair<Value*, std::string>> values;
    CollectValues(manifest, "", &values);
    auto& allocator = manifest.GetAllocator();
    for (const auto& [value, path] : values) {
      for (const char* replacement : replacements) {
        Value with;
        with.CopyFrom(testing::ParseJson(replacement), allocator);
        value->Swap(with);
        ExpectSameVerdict(manifest,
                          absl::StrCat(file, " ", path, " = ", replacement));
        value->Swap(with);
      }
      if (!value->IsObject()) continue;
      // Each member renamed away: a required one goes missing, and an
      // unknown key appears.
      for (auto it = value->MemberBegin(); it != value->MemberEnd(); ++it) {
        Value renamed("zz-renamed", allocator);
        it->name.Swap(renamed);
        ExpectSameVerdict(manifest, absl::StrCat(file, " ", path, " renamed ",
                                                 renamed.GetString()));
        it->name.Swap(renamed);
      }
    }
  }
  // The mutations reach both outcomes in quantity.
  EXPECT_GT(checked_, 10000);
  EXPECT_GT(rejected_, 1000);
  EXPECT_GT(checked_ - rejected_, 1000);
}

}  // namespace
}  // namespace flyteplug::spark
