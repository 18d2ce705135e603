// Unit tests of the example third-party module's translation logic
// (examples/third_party_job), compiled directly against the build tree. The
// module itself is built against the installed tree by install_test.sh.
#include <fstream>
#include <sstream>
#include <string>

#include "abi_json.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gtest/gtest.h"
#include "job_config.h"
#include "job_manifest.h"
#include "job_status.h"

namespace k8s_job {
namespace {

using flyteplug::abi::google::protobuf::Struct;
using flyteplug::abi::google::protobuf::Value;

flyteplug::abi::flyteplug::v1::TaskContext ExampleContext() {
  std::ifstream in(FLYTEPLUG_K8S_JOB_EXAMPLE_TASK);
  std::stringstream buffer;
  buffer << in.rdbuf();
  flyteplug::abi::flyteplug::v1::TaskContext context;
  auto status = flyteplug::abi_test::LiteFromJson<flyteplug::v1::TaskContext>(
      buffer.str(), &context, /*ignore_unknown_fields=*/false);
  EXPECT_TRUE(status.ok()) << status.message();
  return context;
}

// Follows a path of object keys; fails the test if one is missing.
const Value& At(const Struct& object, std::initializer_list<const char*> path) {
  static const Value kNull;
  const Struct* current = &object;
  const Value* value = &kNull;
  for (const char* key : path) {
    auto it = current->fields().find(key);
    if (it == current->fields().end()) {
      ADD_FAILURE() << "missing key " << key;
      return kNull;
    }
    value = &it->second;
    current = &value->struct_value();
  }
  return *value;
}

TEST(BuildJob, ExampleTaskBecomesABatchJob) {
  auto job = BuildJob(ExampleContext(), JobConfig{});
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(At(*job, {"apiVersion"}).string_value(), "batch/v1");
  EXPECT_EQ(At(*job, {"kind"}).string_value(), "Job");
  EXPECT_EQ(At(*job, {"metadata", "name"}).string_value(), "a8x2kq-n0-0");
  EXPECT_EQ(At(*job, {"metadata", "namespace"}).string_value(),
            "flytesnacks-development");
  EXPECT_EQ(At(*job, {"metadata", "labels", "execution-id"}).string_value(),
            "a8x2kq");
  EXPECT_EQ(At(*job, {"spec", "backoffLimit"}).number_value(), 0);
  EXPECT_EQ(At(*job, {"spec", "activeDeadlineSeconds"}).number_value(), 3600);
  EXPECT_EQ(
      At(*job, {"spec", "template", "spec", "restartPolicy"}).string_value(),
      "Never");
  EXPECT_EQ(At(*job, {"spec", "template", "spec", "serviceAccountName"})
                .string_value(),
            "default");
  const auto& containers =
      At(*job, {"spec", "template", "spec", "containers"}).list_value();
  ASSERT_EQ(containers.values_size(), 1);
  const Struct& main = containers.values(0).struct_value();
  EXPECT_EQ(At(main, {"image"}).string_value(),
            "ghcr.io/example/nightly-report:1.4.2");
  const auto& args = At(main, {"args"}).list_value();
  ASSERT_EQ(args.values_size(), 10);
  EXPECT_EQ(args.values(1).string_value(),
            "s3://my-bucket/metadata/a8x2kq/n0/inputs.pb");
  EXPECT_EQ(args.values(9).string_value(), "\"\"");
  EXPECT_EQ(At(main, {"resources", "limits", "memory"}).string_value(), "4Gi");
  EXPECT_EQ(At(main, {"resources", "requests", "cpu"}).string_value(), "1");
  const auto& env = At(main, {"env"}).list_value();
  ASSERT_EQ(env.values_size(), 2);
  EXPECT_EQ(At(env.values(0).struct_value(), {"name"}).string_value(),
            "REPORT_MODE");
  EXPECT_EQ(At(env.values(1).struct_value(), {"name"}).string_value(),
            "FLYTE_INTERNAL_EXECUTION_ID");

  auto json = ToJson(*job);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find("\"backoffLimit\":0"), std::string::npos) << *json;
}

TEST(BuildJob, OverridesWin) {
  flyteplug::abi::flyteplug::v1::TaskContext context = ExampleContext();
  auto* overrides = context.mutable_metadata()->mutable_overrides();
  overrides->set_container_image("override:2");
  auto* entry = overrides->mutable_resources()->add_limits();
  entry->set_name(flyteplug::abi::flyteidl::core::Resources::GPU);
  entry->set_value("1");
  context.mutable_metadata()
      ->mutable_security_context()
      ->mutable_run_as()
      ->set_k8s_service_account("runner");
  auto job = BuildJob(context, JobConfig{});
  ASSERT_TRUE(job.ok()) << job.status();
  const Struct& main = At(*job, {"spec", "template", "spec", "containers"})
                           .list_value()
                           .values(0)
                           .struct_value();
  EXPECT_EQ(At(main, {"image"}).string_value(), "override:2");
  EXPECT_EQ(At(main, {"resources", "limits", "nvidia.com/gpu"}).string_value(),
            "1");
  EXPECT_EQ(At(main, {"resources"}).struct_value().fields().count("requests"),
            0u);
  EXPECT_EQ(At(*job, {"spec", "template", "spec", "serviceAccountName"})
                .string_value(),
            "runner");
}

TEST(BuildJob, BadInputNamesTheField) {
  flyteplug::abi::flyteplug::v1::TaskContext context = ExampleContext();
  context.mutable_task_template()->clear_container();
  auto job = BuildJob(context, JobConfig{});
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(job.status().message().find("taskTemplate.container"),
            absl::string_view::npos);

  context = ExampleContext();
  context.mutable_metadata()->clear_generated_name();
  job = BuildJob(context, JobConfig{});
  ASSERT_FALSE(job.ok());
  EXPECT_NE(job.status().message().find("metadata.generatedName"),
            absl::string_view::npos);

  context = ExampleContext();
  context.mutable_task_template()
      ->mutable_container()
      ->mutable_resources()
      ->mutable_requests(1)
      ->set_name(flyteplug::abi::flyteidl::core::Resources::UNKNOWN);
  job = BuildJob(context, JobConfig{});
  ASSERT_FALSE(job.ok());
  EXPECT_NE(job.status().message().find(
                "taskTemplate.container.resources.requests[1].name"),
            absl::string_view::npos)
      << job.status();
}

TEST(BuildJob, ConfigDefaultsApply) {
  flyteplug::abi::flyteplug::v1::TaskContext context = ExampleContext();
  context.mutable_metadata()->clear_k8s_service_account();
  auto config = ParseJobConfig(
      R"({"k8s-job":{"default-service-account":"batch","ttl-seconds-after-finished":60}})",
      nullptr);
  ASSERT_TRUE(config.ok()) << config.status();
  auto job = BuildJob(context, *config);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(At(*job, {"spec", "template", "spec", "serviceAccountName"})
                .string_value(),
            "batch");
  EXPECT_EQ(At(*job, {"spec", "ttlSecondsAfterFinished"}).number_value(), 60);
}

TEST(ParseJobConfig, ErrorsNameTheKey) {
  EXPECT_TRUE(ParseJobConfig("", nullptr).ok());
  EXPECT_TRUE(ParseJobConfig("{}", nullptr).ok());
  auto bad = ParseJobConfig(R"({"k8s-job":{"ttl-seconds-after-finished":-1}})",
                            nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ttl-seconds-after-finished"),
            absl::string_view::npos);
  EXPECT_FALSE(ParseJobConfig("[1,2]", nullptr).ok());
  EXPECT_FALSE(ParseJobConfig(R"({"k8s-job":3})", nullptr).ok());
}

// The SDK's configuration rules: an unknown key is a warning naming the
// closest known key, keys match in any case, null keeps the default.
TEST(ParseJobConfig, UnknownKeyIsAWarningWithTheClosestKey) {
  std::vector<std::string> warnings;
  auto config = ParseJobConfig(
      R"({"k8s-job":{"default-service-acount":"x",
          "TTL-Seconds-After-Finished":5,
          "default-service-account":null}})",
      &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ttl_seconds_after_finished, 5);
  EXPECT_EQ(config->default_service_account, "");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "plugins.k8s-job.default-service-acount: unknown key, did you "
            "mean 'default-service-account'?");
}

