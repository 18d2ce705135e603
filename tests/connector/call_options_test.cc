// flyteplug_call_options (loader 1.1) on the web-API calls, with the ABI 1.0
// module: the loader refuses calls whose caller has gone before the module
// runs, validates the struct, and otherwise serves as without options.
#include <chrono>

#include "flyteplug/loader_client.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gtest/gtest.h"
#include "legacy_module.h"

namespace flyteplug {
namespace {

int64_t NowPlus(std::chrono::milliseconds delta) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             (std::chrono::system_clock::now() + delta).time_since_epoch())
      .count();
}

int32_t Always(void*) { return 1; }
int32_t ReadFlag(void* flag) { return *static_cast<int32_t*>(flag); }

class CallOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loader_ = testing::OpenLegacyModule();
    ASSERT_NE(loader_, nullptr);
  }

  static flyteplug_call_options Options() {
    flyteplug_call_options options{};
    options.struct_size = sizeof(options);
    return options;
  }

  std::unique_ptr<LoaderClient> loader_;
};

TEST_F(CallOptionsTest, FutureDeadlineServes) {
  flyteplug_call_options options = Options();
  options.deadline_unix_nanos = NowPlus(std::chrono::seconds(10));
  int32_t flag = 0;
  options.cancelled = &ReadFlag;
  options.cancelled_data = &flag;
  flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type("legacy10");
  absl::StatusOr<std::string> meta =
      loader_->Create(context.SerializeAsString(), &options);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(*meta, "legacy-run-1");
  EXPECT_TRUE(loader_->Get("legacy10", *meta, &options).ok());
  EXPECT_TRUE(loader_->Delete("legacy10", *meta, &options).ok());
}

TEST_F(CallOptionsTest, PassedDeadlineIsRefusedBeforeTheModule) {
  flyteplug_call_options options = Options();
  options.deadline_unix_nanos = NowPlus(std::chrono::milliseconds(-1));
  absl::Status s = loader_->Get("legacy10", "legacy-run-1", &options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_NE(s.message().find("deadline"), std::string::npos) << s;
  EXPECT_EQ(loader_->Create("", &options).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(loader_->Delete("legacy10", "legacy-run-1", &options).code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(CallOptionsTest, CancelledCallerIsRefusedBeforeTheModule) {
  flyteplug_call_options options = Options();
  options.cancelled = &Always;
  absl::Status s = loader_->Get("legacy10", "legacy-run-1", &options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled) << s;
}

TEST_F(CallOptionsTest, MalformedOptionsAreInvalidArgument) {
  flyteplug_call_options options = Options();
  options.reserved0 = 1;
  absl::Status s = loader_->Get("legacy10", "legacy-run-1", &options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("reserved0"), std::string::npos) << s;
  options = Options();
  options.struct_size = 8;
  s = loader_->Get("legacy10", "legacy-run-1", &options).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("flyteplug_call_options.struct_size"),
            std::string::npos)
      << s;
}

TEST_F(CallOptionsTest, NoOptionsIsTheOldCall) {
  EXPECT_TRUE(loader_->Get("legacy10", "legacy-run-1").ok());
  EXPECT_EQ(loader_->Get("legacy10", "other").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace flyteplug
