// The module boundary: dlopen the built .so, negotiate, init with a host API
// (fixed clock, captured log), build through the C vtable.
#include <dlfcn.h>

#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "flyteplug/plugin.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::spark::testing {
namespace {

struct FakeHost {
  std::mutex mu;
  std::vector<std::string> logs;
};

int32_t LogEnabled(void*, flyteplug_log_level) { return 1; }
void Log(void* data, flyteplug_log_level, const char* message, size_t size) {
  auto* host = static_cast<FakeHost*>(data);
  std::lock_guard<std::mutex> lock(host->mu);
  host->logs.emplace_back(message, size);
}
flyteplug_status_code GetSecret(void*, const char*, size_t, flyteplug_buffer*,
                                flyteplug_error*) {
  return FLYTEPLUG_NOT_FOUND;
}
int64_t Now(void*) { return kNow; }

struct Error {
  flyteplug_error error;
  flyteplug_status_code code = FLYTEPLUG_OK;
  std::string message;
  Error() {
    error.struct_size = sizeof(error);
    error.caller_data = this;
    error.set = [](flyteplug_error* self, flyteplug_status_code code,
                   const char* message, size_t size) {
      auto* e = static_cast<Error*>(self->caller_data);
      e->code = code;
      e->message.assign(message, size);
    };
  }
};

class SparkModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = dlopen(FLYTEPLUG_SPARK_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto entry = reinterpret_cast<flyteplug_entry_v1_fn>(
        dlsym(handle_, FLYTEPLUG_ENTRY_SYMBOL_V1));
    ASSERT_NE(entry, nullptr);
    flyteplug_negotiation negotiation{sizeof(flyteplug_negotiation), 1, 0, 0,
                                      0};
    Error error;
    ASSERT_EQ(entry(&negotiation, &module_, &error.error), FLYTEPLUG_OK)
        << error.message;
    api_.struct_size = sizeof(api_);
    api_.host_data = &host_;
    api_.log_enabled = &LogEnabled;
    api_.log = &Log;
    api_.get_secret = &GetSecret;
    api_.now_unix_nanos = &Now;
  }

  flyteplug_status_code Init(const std::string& config,
                             flyteplug_instance** instance, Error* error) {
    flyteplug_init_args args{};
    args.struct_size = sizeof(args);
    args.host = &api_;
    args.config_json = {reinterpret_cast<const uint8_t*>(config.data()),
                        config.size()};
    return module_->init(&args, instance, &error->error);
  }

  void* handle_ = nullptr;
  const flyteplug_module* module_ = nullptr;
  FakeHost host_;
  flyteplug_host_api api_{};
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
  flyteplug_instance* instance = nullptr;
  Error error;
  ASSERT_EQ(Init(R"({"spark": {"no-such-key": 1}})", &instance, &error),
            FLYTEPLUG_OK)
      << error.message;
  {
    std::lock_guard<std::mutex> lock(host_.mu);
    ASSERT_EQ(host_.logs.size(), 1u);
    EXPECT_TRUE(absl::StrContains(host_.logs[0], "plugins.spark.no-such-key"));
  }
  std::string context;
  ASSERT_TRUE(
      ExampleContext("pyspark_context.json").SerializeToString(&context));
  flyteplug_buffer manifest{};
  Error build_error;
  ASSERT_EQ(
      module_->k8s->build_resource(
          instance,
          {reinterpret_cast<const uint8_t*>(context.data()), context.size()},
          &manifest, &build_error.error),
      FLYTEPLUG_OK)
      << build_error.message;
  std::string json(reinterpret_cast<const char*>(manifest.data), manifest.size);
  manifest.release(&manifest);
  EXPECT_EQ(manifest.release, nullptr);
  EXPECT_TRUE(absl::StrContains(
      json,
      R"("spark.kubernetes.driverEnv.FLYTE_START_TIME":"1700000000123")"));
  ExpectSchemaValid(json);

  flyteplug_buffer identity{};
  ASSERT_EQ(
      module_->k8s->build_identity_resource(
          instance,
          {reinterpret_cast<const uint8_t*>(context.data()), context.size()},
          &identity, &build_error.error),
      FLYTEPLUG_OK);
  EXPECT_EQ(
      std::string(reinterpret_cast<const char*>(identity.data), identity.size),
      R"({"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication"})");
  identity.release(&identity);

  // A bad task is INVALID_ARGUMENT with the field named.
  flyteplug::abi::flyteplug::v1::TaskContext bad =
      ExampleContext("pyspark_context.json");
  bad.mutable_task_template()->clear_custom();
  std::string bad_bytes = bad.SerializeAsString();
  Error bad_error;
  EXPECT_EQ(module_->k8s->build_resource(
                instance,
                {reinterpret_cast<const uint8_t*>(bad_bytes.data()),
                 bad_bytes.size()},
                &manifest, &bad_error.error),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(bad_error.message, "taskTemplate.custom"));
  module_->deinit(instance);
}

TEST_F(SparkModuleTest, BadConfigFailsInit) {
  flyteplug_instance* instance = nullptr;
  Error error;
  EXPECT_EQ(Init(R"({"k8s": {"default-tolerations": 3}})", &instance, &error),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(error.message,
            "plugins.k8s.default-tolerations: expected an array, got a number");
}

}  // namespace
}  // namespace flyteplug::spark::testing