struct PhaseCase {
  const char* json;
  flyteplug::abi::flyteplug::v1::Phase phase;
  const char* error_code;  // "" when no error is expected
};

class JobPhaseTest : public ::testing::TestWithParam<PhaseCase> {};

TEST_P(JobPhaseTest, Maps) {
  const PhaseCase& c = GetParam();
  auto info = JobPhase(c.json);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->phase(), c.phase) << c.json;
  EXPECT_EQ(info->error().code(), c.error_code);
  if (*c.error_code != '\0') {
    EXPECT_EQ(info->error().kind(),
              flyteplug::abi::flyteidl::core::ExecutionError::USER);
    EXPECT_FALSE(info->error().message().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, JobPhaseTest,
    ::testing::Values(
        PhaseCase{R"({"kind":"Job"})", flyteplug::abi::flyteplug::v1::QUEUED,
                  ""},
        PhaseCase{R"({"kind":"Job","status":{}})",
                  flyteplug::abi::flyteplug::v1::QUEUED, ""},
        PhaseCase{R"({"status":{"active":1}})",
                  flyteplug::abi::flyteplug::v1::RUNNING, ""},
        PhaseCase{R"({"status":{"succeeded":1}})",
                  flyteplug::abi::flyteplug::v1::SUCCESS, ""},
        PhaseCase{R"({"status":{"failed":1}})",
                  flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE,
                  "JobFailed"},
        PhaseCase{
            R"({"status":{"active":1,"conditions":[{"type":"Complete","status":"False"}]}})",
            flyteplug::abi::flyteplug::v1::RUNNING, ""},
        PhaseCase{
            R"({"status":{"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}})",
            flyteplug::abi::flyteplug::v1::SUCCESS, ""},
        PhaseCase{
            R"({"status":{"failed":1,"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}})",
            flyteplug::abi::flyteplug::v1::RETRYABLE_FAILURE,
            "BackoffLimitExceeded"},
        PhaseCase{
            R"({"status":{"conditions":[{"type":"Failed","status":"True","reason":"DeadlineExceeded","message":"Job was active longer than specified deadline"}]}})",
            flyteplug::abi::flyteplug::v1::PERMANENT_FAILURE,
            "DeadlineExceeded"}));

TEST(JobPhase, FailureCarriesConditionMessage) {
  auto info = JobPhase(
      R"({"status":{"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"limit hit"}]}})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->error().message(), "limit hit");
  EXPECT_EQ(info->custom_info().fields().at("failed").number_value(), 0);
}

TEST(JobPhase, BadInputIsInvalidArgument) {
  for (const char* bad :
       {"", "not json", "[1]", R"({"kind":"Pod"})", R"({"status":"x"})",
        R"({"status":{"conditions":{}}})"}) {
    auto info = JobPhase(bad);
    ASSERT_FALSE(info.ok()) << bad;
    EXPECT_EQ(info.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace k8s_job
