// The SDK test host (flyteplug/sdk/testing): FakeHost through its C table,
// and ModuleUnderTest driving the SDK test module, once linked into this
// binary and once dlopened.
#include "flyteplug/sdk/testing/fake_host.h"

#include <string>
#include <vector>

#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/status.h"
#include "flyteplug/sdk/sdk.h"
#include "flyteplug/sdk/testing/module_under_test.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk_test_context.h"

// sdk_test_module.cc, compiled into this test (the k8s-resource variant).
extern "C" flyteplug_status_code flyteplug_module_entry_v1(
    flyteplug_negotiation* negotiation, const flyteplug_module** module,
    flyteplug_error* error);

namespace flyteplug::sdk::testing {
namespace {

using ::testing::HasSubstr;

// Looks `key` up through the C table; the value, or the failure's status.
absl::StatusOr<std::string> Lookup(const FakeHost& host,
                                   absl::string_view key) {
  const flyteplug_host_api* api = host.api();
  boundary::ErrorCapture capture;
  flyteplug_buffer value{};
  flyteplug_status_code code = api->get_secret(
      api->host_data, key.data(), key.size(), &value, capture.sink());
  if (code != FLYTEPLUG_OK) {
    EXPECT_EQ(value.release, nullptr);
    EXPECT_EQ(capture.calls(), 1);
    return capture.StatusFor(code, "no message");
  }
  std::string text(reinterpret_cast<const char*>(value.data), value.size);
  value.release(&value);
  EXPECT_EQ(value.release, nullptr);  // the release-once rule
  return text;
}

using ::flyteplug::sdk_test::Context;

TEST(FakeHost, ServesSecretsFromItsMapAndCountsReleases) {
  FakeHost host;
  host.SetSecret("token", "s3cr3t");
  EXPECT_EQ(*Lookup(host, "token"), "s3cr3t");
  auto missing = Lookup(host, "other");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("'other'"));
  EXPECT_EQ(Lookup(host, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  host.SetSecretForAnyKey("fallback");
  EXPECT_EQ(*Lookup(host, "other"), "fallback");
  EXPECT_EQ(*Lookup(host, "token"), "s3cr3t");  // the map wins
  host.RemoveSecret("token");
  EXPECT_EQ(*Lookup(host, "token"), "fallback");
  host.SetSecretForAnyKey(std::nullopt);
  EXPECT_FALSE(Lookup(host, "token").ok());
  EXPECT_EQ(host.secret_lookups(), 4);
  EXPECT_EQ(host.secret_releases(), 4);
}

TEST(FakeHost, ClockIsSettable) {
  FakeHost host;
  const flyteplug_host_api* api = host.api();
  EXPECT_EQ(api->now_unix_nanos(api->host_data),
            FakeHost::kDefaultNowUnixNanos);
  host.SetNowUnixNanos(42);
  host.AdvanceNanos(8);
  EXPECT_EQ(api->now_unix_nanos(api->host_data), 50);
}

// ABI 1.1 call control through the SDK's Host: answered from a 1.1 table,
// absent (0 / false, slots never called) from a 1.0 one.
TEST(FakeHost, CallControlThroughTheSdkHost) {
  FakeHost host;
  flyteplug::sdk::Host sdk_host(host.api());
  EXPECT_EQ(host.api()->struct_size, FLYTEPLUG_HOST_API_SIZE_1_1);
  EXPECT_EQ(sdk_host.CallDeadlineUnixNanos(), 0);
  EXPECT_FALSE(sdk_host.CallCancelled());
  host.SetCallDeadlineUnixNanos(42);
  host.SetCallCancelled(true);
  EXPECT_EQ(sdk_host.CallDeadlineUnixNanos(), 42);
  EXPECT_TRUE(sdk_host.CallCancelled());
  EXPECT_EQ(host.cancel_polls(), 2);

  host.SetAbi10(true);
  EXPECT_EQ(host.api()->struct_size, FLYTEPLUG_HOST_API_SIZE_1_0);
  EXPECT_EQ(sdk_host.CallDeadlineUnixNanos(), 0);
  EXPECT_FALSE(sdk_host.CallCancelled());
  EXPECT_EQ(host.cancel_polls(), 2);
}

TEST(FakeHost, CapturesLogLinesFromTheThreshold) {
  FakeHost host;
  const flyteplug_host_api* api = host.api();
  host.SetLogThreshold(FLYTEPLUG_LOG_WARNING);
  EXPECT_EQ(api->log_enabled(api->host_data, FLYTEPLUG_LOG_INFO), 0);
  EXPECT_EQ(api->log_enabled(api->host_data, FLYTEPLUG_LOG_ERROR), 1);
  api->log(api->host_data, FLYTEPLUG_LOG_INFO, "dropped", 7);
  api->log(api->host_data, FLYTEPLUG_LOG_WARNING, "careful", 7);
  api->log(api->host_data, FLYTEPLUG_LOG_ERROR, "broken!!", 6);
  std::vector<LogLine> logs = host.logs();
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].level, FLYTEPLUG_LOG_WARNING);
  EXPECT_EQ(logs[1].message, "broken");
  EXPECT_EQ(host.LogText(), "WARNING: careful\nERROR: broken");
  EXPECT_TRUE(host.LogsContain("brok"));
  EXPECT_FALSE(host.LogsContain("dropped"));
  EXPECT_EQ(host.log_calls(), 3);
  host.ClearLogs();
  EXPECT_TRUE(host.logs().empty());
}

TEST(FakeHost, CountsMisuse) {
  FakeHost host;
  const flyteplug_host_api* api = host.api();
  api->log(api->host_data, 7, "x", 1);
  api->log(api->host_data, FLYTEPLUG_LOG_INFO, nullptr, 3);
  EXPECT_EQ(host.bad_log_levels(), 1);
  EXPECT_EQ(host.bad_log_messages(), 1);
  EXPECT_EQ(host.calls_after_close(), 0);
  host.SetClosed(true);
  api->now_unix_nanos(api->host_data);
  EXPECT_EQ(host.calls_after_close(), 1);
  EXPECT_EQ(LogLevelName(7), "LEVEL(7)");
}

TEST(ModuleUnderTest, DrivesAnInProcessSdkModule) {
  auto module = ModuleUnderTest::FromEntry(&flyteplug_module_entry_v1);
  ASSERT_TRUE(module.ok()) << module.status();
  EXPECT_STREQ(module->descriptor().id, "sdk_test_k8s");
  EXPECT_EQ(module->abi_minor(), uint32_t{FLYTEPLUG_ABI_VERSION_MINOR});
  FakeHost host;
  host.SetSecret("token", "12345");
  auto instance = module->Init(host, R"({"sdk_test":{"mode":"ok"}})");
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ(host.LogText(), "INFO: sdk test instance created");

  EXPECT_EQ(*instance->BuildResource(Context("ok")),
            R"({"kind":"Test","name":"ok"})");
  EXPECT_EQ(*instance->BuildResource(Context("secret")),
            R"({"secretBytes":5})");
  EXPECT_EQ(*instance->BuildIdentityResource(Context("ok")),
            R"({"kind":"Test"})");
  auto phase = instance->GetTaskPhase(Context("ok"), "{}");
  ASSERT_TRUE(phase.ok()) << phase.status();
  flyteplug::v1::PhaseInfo parsed;
  ASSERT_TRUE(parsed.ParseFromString(*phase));
  EXPECT_EQ(parsed.phase(), flyteplug::v1::RUNNING);

  auto failed = instance->BuildResource(Context("code:5"));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(failed.status().message(), "status 5 from plugin");
  auto thrown = instance->BuildResource(Context("throw"));
  EXPECT_EQ(thrown.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(thrown.status().message(), HasSubstr("plugin exploded"));
  auto garbage = instance->BuildResource("\xff\xff garbage");
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument);
  // A k8s-resource module has no web-API functions.
  EXPECT_EQ(instance->Create(Context("ok")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ModuleUnderTest, InitFailuresComeBackAsStatus) {
  auto module = ModuleUnderTest::FromEntry(&flyteplug_module_entry_v1);
  ASSERT_TRUE(module.ok()) << module.status();
  FakeHost host;
  auto refused = module->Init(host, R"({"sdk_test":{"mode":"code:3"}})");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "status 3 from plugin");
  auto empty = module->Init(host, R"({"sdk_test":{"mode":"null"}})");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInternal);
}

TEST(ModuleUnderTest, DrivesADlopenedWebApiModule) {
  auto module = ModuleUnderTest::Open(SDK_TEST_WEBAPI_MODULE);
  ASSERT_TRUE(module.ok()) << module.status();
  EXPECT_STREQ(module->descriptor().id, "sdk_test_webapi");
  FakeHost host;
  auto instance = module->Init(host);
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_EQ(*instance->Create(Context("ok")), "meta:ok");
  EXPECT_EQ(*instance->Get("run-1"), "state-of:run-1");
  EXPECT_TRUE(instance->Delete("run-1").ok());
  EXPECT_EQ(instance->Delete("code:14").code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(instance->Status(Context("ok"), "{}").ok());
  EXPECT_THAT(*instance->RenderCreateRequest(Context("ok")),
              HasSubstr("\"method\":\"POST\""));
  EXPECT_EQ(instance->BuildResource(Context("ok")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  InstanceUnderTest moved = *std::move(instance);  // deinit once, by `moved`
  EXPECT_EQ(*moved.Get("x"), "state-of:x");
}

TEST(ModuleUnderTest, OpenNamesTheFileItCannotLoad) {
  auto missing = ModuleUnderTest::Open("/nonexistent/libnothing.so");
  EXPECT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("libnothing.so"));
  EXPECT_EQ(ModuleUnderTest::FromEntry(nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace flyteplug::sdk::testing
