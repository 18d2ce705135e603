// The SDK's C boundary seen from a host: modules built with the SDK are
// dlopened and called through the raw ABI of flyteplug/plugin.h.
#include <dlfcn.h>

#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/sdk.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk_test_context.h"

namespace {

using ::testing::HasSubstr;

// --- host side helpers -----------------------------------------------------

using Sink = flyteplug::sdk::boundary::ErrorCapture;
using TestHost = flyteplug::sdk::testing::FakeHost;

flyteplug_entry_v1_fn Entry(const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  EXPECT_NE(handle, nullptr) << dlerror();
  if (handle == nullptr) return nullptr;
  return reinterpret_cast<flyteplug_entry_v1_fn>(
      dlsym(handle, FLYTEPLUG_ENTRY_SYMBOL_V1));
}

flyteplug_negotiation Offer(uint32_t major, uint32_t min, uint32_t max) {
  return flyteplug_negotiation{sizeof(flyteplug_negotiation), major, min, max,
                               12345};
}

const flyteplug_module* Load(const char* path) {
  flyteplug_entry_v1_fn entry = Entry(path);
  if (entry == nullptr) return nullptr;
  flyteplug_negotiation n = Offer(1, 0, 0);
  const flyteplug_module* module = nullptr;
  Sink sink;
  EXPECT_EQ(entry(&n, &module, sink.sink()), FLYTEPLUG_OK) << sink.message();
  return module;
}

using ::flyteplug::sdk_test::Context;

flyteplug_bytes Bytes(const std::string& s) {
  return flyteplug::sdk::boundary::BytesOf(s);
}

std::string Config(const std::string& mode) {
  return "{\"sdk_test\":{\"mode\":\"" + mode + "\"}}";
}

class K8sModule : public ::testing::Test {
 protected:
  void SetUp() override {
    module_ = Load(SDK_TEST_K8S_MODULE);
    ASSERT_NE(module_, nullptr);
    host_.SetSecret("token", "s3cr3t-value");
    std::string config = Config("ok");
    flyteplug_init_args args{sizeof(flyteplug_init_args), host_.api(),
                             Bytes(config)};
    Sink sink;
    ASSERT_EQ(module_->init(&args, &instance_, sink.sink()), FLYTEPLUG_OK)
        << sink.message();
  }
  void TearDown() override {
    if (instance_ != nullptr) module_->deinit(instance_);
  }

  // build_resource with `mode`; fills `sink` and `out`.
  flyteplug_status_code Build(const std::string& mode, flyteplug_buffer* out,
                              Sink* sink) {
    std::string context = Context(mode);
    return module_->k8s->build_resource(instance_, Bytes(context), out,
                                        sink->sink());
  }

  TestHost host_;
  const flyteplug_module* module_ = nullptr;
  flyteplug_instance* instance_ = nullptr;
};

// --- descriptor and negotiation --------------------------------------------

TEST(SdkDescriptor, MatchesTheModuleDefinition) {
  const flyteplug_module* m = Load(SDK_TEST_K8S_MODULE);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->struct_size, sizeof(flyteplug_module));
  EXPECT_EQ(m->abi_major, 1u);
  EXPECT_EQ(m->abi_minor, uint32_t{FLYTEPLUG_ABI_VERSION_MINOR});
  EXPECT_EQ(m->family, FLYTEPLUG_FAMILY_K8S_RESOURCE);
  EXPECT_EQ(m->flags, uint32_t{FLYTEPLUG_MODULE_UNLOADABLE});
  EXPECT_EQ(m->reserved0, 0u);
  EXPECT_STREQ(m->id, "sdk_test_k8s");
  EXPECT_STREQ(m->version, "2.3.4");
  EXPECT_STREQ(m->description, "SDK boundary test module");
  ASSERT_EQ(m->task_type_count, 2u);
  EXPECT_STREQ(m->task_types[0].name, "sdk_test");
  EXPECT_EQ(m->task_types[0].flags, 0u);
  EXPECT_STREQ(m->task_types[1].name, "sdk_test_opt");
  EXPECT_EQ(m->task_types[1].flags, uint32_t{FLYTEPLUG_TASK_TYPE_OPT_IN});
  ASSERT_EQ(m->config_section_count, 2u);
  EXPECT_STREQ(m->config_sections[0], "sdk_test");
  EXPECT_STREQ(m->config_sections[1], "k8s");
  ASSERT_NE(m->k8s, nullptr);
  EXPECT_EQ(m->webapi, nullptr);
  EXPECT_EQ(m->k8s->struct_size, sizeof(flyteplug_k8s_vtable));
  EXPECT_NE(m->init, nullptr);
  EXPECT_NE(m->deinit, nullptr);

