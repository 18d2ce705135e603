// The module boundary: dlopen the built .so, negotiate, init with the SDK's
// fake host (fixed clock, captured log), build through the C vtable.
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/status.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "flyteplug/sdk/testing/module_under_test.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::spark::testing {
namespace {

using sdk::testing::FakeHost;
using sdk::testing::ModuleUnderTest;

class SparkModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto module = ModuleUnderTest::Open(FLYTEPLUG_SPARK_MODULE_PATH);
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = &module->descriptor();
    under_test_.emplace(*module);
    host_.SetNowUnixNanos(kNow);
  }

  const flyteplug_module* module_ = nullptr;
  std::optional<ModuleUnderTest> under_test_;
  FakeHost host_;
};

TEST_F(SparkModuleTest, Descriptor) {
  EXPECT_STREQ(module_->id, "spark");
  EXPECT_EQ(module_->family, FLYTEPLUG_FAMILY_K8S_RESOURCE);
  ASSERT_EQ(module_->task_type_count, 1u);
  EXPECT_STREQ(module_->task_types[0].name, "spark");
  EXPECT_EQ(module_->task_types[0].flags, 0u);
  ASSERT_EQ(module_->config_section_count, 2u);
  EXPECT_STREQ(module_->config_sections[0], "spark");
  EXPECT_STREQ(module_->config_sections[1], "k8s");
  EXPECT_NE(module_->k8s, nullptr);
  EXPECT_EQ(module_->webapi, nullptr);
}

TEST_F(SparkModuleTest, BuildsThroughTheAbiWithTheHostClock) {
  auto instance = under_test_->Init(host_, R"({"spark": {"no-such-key": 1}})");
  ASSERT_TRUE(instance.ok()) << instance.status();
  ASSERT_EQ(host_.logs().size(), 1u);
  EXPECT_TRUE(
      absl::StrContains(host_.logs()[0].message, "plugins.spark.no-such-key"));
  std::string context;
  ASSERT_TRUE(
      ExampleContext("pyspark_context.json").SerializeToString(&context));
  absl::StatusOr<std::string> json = instance->BuildResource(context);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(absl::StrContains(
      *json,
      R"("spark.kubernetes.driverEnv.FLYTE_START_TIME":"1700000000123")"));
  ExpectSchemaValid(*json);

  absl::StatusOr<std::string> identity =
      instance->BuildIdentityResource(context);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(
      *identity,
      R"({"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication"})");

  // A bad task is INVALID_ARGUMENT with the field named.
  flyteplug::abi::flyteplug::v1::TaskContext bad =
      ExampleContext("pyspark_context.json");
  bad.mutable_task_template()->clear_custom();
  absl::StatusOr<std::string> refused =
      instance->BuildResource(bad.SerializeAsString());
  EXPECT_EQ(sdk::boundary::AbiCodeOf(refused.status()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_TRUE(
      absl::StrContains(refused.status().message(), "taskTemplate.custom"));
}

TEST_F(SparkModuleTest, BadConfigFailsInit) {
  auto instance =
      under_test_->Init(host_, R"({"k8s": {"default-tolerations": 3}})");
  EXPECT_EQ(sdk::boundary::AbiCodeOf(instance.status()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(instance.status().message(),
            "plugins.k8s.default-tolerations: expected an array, got a number");
}

}  // namespace
}  // namespace flyteplug::spark::testing
