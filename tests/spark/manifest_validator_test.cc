// The CRD schema copy, its embedding and RapidJSON's handling of it.
#include "manifest_validator.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "embedded_schema.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::spark {
namespace {

constexpr char kMinimal[] = R"json({
  "apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "SparkApplication",
  "metadata": {"name": "x"},
  "spec": {"type": "Python", "mainApplicationFile": "local:///a.py",
           "sparkVersion": "3.5.0", "driver": {}, "executor": {}}
})json";

std::unique_ptr<ManifestValidator> Embedded() {
  absl::StatusOr<std::unique_ptr<ManifestValidator>> v =
      ManifestValidator::CreateEmbedded();
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : nullptr;
}

absl::Status Check(const char* json) {
  static const ManifestValidator* validator = Embedded().release();
  return validator->Validate(testing::ParseJson(json));
}

TEST(ManifestValidator, EmbeddingMatchesSchemaFile) {
  std::string copy = testing::ReadFile(FLYTEPLUG_SPARK_SCHEMA_COPY);
  ASSERT_FALSE(copy.empty());
  EXPECT_EQ(std::string(SparkApplicationOpenApiSchema()), copy);
}

TEST(ManifestValidator, AcceptsMinimalApplication) {
  EXPECT_TRUE(Check(kMinimal).ok()) << Check(kMinimal);
}

TEST(ManifestValidator, NamesTheViolatedPath) {
  EXPECT_EQ(
      Check(
          R"({"metadata": {}, "spec": {"type": "Kotlin", "mainApplicationFile": "a",
                "sparkVersion": "", "driver": {}, "executor": {}}})")
          .message(),
      "SparkApplication rejected by the CRD schema at spec.type: violates enum "
      "[\"Java\",\"Python\",\"Scala\",\"R\"] (got a string)");
  EXPECT_EQ(Check(R"({"metadata": {}})").message(),
            "SparkApplication rejected by the CRD schema at spec: required "
            "field is missing (required: spec)");
  EXPECT_EQ(Check(R"({"metadata": {}, "spec": {"type": "Python", "driver": {},
                      "executor": {}, "mainApplicationFile": "a"}})")
                .message(),
            "SparkApplication rejected by the CRD schema at spec.sparkVersion: "
            "required field is missing (required: sparkVersion)");
  EXPECT_TRUE(absl::StrContains(
      Check(
          R"({"metadata": {}, "spec": {"type": "Python", "mainApplicationFile": "a",
              "sparkVersion": "", "driver": {}, "executor": {"instances": 0}}})")
          .message(),
      "spec.executor.instances: violates minimum 1 (got 0)"));
  EXPECT_TRUE(absl::StrContains(
      Check(
          R"({"metadata": {}, "spec": {"type": "Python", "mainApplicationFile": "a",
              "sparkVersion": "", "driver": {"tolerations": {}}, "executor": {}}})")
          .message(),
      "spec.driver.tolerations: violates type \"array\""));
}

TEST(ManifestValidator, IntOrStringAndQuantityPatterns) {
  constexpr char kTemplate[] = R"json({
    "metadata": {}, "spec": {"type": "Python", "mainApplicationFile": "a",
    "sparkVersion": "", "executor": {}, "driver": {"env": [{"name": "M",
    "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": %s}}}]}}})json";
  auto with = [&](const char* divisor) {
    char buffer[1024];
    snprintf(buffer, sizeof(buffer), kTemplate, divisor);
    return Check(buffer);
  };
  EXPECT_TRUE(with("\"1Mi\"").ok()) << with("\"1Mi\"");
  EXPECT_TRUE(with("1").ok()) << with("1");
  EXPECT_TRUE(with("\"500m\"").ok());
  EXPECT_FALSE(with("\"lots\"").ok());
  EXPECT_FALSE(with("true").ok());
}

// SparkApplicationBuilder skips the init-time check of an empty platform
// list (plugins.k8s default / interruptible / resource tolerations): exact
// only because the schema accepts an empty tolerations array.
TEST(ManifestValidator, AcceptsEmptyTolerations) {
  constexpr char kEmpty[] = R"({"metadata": {}, "spec": {"type": "Python",
      "mainApplicationFile": "a", "sparkVersion": "",
      "driver": {"tolerations": []}, "executor": {"tolerations": []}}})";
  EXPECT_TRUE(Check(kEmpty).ok()) << Check(kEmpty);
}

TEST(ManifestValidator, EmbeddedIsCompiledOncePerProcess) {
  absl::StatusOr<const ManifestValidator*> first =
      ManifestValidator::Embedded();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*ManifestValidator::Embedded(), *first);
  EXPECT_TRUE((*first)->Validate(testing::ParseJson(kMinimal)).ok());
}

// RapidJSON 1.1's `pattern` matching writes to state inside a compiled
// schema: concurrent validations of patterned values must still agree with
// a single-threaded one (run under the tsan preset to see races).
TEST(ManifestValidator, ConcurrentPatternValidationsAgree) {
  absl::StatusOr<const ManifestValidator*> validator =
      ManifestValidator::Embedded();
  ASSERT_TRUE(validator.ok()) << validator.status();
  auto manifest = [](const char* divisor) {
    return testing::ParseJson(absl::StrCat(
        R"({"metadata": {}, "spec": {"type": "Python",
        "mainApplicationFile": "a", "sparkVersion": "", "executor": {},
        "driver": {"env": [{"name": "M", "valueFrom": {"resourceFieldRef":
        {"resource": "limits.memory", "divisor": ")",
        divisor, R"("}}}]}}})"));
  };
  const rapidjson::Document good = manifest("512Mi");
  const rapidjson::Document bad = manifest("12 parsecs");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        bool want_ok = (i + t) % 2 == 0;
        bool ok = (*validator)->Validate(want_ok ? good : bad).ok();
        if (ok != want_ok) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace flyteplug::spark