  const flyteplug_module* w = Load(SDK_TEST_WEBAPI_MODULE);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->family, FLYTEPLUG_FAMILY_WEB_API);
  EXPECT_EQ(w->k8s, nullptr);
  ASSERT_NE(w->webapi, nullptr);
  EXPECT_STREQ(w->id, "sdk_test_webapi");
}

TEST(SdkNegotiation, AcceptsOlderAndNewerMinorsOfMajorOne) {
  flyteplug_entry_v1_fn entry = Entry(SDK_TEST_K8S_MODULE);
  ASSERT_NE(entry, nullptr);
  const flyteplug_module* first = nullptr;
  const flyteplug_module* second = nullptr;
  Sink sink;
  flyteplug_negotiation n = Offer(1, 0, 0);
  ASSERT_EQ(entry(&n, &first, sink.sink()), FLYTEPLUG_OK);
  EXPECT_EQ(n.module_abi_minor, 0u);
  n = Offer(1, 0, 7);
  ASSERT_EQ(entry(&n, &second, sink.sink()), FLYTEPLUG_OK);
  EXPECT_EQ(n.module_abi_minor, uint32_t{FLYTEPLUG_ABI_VERSION_MINOR});
  EXPECT_EQ(first, second);  // one static descriptor
  EXPECT_EQ(sink.calls(), 0);
}

TEST(SdkNegotiation, RefusesOtherMajorsNamingBoth) {
  flyteplug_entry_v1_fn entry = Entry(SDK_TEST_K8S_MODULE);
  ASSERT_NE(entry, nullptr);
  const flyteplug_module* module = nullptr;
  Sink sink;
  flyteplug_negotiation n = Offer(2, 0, 0);
  EXPECT_EQ(entry(&n, &module, sink.sink()), FLYTEPLUG_ABI_VERSION_MISMATCH);
  EXPECT_EQ(module, nullptr);
  EXPECT_EQ(sink.calls(), 1);
  EXPECT_EQ(sink.code(), FLYTEPLUG_ABI_VERSION_MISMATCH);
  EXPECT_THAT(sink.message(), HasSubstr("abi_major"));
  EXPECT_THAT(sink.message(), HasSubstr("host 2"));
  EXPECT_THAT(sink.message(), HasSubstr("module 1"));
}

TEST(SdkNegotiation, RefusesUnspeakableMinorsAndBadStructs) {
  flyteplug_entry_v1_fn entry = Entry(SDK_TEST_K8S_MODULE);
  ASSERT_NE(entry, nullptr);
  const flyteplug_module* module = nullptr;
  {
    Sink sink;
    flyteplug_negotiation n = Offer(1, 5, 9);
    EXPECT_EQ(entry(&n, &module, sink.sink()), FLYTEPLUG_ABI_VERSION_MISMATCH);
    EXPECT_THAT(sink.message(), HasSubstr(">= 5"));
    EXPECT_THAT(sink.message(), HasSubstr("<= 1"));  // ABI 1.1
  }
  {
    Sink sink;
    flyteplug_negotiation n = Offer(1, 3, 1);
    EXPECT_EQ(entry(&n, &module, sink.sink()), FLYTEPLUG_ABI_VERSION_MISMATCH);
  }
  {
    Sink sink;
    flyteplug_negotiation n = Offer(1, 0, 0);
    n.struct_size = 12;
    EXPECT_EQ(entry(&n, &module, sink.sink()), FLYTEPLUG_ABI_VERSION_MISMATCH);
    EXPECT_THAT(sink.message(), HasSubstr("struct_size"));
  }
  {
    Sink sink;
    EXPECT_EQ(entry(nullptr, &module, sink.sink()), FLYTEPLUG_INVALID_ARGUMENT);
    flyteplug_negotiation n = Offer(1, 0, 0);
    EXPECT_EQ(entry(&n, nullptr, sink.sink()), FLYTEPLUG_INVALID_ARGUMENT);
    n = Offer(2, 0, 0);
    EXPECT_EQ(entry(&n, &module, nullptr), FLYTEPLUG_ABI_VERSION_MISMATCH);
  }
  EXPECT_EQ(module, nullptr);
}

