// Descriptor validation and call-contract checks with raw C modules, one
// defect each (modules/raw_module.c).
#include <string>

#include "flyteplug/loader_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::testing {
namespace {

using ::testing::HasSubstr;

struct Case {
  const char* name;
  const char* path;
  flyteplug_status_code code;
  const char* message;
};

class RawModuleDefectTest : public ::testing::TestWithParam<Case> {};

TEST_P(RawModuleDefectTest, RefusedWithFieldAndFile) {
  const Case& c = GetParam();
  auto client = OpenOnly({c.path});
  ASSERT_FALSE(client.ok()) << c.name;
  EXPECT_EQ(LoaderClient::AbiCode(client.status()), c.code) << client.status();
  EXPECT_THAT(client.status().message(), HasSubstr(c.message));
  EXPECT_THAT(client.status().message(), HasSubstr("libloader_test_raw_"));
}

INSTANTIATE_TEST_SUITE_P(
    Defects, RawModuleDefectTest,
    ::testing::Values(
        Case{"missing_slot", RAW_MISSING_SLOT_SO,
             FLYTEPLUG_ABI_CONTRACT_VIOLATION,
             "flyteplug_k8s_vtable.get_task_phase is NULL"},
        Case{"duplicate_task_type", RAW_DUPLICATE_TASK_TYPE_SO,
             FLYTEPLUG_ABI_CONTRACT_VIOLATION,
             "task_types[1].name 'raw' is claimed twice"},
        Case{"tail_nonzero", RAW_TAIL_NONZERO_SO, FLYTEPLUG_ABI_STRUCT_TOO_NEW,
             "flyteplug_module.struct_size is 112, this loader knows 104"},
        Case{"abi_major", RAW_ABI_MAJOR_SO, FLYTEPLUG_ABI_VERSION_MISMATCH,
             "flyteplug_module.abi_major is 2, host speaks 1"},
        Case{"reserved", RAW_RESERVED_SO, FLYTEPLUG_ABI_CONTRACT_VIOLATION,
             "flyteplug_module.reserved0 is 7, must be 0"},
        Case{"bad_id", RAW_BAD_ID_SO, FLYTEPLUG_ABI_CONTRACT_VIOLATION,
             "flyteplug_module.id 'Raw Module' does not match [a-z0-9_.-]+"},
        Case{"negotiation", RAW_NEGOTIATION_REFUSES_SO,
             FLYTEPLUG_ABI_VERSION_MISMATCH,
             "abi_minor: host speaks 0..0, module needs >= 5"},
        Case{"init_fails", RAW_INIT_FAILS_SO, FLYTEPLUG_INVALID_ARGUMENT,
             "module 'raw'"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      return std::string(info.param.name);
    });

TEST(RawModuleTest, ValidModuleLoads) {
  auto client = OpenOnly({RAW_NONE_SO});
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->Modules()[0].claimed_task_types, "raw,raw2?");
  EXPECT_EQ(client->Modules()[0].task_types, "raw");
  EXPECT_EQ(*client->BuildResource(ContextFor("raw")), "{\"kind\":\"Raw\"}");
  auto phase = client->GetTaskPhase(ContextFor("raw"), "{}");
  EXPECT_EQ(phase.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(phase.status().message(), "raw: no phases");
}

TEST(RawModuleTest, LongerDescriptorWithZeroTailLoads) {
  auto client = OpenOnly({RAW_TAIL_ZERO_SO});
  EXPECT_TRUE(client.ok()) << client.status();
}

TEST(RawModuleTest, OkWithoutBufferIsAContractViolation) {
  auto client = OpenOnly({RAW_OK_WITHOUT_BUFFER_SO});
  ASSERT_TRUE(client.ok()) << client.status();
  auto built = client->BuildResource(ContextFor("raw"));
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(LoaderClient::AbiCode(built.status()),
            FLYTEPLUG_ABI_CONTRACT_VIOLATION);
  EXPECT_THAT(built.status().message(),
              HasSubstr("build_resource returned OK without an owned buffer"));
}

TEST(RawModuleTest, BufferReturnedWithAnErrorIsReleased) {
  // Under ASan/LSan a buffer the loader failed to release is reported as a
  // leak; here the error itself must come through unchanged.
  auto client = OpenOnly({RAW_ERROR_WITH_BUFFER_SO});
  ASSERT_TRUE(client.ok()) << client.status();
  for (int i = 0; i < 3; ++i) {
    auto built = client->BuildResource(ContextFor("raw"));
    ASSERT_FALSE(built.ok());
    EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(built.status().message(), "raw: refused, buffer set");
  }
}

}  // namespace
}  // namespace flyteplug::testing
