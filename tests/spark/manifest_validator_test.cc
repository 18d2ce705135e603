// The CRD schema copy, its embedding and RapidJSON's handling of it.
#include "manifest_validator.h"

#include "absl/strings/match.h"
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

}  // namespace
}  // namespace flyteplug::spark