// --- status mapping ---------------------------------------------------------

TEST(SdkCodes, AbslCodesMapBothWays) {
  for (int code = 0; code <= 16; ++code) {
    auto absl_code = static_cast<absl::StatusCode>(code);
    EXPECT_EQ(flyteplug::sdk::ToAbiCode(absl_code), code);
    EXPECT_EQ(flyteplug::sdk::FromAbiCode(code), absl_code);
  }
  // The one rule of flyteplug/sdk/boundary/status.h (the SDK used to map
  // every ABI-specific code to kInternal).
  EXPECT_EQ(flyteplug::sdk::FromAbiCode(FLYTEPLUG_ABI_VERSION_MISMATCH),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(flyteplug::sdk::FromAbiCode(FLYTEPLUG_ABI_STRUCT_TOO_NEW),
            absl::StatusCode::kFailedPrecondition);
  for (flyteplug_status_code code : std::vector<flyteplug_status_code>{
           FLYTEPLUG_ABI_CONTRACT_VIOLATION, -1, 17, 999, 1003, 5000}) {
    EXPECT_EQ(flyteplug::sdk::FromAbiCode(code), absl::StatusCode::kInternal)
        << code;
  }
}

TEST_F(K8sModule, PluginStatusCodesCrossUnchanged) {
  for (int code = 1; code <= 16; ++code) {
    Sink sink;
    flyteplug_buffer out{};
    EXPECT_EQ(Build("code:" + std::to_string(code), &out, &sink), code);
    EXPECT_EQ(sink.calls(), 1);
    EXPECT_EQ(sink.code(), code);
    EXPECT_EQ(sink.message(),
              "status " + std::to_string(code) + " from plugin");
    EXPECT_EQ(out.release, nullptr);  // error path leaves the buffer alone
    EXPECT_EQ(out.data, nullptr);
  }
}

TEST_F(K8sModule, EmptyPluginMessageStillReportsOne) {
  Sink sink;
  flyteplug_buffer out{};
  EXPECT_EQ(Build("code:9:empty", &out, &sink), FLYTEPLUG_FAILED_PRECONDITION);
  EXPECT_EQ(sink.calls(), 1);
  EXPECT_FALSE(sink.message().empty());
}

// --- exception barrier ------------------------------------------------------

TEST_F(K8sModule, ExceptionsBecomeInternalWithTheMessage) {
  {
    Sink sink;
    flyteplug_buffer out{};
    EXPECT_EQ(Build("throw", &out, &sink), FLYTEPLUG_INTERNAL);
    EXPECT_EQ(sink.code(), FLYTEPLUG_INTERNAL);
    EXPECT_THAT(sink.message(), HasSubstr("build_resource"));
    EXPECT_THAT(sink.message(), HasSubstr("plugin exploded"));
    EXPECT_EQ(out.release, nullptr);
  }
  {
    Sink sink;
    flyteplug_buffer out{};
    EXPECT_EQ(Build("throw_int", &out, &sink), FLYTEPLUG_INTERNAL);
    EXPECT_THAT(sink.message(), HasSubstr("non-standard exception"));
  }
  {
    Sink sink;
    flyteplug_buffer out{};
    EXPECT_EQ(Build("bad_alloc", &out, &sink), FLYTEPLUG_RESOURCE_EXHAUSTED);
    EXPECT_THAT(sink.message(), HasSubstr("out of memory"));
  }
  // The instance still works after an exception.
  Sink sink;
  flyteplug_buffer out{};
  EXPECT_EQ(Build("ok", &out, &sink), FLYTEPLUG_OK);
  ASSERT_NE(out.release, nullptr);
  out.release(&out);
}

TEST(SdkInit, ExceptionsAndErrorsInTheFactory) {
  const flyteplug_module* m = Load(SDK_TEST_K8S_MODULE);
  ASSERT_NE(m, nullptr);
  TestHost host;
  struct Case {
    std::string mode;
    flyteplug_status_code code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"throw", FLYTEPLUG_INTERNAL,
            "init: uncaught exception: plugin exploded"},
           {"code:3", FLYTEPLUG_INVALID_ARGUMENT, "status 3 from plugin"},
           {"null", FLYTEPLUG_INTERNAL, "no plugin"}}) {
    std::string config = Config(c.mode);
    flyteplug_init_args args{sizeof(flyteplug_init_args), host.api(),
                             Bytes(config)};
    flyteplug_instance* instance = nullptr;
    Sink sink;
    EXPECT_EQ(m->init(&args, &instance, sink.sink()), c.code) << c.mode;
    EXPECT_THAT(sink.message(), HasSubstr(c.message)) << c.mode;
    EXPECT_EQ(instance, nullptr) << c.mode;
  }
  flyteplug_instance* instance = nullptr;
  Sink sink;
  EXPECT_EQ(m->init(nullptr, &instance, sink.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  flyteplug_init_args small{8, host.api(), {nullptr, 0}};
  EXPECT_EQ(m->init(&small, &instance, sink.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(sink.message(), HasSubstr("struct_size"));
  EXPECT_EQ(instance, nullptr);
}

// --- buffers and inputs ------------------------------------------------------

TEST_F(K8sModule, OwnedBuffersCarryDataAndReleaseOnce) {
  Sink sink;
  flyteplug_buffer out{};
  ASSERT_EQ(Build("ok", &out, &sink), FLYTEPLUG_OK) << sink.message();
  EXPECT_EQ(sink.calls(), 0);
  ASSERT_NE(out.release, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data), out.size),
            R"({"kind":"Test","name":"ok"})");
  out.release(&out);
  EXPECT_EQ(out.release, nullptr);
  EXPECT_EQ(out.data, nullptr);
  EXPECT_EQ(out.size, 0u);

  std::string context = Context("ok");
  std::string resource = R"({"status":{}})";
  flyteplug_buffer phase{};
  ASSERT_EQ(module_->k8s->get_task_phase(instance_, Bytes(context),
                                         Bytes(resource), &phase, sink.sink()),
            FLYTEPLUG_OK);
  flyteplug::abi::flyteplug::v1::PhaseInfo parsed;
  ASSERT_TRUE(parsed.ParseFromArray(phase.data, static_cast<int>(phase.size)));
  EXPECT_EQ(parsed.phase(), flyteplug::abi::flyteplug::v1::RUNNING);
  EXPECT_EQ(parsed.reason(), resource);
  phase.release(&phase);
  EXPECT_EQ(phase.release, nullptr);
}

TEST_F(K8sModule, BadInputsAreInvalidArgument) {
  std::string garbage = "\xff\xff\xff\xff garbage";
  Sink sink;
  flyteplug_buffer out{};
  EXPECT_EQ(module_->k8s->build_resource(instance_, Bytes(garbage), &out,
                                         sink.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(sink.message(), HasSubstr("task_context"));
  EXPECT_EQ(out.release, nullptr);

  Sink null_data;
  EXPECT_EQ(module_->k8s->build_resource(instance_, flyteplug_bytes{nullptr, 5},
                                         &out, null_data.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(null_data.message(), HasSubstr("NULL data"));

  std::string context = Context("ok");
  Sink null_out;
  EXPECT_EQ(module_->k8s->build_resource(instance_, Bytes(context), nullptr,
                                         null_out.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(null_out.message(), HasSubstr("output buffer is NULL"));

  Sink null_instance;
  EXPECT_EQ(module_->k8s->build_resource(nullptr, Bytes(context), &out,
                                         null_instance.sink()),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(null_instance.message(), HasSubstr("instance is NULL"));
  // No error sink at all: still a code, no crash.
  EXPECT_EQ(
      module_->k8s->build_resource(instance_, Bytes(garbage), &out, nullptr),
      FLYTEPLUG_INVALID_ARGUMENT);
}

TEST_F(K8sModule, HostApiReachesThePlugin) {
  EXPECT_GE(host_.log_calls(), 1);  // the factory logged
  Sink sink;
  flyteplug_buffer out{};
  ASSERT_EQ(Build("secret", &out, &sink), FLYTEPLUG_OK) << sink.message();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data), out.size),
            R"({"secretBytes":12})");
  out.release(&out);
  EXPECT_EQ(host_.secret_lookups(), 1);
  EXPECT_EQ(host_.secret_releases(), 1);
}

// --- web-API family ----------------------------------------------------------

TEST(SdkWebApi, SlotsMapResultsAndErrors) {
  const flyteplug_module* m = Load(SDK_TEST_WEBAPI_MODULE);
  ASSERT_NE(m, nullptr);
  TestHost host;
  std::string config = Config("ok");
  flyteplug_init_args args{sizeof(flyteplug_init_args), host.api(),
                           Bytes(config)};
  flyteplug_instance* instance = nullptr;
  Sink init_sink;
  ASSERT_EQ(m->init(&args, &instance, init_sink.sink()), FLYTEPLUG_OK);
  const flyteplug_webapi_vtable* v = m->webapi;
  auto text = [](const flyteplug_buffer& b) {
    return std::string(reinterpret_cast<const char*>(b.data), b.size);
  };

  std::string context = Context("ok");
  Sink sink;
  flyteplug_buffer out{};
  ASSERT_EQ(v->create(instance, Bytes(context), &out, sink.sink()),
            FLYTEPLUG_OK);
  EXPECT_EQ(text(out), "meta:ok");
  out.release(&out);
  EXPECT_EQ(out.release, nullptr);

  std::string meta = "run-17";
  ASSERT_EQ(v->get(instance, Bytes(meta), &out, sink.sink()), FLYTEPLUG_OK);
  EXPECT_EQ(text(out), "state-of:run-17");
  out.release(&out);

  EXPECT_EQ(v->delete_resource(instance, Bytes(meta), sink.sink()),
            FLYTEPLUG_OK);
  std::string failing = "code:14";
  Sink delete_sink;
  EXPECT_EQ(v->delete_resource(instance, Bytes(failing), delete_sink.sink()),
            FLYTEPLUG_UNAVAILABLE);
  EXPECT_EQ(delete_sink.message(), "status 14 from plugin");
  std::string throwing = "throw";
  Sink get_sink;
  EXPECT_EQ(v->get(instance, Bytes(throwing), &out, get_sink.sink()),
            FLYTEPLUG_INTERNAL);
  EXPECT_THAT(get_sink.message(), HasSubstr("get: uncaught exception"));
  EXPECT_EQ(out.release, nullptr);

  std::string resource = "{\"state\":\"RUNNING\"}";
  ASSERT_EQ(
      v->status(instance, Bytes(context), Bytes(resource), &out, sink.sink()),
      FLYTEPLUG_OK);
  flyteplug::abi::flyteplug::v1::PhaseInfo phase;
  ASSERT_TRUE(phase.ParseFromArray(out.data, static_cast<int>(out.size)));
  EXPECT_EQ(phase.reason(), resource);
  out.release(&out);

  ASSERT_EQ(
      v->render_create_request(instance, Bytes(context), &out, sink.sink()),
      FLYTEPLUG_OK);
  EXPECT_THAT(text(out), HasSubstr("\"method\":\"POST\""));
  out.release(&out);
  EXPECT_EQ(sink.calls(), 0);
  m->deinit(instance);
}

}  // namespace
