// SparkJob from `custom` with proto3 JSON rules.
#include "spark_job.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::spark {
namespace {

using testing::StructFromJson;

TEST(SparkJob, FlytekitPysparkShape) {
  flyteplug::abi::google::protobuf::Struct custom = StructFromJson(R"json({
    "mainApplicationFile": "local:///usr/local/bin/entrypoint.py",
    "executorPath": "/usr/bin/python3",
    "sparkConf": {"spark.executor.cores": "1"},
    "hadoopConf": {"fs.x": "y"},
    "databricksConf": {},
    "someFutureField": {"ignored": true}
  })json");
  absl::StatusOr<SparkJobSpec> job = ParseSparkJob(custom);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->application_type, 0);
  EXPECT_EQ(job->main_application_file, "local:///usr/local/bin/entrypoint.py");
  EXPECT_EQ(job->executor_path, "/usr/bin/python3");
  EXPECT_EQ(job->spark_conf.at("spark.executor.cores"), "1");
  EXPECT_EQ(job->hadoop_conf.at("fs.x"), "y");
  EXPECT_FALSE(job->driver_pod.present);
}

TEST(SparkJob, EnumByNameOrNumber) {
  EXPECT_EQ(ParseSparkJob(StructFromJson(R"({"applicationType": "SCALA"})"))
                ->application_type,
            2);
  EXPECT_EQ(ParseSparkJob(StructFromJson(R"({"applicationType": 3})"))
                ->application_type,
            3);
  EXPECT_EQ(ParseSparkJob(StructFromJson(R"({"applicationType": 9})"))
                ->application_type,
            9);
  EXPECT_EQ(ParseSparkJob(StructFromJson(R"({"applicationType": null})"))
                ->application_type,
            0);
  absl::StatusOr<SparkJobSpec> bad =
      ParseSparkJob(StructFromJson(R"({"applicationType": "KOTLIN"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(),
                                "custom.applicationType: unknown "
                                "SparkApplication.Type \"KOTLIN\""));
  bad = ParseSparkJob(StructFromJson(R"({"applicationType": 1.5})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(
      absl::StrContains(bad.status().message(), "custom.applicationType"));
}

TEST(SparkJob, RolePodsWithBothSpellings) {
  absl::StatusOr<SparkJobSpec> job = ParseSparkJob(StructFromJson(R"json({
    "mainClass": "a.B",
    "driverPod": {"metadata": {"labels": {"l": "1"}}, "pod_spec": {"containers": []},
                  "primary_container_name": "main"},
    "executorPod": {"podSpec": {}, "primaryContainerName": "exec"}
  })json"));
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_TRUE(job->driver_pod.present);
  EXPECT_TRUE(job->driver_pod.has_metadata);
  EXPECT_EQ(job->driver_pod.labels.at("l"), "1");
  EXPECT_NE(job->driver_pod.pod_spec, nullptr);
  EXPECT_EQ(job->driver_pod.primary_container_name, "main");
  EXPECT_EQ(job->executor_pod.primary_container_name, "exec");
  EXPECT_FALSE(job->executor_pod.has_metadata);
}

TEST(SparkJob, TypeErrorsNameTheField) {
  struct Case {
    const char* custom;
    const char* path;
  } cases[] = {
      {R"({"mainApplicationFile": 3})",
       "custom.mainApplicationFile: expected a string, got a number"},
      {R"({"mainClass": ["a"]})",
       "custom.mainClass: expected a string, got a list"},
      {R"({"sparkConf": "a=b"})",
       "custom.sparkConf: expected an object, got a string"},
      {R"({"hadoopConf": {"k": true}})",
       "custom.hadoopConf[\"k\"]: map values must be strings, got a boolean"},
      {R"({"databricksConf": "x"})",
       "custom.databricksConf: expected an object"},
      {R"({"databricksToken": 1})",
       "custom.databricksToken: expected a string"},
      {R"({"driverPod": "x"})", "custom.driverPod: expected a K8sPod object"},
      {R"({"driverPod": {"podSpec": []}})",
       "custom.driverPod.podSpec: expected an object"},
      {R"({"executorPod": {"metadata": {"labels": {"a": 1}}}})",
       "custom.executorPod.metadata.labels[\"a\"]"},
      {R"({"executorPod": {"primaryContainerName": 1}})",
       "custom.executorPod.primaryContainerName"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<SparkJobSpec> job = ParseSparkJob(StructFromJson(c.custom));
    ASSERT_FALSE(job.ok()) << c.custom;
    EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(job.status().message(), c.path))
        << job.status().message();
    EXPECT_TRUE(absl::StartsWith(job.status().message(),
                                 "invalid TaskSpecification, failed to "
                                 "unmarshal custom into SparkJob: "));
  }
}

}  // namespace
}  // namespace flyteplug::spark
