// The shipped module, dlopened and driven through its C ABI only (the way
// the loader does), against the fake Jobs API server.
#include <dlfcn.h>

#include <cstring>

#include "abi_json.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/negotiation.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "gtest/gtest.h"
#include "test_support.h"

namespace flyteplug::databricks {
namespace {

using testing::ExampleContext;
using testing::FakeServer;
using testing::kToken;
using testing::TestHost;

using sdk::boundary::ErrorCapture;

std::string Take(flyteplug_buffer* buffer) {
  std::string out(reinterpret_cast<const char*>(buffer->data), buffer->size);
  if (buffer->release != nullptr) buffer->release(buffer);
  EXPECT_EQ(buffer->release, nullptr);
  return out;
}

flyteplug_bytes Bytes(const std::string& s) {
  return sdk::boundary::BytesOf(s);
}

class ModuleAbiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    handle_ = dlopen(DATABRICKS_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto entry = reinterpret_cast<flyteplug_entry_v1_fn>(
        dlsym(handle_, FLYTEPLUG_ENTRY_SYMBOL_V1));
    ASSERT_NE(entry, nullptr);
    flyteplug_negotiation negotiation = sdk::boundary::HostOffer();
    ErrorCapture sink;
    ASSERT_EQ(entry(&negotiation, &module_, sink.sink()), FLYTEPLUG_OK)
        << sink.message();
    ASSERT_NE(module_, nullptr);
  }

  void TearDown() override {
    if (instance_ != nullptr) module_->deinit(instance_);
    outputs_.push_back(host_.LogText());
    for (const std::string& output : outputs_) {
      EXPECT_FALSE(absl::StrContains(output, kToken)) << output;
    }
    // Modules are not unloaded (not declared unloadable); keep the handle.
  }

  flyteplug_status_code Init(const std::string& config, ErrorCapture* sink) {
    flyteplug_init_args args{sizeof(args), host_.api(), Bytes(config)};
    return module_->init(&args, &instance_, sink->sink());
  }

  std::string FastConfig() const {
    return R"({"databricks":{"requestTimeout":"2s","retry":{"maxAttempts":3,)"
           R"("initialBackoff":"10ms","maxBackoff":"20ms","maxTotalTime":"5s"}}})";
  }

