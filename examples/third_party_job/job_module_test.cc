// The example module's own tests, built with flyteplug_add_module_tests: the
// module's sources linked into this executable, driven through the ABI
// in-process against the SDK's fake host (no loader, no dlopen).
#include <string>
#include <vector>

#include "flyteplug/sdk/messages.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "flyteplug/sdk/testing/module_under_test.h"
#include "gtest/gtest.h"
#include "job_config.h"

extern "C" flyteplug_status_code flyteplug_module_entry_v1(
    flyteplug_negotiation* negotiation, const flyteplug_module** module,
    flyteplug_error* error);

namespace k8s_job {
namespace {

using flyteplug::sdk::testing::FakeHost;
using flyteplug::sdk::testing::ModuleUnderTest;

std::string BatchJobContext() {
  flyteplug::abi::flyteplug::v1::TaskContext context;
  auto* task = context.mutable_task_template();
  task->set_type("batch-job");
  task->mutable_container()->set_image("ghcr.io/example/report:1.0");
  task->mutable_container()->add_args("{{.Input}}");
  context.mutable_metadata()->set_generated_name("job-name-0");
  context.mutable_metadata()->set_namespace_("ns");
  return context.SerializeAsString();
}

TEST(JobModule, BuildsAJobThroughTheAbi) {
  auto module = ModuleUnderTest::FromEntry(&flyteplug_module_entry_v1);
  ASSERT_TRUE(module.ok()) << module.status();
  EXPECT_STREQ(module->descriptor().id, "k8s-job");
  FakeHost host;
  auto instance =
      module->Init(host, R"({"k8s-job":{"default-service-account":"runner"}})");
  ASSERT_TRUE(instance.ok()) << instance.status();
  auto manifest = instance->BuildResource(BatchJobContext());
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_NE(manifest->find(R"("kind":"Job")"), std::string::npos) << *manifest;
  EXPECT_NE(manifest->find(R"("serviceAccountName":"runner")"),
            std::string::npos)
      << *manifest;
}

TEST(JobModule, UnknownConfigKeyIsOneWarningInTheSdkForm) {
  auto module = ModuleUnderTest::FromEntry(&flyteplug_module_entry_v1);
  ASSERT_TRUE(module.ok()) << module.status();
  FakeHost host;
  auto instance =
      module->Init(host, R"({"k8s-job":{"default-service-acount":"x"}})");
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_TRUE(host.LogsContain(
      "k8s-job: configuration: plugins.k8s-job.default-service-acount: "
      "unknown key, did you mean 'default-service-account'?"))
      << host.LogText();
}

TEST(JobConfig, WrongTypeNamesTheKey) {
  std::vector<std::string> warnings;
  auto config = ParseJobConfig(
      R"({"k8s-job":{"ttl-seconds-after-finished":"soon"}})", &warnings);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find(
                "plugins.k8s-job.ttl-seconds-after-finished"),
            std::string::npos)
      << config.status();
}

}  // namespace
}  // namespace k8s_job