  FakeServer server_;
  TestHost host_;
  void* handle_ = nullptr;
  const flyteplug_module* module_ = nullptr;
  flyteplug_instance* instance_ = nullptr;
  std::vector<std::string> outputs_;
};

TEST_F(ModuleAbiTest, Descriptor) {
  EXPECT_EQ(module_->struct_size, sizeof(flyteplug_module));
  EXPECT_EQ(module_->abi_major, 1u);
  EXPECT_STREQ(module_->id, "databricks");
  EXPECT_EQ(module_->family, FLYTEPLUG_FAMILY_WEB_API);
  EXPECT_EQ(module_->k8s, nullptr);
  ASSERT_NE(module_->webapi, nullptr);
  ASSERT_EQ(module_->task_type_count, 2u);
  EXPECT_STREQ(module_->task_types[0].name, "databricks");
  EXPECT_EQ(module_->task_types[0].flags, 0u);
  EXPECT_STREQ(module_->task_types[1].name, "spark");
  EXPECT_EQ(module_->task_types[1].flags, uint32_t{FLYTEPLUG_TASK_TYPE_OPT_IN});
  ASSERT_EQ(module_->config_section_count, 1u);
  EXPECT_STREQ(module_->config_sections[0], "databricks");
}

TEST_F(ModuleAbiTest, BadConfigurationFailsInitNamingThePath) {
  ErrorCapture sink;
  EXPECT_EQ(Init(R"({"databricks":{"webApi":{"readRateLimiter":{"qps":"x"}}}})",
                 &sink),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(
      sink.message().find("plugins.databricks.webApi.readRateLimiter.qps"),
      std::string::npos)
      << sink.message();
  EXPECT_EQ(instance_, nullptr);
}

TEST_F(ModuleAbiTest, UnknownKeyIsAWarningNamingThePath) {
  ErrorCapture sink;
  ASSERT_EQ(Init(R"({"databricks":{"databricksInstanse":"x"}})", &sink),
            FLYTEPLUG_OK)
      << sink.message();
  EXPECT_NE(host_.LogText().find(
                "WARNING: databricks: configuration: "
                "plugins.databricks.databricksInstanse: unknown key, did you "
                "mean 'databricksInstance'?"),
            std::string::npos)
      << host_.LogText();
}

TEST_F(ModuleAbiTest, LifecycleThroughTheCAbi) {
  ErrorCapture init_sink;
  ASSERT_EQ(Init(FastConfig(), &init_sink), FLYTEPLUG_OK)
      << init_sink.message();
  const flyteplug_webapi_vtable* web = module_->webapi;
  std::string context;
  ASSERT_TRUE(ExampleContext(server_.base_url()).SerializeToString(&context));

  ErrorCapture sink;
  flyteplug_buffer rendered{};
  ASSERT_EQ(web->render_create_request(instance_, Bytes(context), &rendered,
                                       sink.sink()),
            FLYTEPLUG_OK)
      << sink.message();
  std::string request = Take(&rendered);
  outputs_.push_back(request);
  EXPECT_NE(request.find("Bearer <redacted>"), std::string::npos);

  flyteplug_buffer meta_buffer{};
  ASSERT_EQ(web->create(instance_, Bytes(context), &meta_buffer, sink.sink()),
            FLYTEPLUG_OK)
      << sink.message();
  std::string meta = Take(&meta_buffer);
  outputs_.push_back(meta);
  EXPECT_NE(meta.find("\"run_id\":\"1000\""), std::string::npos) << meta;

  const flyteplug::abi::flyteplug::v1::Phase expected[] = {
      flyteplug::abi::flyteplug::v1::INITIALIZING,
      flyteplug::abi::flyteplug::v1::RUNNING,
      flyteplug::abi::flyteplug::v1::SUCCESS};
  for (flyteplug::abi::flyteplug::v1::Phase phase : expected) {
    flyteplug_buffer resource_buffer{};
    ASSERT_EQ(web->get(instance_, Bytes(meta), &resource_buffer, sink.sink()),
              FLYTEPLUG_OK)
        << sink.message();
    std::string resource = Take(&resource_buffer);
    outputs_.push_back(resource);
    flyteplug_buffer phase_buffer{};
    ASSERT_EQ(web->status(instance_, Bytes(context), Bytes(resource),
                          &phase_buffer, sink.sink()),
              FLYTEPLUG_OK)
        << sink.message();
    flyteplug::abi::flyteplug::v1::PhaseInfo info;
    ASSERT_TRUE(info.ParseFromString(Take(&phase_buffer)));
    outputs_.push_back(
        abi_test::LiteDebugString<flyteplug::v1::PhaseInfo>(info));
    EXPECT_EQ(info.phase(), phase);
    ASSERT_EQ(info.logs_size(), 1);
    // The run's own run_page_url (linkToRunPageUrl's default).
    EXPECT_EQ(info.logs(0).uri(),
              "https://fake.cloud.databricks.com/?o=42#job/555/run/1000");
  }
  EXPECT_EQ(web->delete_resource(instance_, Bytes(meta), sink.sink()),
            FLYTEPLUG_OK)
      << sink.message();
  rapidjson::Document runs = server_.Runs();
  EXPECT_EQ(runs["count"].GetInt(), 1);
  EXPECT_TRUE(runs["runs"]["1000"]["cancelled"].GetBool());
}

TEST_F(ModuleAbiTest, ErrorsCrossTheBoundaryWithTheirCodes) {
  ErrorCapture init_sink;
  ASSERT_EQ(Init(FastConfig(), &init_sink), FLYTEPLUG_OK);
  const flyteplug_webapi_vtable* web = module_->webapi;
  auto bad = ExampleContext(server_.base_url());
  (*bad.mutable_task_template()
        ->mutable_custom()
        ->mutable_fields())["databricksConf"]
      .mutable_struct_value()
      ->mutable_fields()
      ->erase("new_cluster");
  std::string context;
  ASSERT_TRUE(bad.SerializeToString(&context));
  ErrorCapture sink;
  flyteplug_buffer out{};
  EXPECT_EQ(web->create(instance_, Bytes(context), &out, sink.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(sink.code(), FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(sink.message().find("existing_cluster_id"), std::string::npos);
  EXPECT_EQ(out.release, nullptr);
  outputs_.push_back(sink.message());

  server_.AddFaults(
      R"({"get":[{"status":403,"body":"{\"error_code\":403,\"message\":\"Invalid access token.\"}"}]})");
  std::string meta = absl::StrCat(R"({"instance":")", server_.base_url(),
                                  R"(","run_id":"1"})");
  EXPECT_EQ(web->get(instance_, Bytes(meta), &out, sink.sink()),
            FLYTEPLUG_PERMISSION_DENIED);
  outputs_.push_back(sink.message());
  EXPECT_EQ(web->get(instance_, Bytes("garbage"), &out, sink.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(sink.message().find("resource_meta"), std::string::npos);
  EXPECT_EQ(
      web->status(instance_, Bytes(context), Bytes("{}"), &out, sink.sink()),
      FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(sink.message().find("resource.life_cycle_state"),
            std::string::npos);
}

}  // namespace
}  // namespace flyteplug::databricks
