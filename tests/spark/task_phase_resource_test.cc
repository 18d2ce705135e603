#include "task_phase_resource.h"

#include <string>

#include "gtest/gtest.h"

namespace flyteplug::spark {

using ::flyteplug::tasklog::kGoZeroTimeUnixSeconds;

namespace {

TEST(TaskPhaseResourceTest, ReadsEveryField) {
  absl::StatusOr<ObservedSparkApplication> app = ParseObservedSparkApplication(
      R"({"apiVersion": "sparkoperator.k8s.io/v1beta2",
          "kind": "SparkApplication",
          "metadata": {"name": "app", "namespace": "ns",
                       "creationTimestamp": "2024-05-01T12:00:00Z",
                       "labels": {"a": "b"}},
          "spec": {"type": "Python"},
          "status": {"applicationState": {"state": "FAILED",
                                          "errorMessage": "oom"},
                     "driverInfo": {"podName": "app-driver",
                                    "webUIIngressAddress": "ui:4040"},
                     "sparkApplicationId": "spark-1",
                     "terminationTime": "2024-05-01T12:10:00Z",
                     "executorState": {"e1": "RUNNING"}}})");
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->name, "app");
  EXPECT_EQ(app->namespace_name, "ns");
  EXPECT_EQ(app->creation_unix_seconds, 1714564800);
  EXPECT_EQ(app->state, "FAILED");
  EXPECT_EQ(app->error_message, "oom");
  EXPECT_EQ(app->driver_pod_name, "app-driver");
  EXPECT_EQ(app->web_ui_ingress_address, "ui:4040");
  EXPECT_EQ(app->spark_application_id, "spark-1");
  EXPECT_EQ(app->termination_unix_seconds, 1714565400);
}

TEST(TaskPhaseResourceTest, AbsentAndNullFieldsReadAsZero) {
  for (absl::string_view json :
       {"{}", R"({"metadata": null, "status": null})",
        R"({"kind": null, "metadata": {"name": null, "namespace": null,
            "creationTimestamp": null}, "status": {"applicationState": null,
            "driverInfo": null, "sparkApplicationId": null,
            "terminationTime": null}})",
        R"({"metadata": {"creationTimestamp": ""},
            "status": {"applicationState": {"state": null,
                       "errorMessage": null},
                       "driverInfo": {"podName": null,
                                      "webUIIngressAddress": null},
                       "terminationTime": ""}})"}) {
    absl::StatusOr<ObservedSparkApplication> app =
        ParseObservedSparkApplication(json);
    ASSERT_TRUE(app.ok()) << json << ": " << app.status();
    EXPECT_EQ(app->name, "");
    EXPECT_EQ(app->namespace_name, "");
    EXPECT_EQ(app->creation_unix_seconds, kGoZeroTimeUnixSeconds);
    EXPECT_EQ(app->state, "");
    EXPECT_EQ(app->error_message, "");
    EXPECT_EQ(app->driver_pod_name, "");
    EXPECT_EQ(app->web_ui_ingress_address, "");
    EXPECT_EQ(app->spark_application_id, "");
    EXPECT_EQ(app->termination_unix_seconds, kGoZeroTimeUnixSeconds);
  }
}

TEST(TaskPhaseResourceTest, RepeatedKeysDecodeLikeGo) {
  // The last string wins; a repeated object merges into the first; null
  // leaves the field unchanged.
  absl::StatusOr<ObservedSparkApplication> app = ParseObservedSparkApplication(
      R"({"status": {"applicationState": {"state": "RUNNING",
                                          "state": "COMPLETED"},
                     "sparkApplicationId": "first"},
          "status": {"sparkApplicationId": "second",
                     "driverInfo": {"podName": "p"}},
          "status": {"driverInfo": {"podName": null}},
          "metadata": {"name": "a"}, "metadata": null})");
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->state, "COMPLETED");
  EXPECT_EQ(app->spark_application_id, "second");
  EXPECT_EQ(app->driver_pod_name, "p");
  EXPECT_EQ(app->name, "a");
}

TEST(TaskPhaseResourceTest, IgnoresUnreadFieldsOfAnyShape) {
  absl::StatusOr<ObservedSparkApplication> app = ParseObservedSparkApplication(
      R"({"spec": {"kind": 1, "status": [1, {"state": 2}]},
          "metadata": {"labels": {"name": 3}, "status": {"state": []}},
          "status": {"executorState": {"state": {}}, "x": [[["state"]]],
                     "applicationState": {"extra": [1, 2]}},
          "other": [{"status": 5}]})");
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->state, "");
  EXPECT_EQ(app->name, "");
}

TEST(TaskPhaseResourceTest, UnreadStringsAreNotUtf8Checked) {
  EXPECT_TRUE(
      ParseObservedSparkApplication("{\"spec\": {\"x\": \"\xFF\"}}").ok());
}

TEST(TaskPhaseResourceTest, KeepsEmbeddedNulAndUnicode) {
  absl::StatusOr<ObservedSparkApplication> app = ParseObservedSparkApplication(
      R"({"status": {"applicationState": {"errorMessage": "a\u0000b \u00e9"}}})");
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->error_message, std::string("a\0b \xC3\xA9", 6));
}

struct BadCase {
  std::string json;
  std::string message;  // expected substring
};

class TaskPhaseResourceErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(TaskPhaseResourceErrorTest, NamesWhatIsWrong) {
  absl::StatusOr<ObservedSparkApplication> app =
      ParseObservedSparkApplication(GetParam().json);
  ASSERT_FALSE(app.ok()) << GetParam().json;
  EXPECT_EQ(app.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(app.status().message().find(GetParam().message),
            absl::string_view::npos)
      << app.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TaskPhaseResourceErrorTest,
    testing::Values(
        BadCase{"", "SparkApplication: not valid JSON at byte 0"},
        BadCase{"{", "SparkApplication: not valid JSON at byte 1"},
        BadCase{R"({"a": 1} x)", "not valid JSON at byte 9"},
        BadCase{"{\"metadata\": {\"name\": \"\xFF\"}}",
                "SparkApplication metadata.name: string is not valid UTF-8"},
        BadCase{"{\"status\": {\"applicationState\": {\"errorMessage\": "
                "\"a\xC0\xAF\"}}}",
                "SparkApplication status.applicationState.errorMessage: "
                "string is not valid UTF-8"},
        BadCase{"[]",
                "SparkApplication (root): expected an object, got an "
                "array"},
        BadCase{"null",
                "SparkApplication (root): expected an object, got null"},
        BadCase{R"({"kind": "Pod"})",
                "SparkApplication kind: expected \"SparkApplication\", got "
                "\"Pod\""},
        BadCase{R"({"kind": 1})", "SparkApplication kind: expected a string"},
        BadCase{R"({"metadata": "x"})",
                "SparkApplication metadata: expected an object, got a string"},
        BadCase{R"({"metadata": {"name": 1}})",
                "SparkApplication metadata.name: expected a string, got a "
                "number"},
        BadCase{R"({"metadata": {"namespace": []}})",
                "SparkApplication metadata.namespace: expected a string"},
        BadCase{R"({"metadata": {"creationTimestamp": 5}})",
                "SparkApplication metadata.creationTimestamp: expected an RFC "
                "3339 timestamp, got a number"},
        BadCase{R"({"metadata": {"creationTimestamp": "yesterday"}})",
                "SparkApplication metadata.creationTimestamp: not an RFC 3339 "
                "timestamp"},
        BadCase{R"({"status": "RUNNING"})",
                "SparkApplication status: expected an object, got a string"},
        BadCase{R"({"status": {"applicationState": "RUNNING"}})",
                "SparkApplication status.applicationState: expected an "
                "object, got a string"},
        BadCase{"3",
                "SparkApplication (root): expected an object, got a "
                "number"},
        BadCase{"true",
                "SparkApplication (root): expected an object, got a "
                "boolean"},
        BadCase{R"("x")",
                "SparkApplication (root): expected an object, got "
                "a string"},
        BadCase{R"({"kind": {}})",
                "SparkApplication kind: expected a string, got an object"},
        BadCase{R"({"metadata": []})",
                "SparkApplication metadata: expected an object, got an array"},
        BadCase{R"({"metadata": 1})",
                "SparkApplication metadata: expected an object, got a number"},
        BadCase{R"({"metadata": {"creationTimestamp": {}}})",
                "SparkApplication metadata.creationTimestamp: expected an RFC "
                "3339 timestamp, got an object"},
        BadCase{R"({"status": {"applicationState": {"state": []}}})",
                "SparkApplication status.applicationState.state: expected a "
                "string, got an array"},
        BadCase{R"({"status": {"applicationState": {"state": 3}}})",
                "SparkApplication status.applicationState.state: expected a "
                "string, got a number"},
        BadCase{R"({"status": {"applicationState": {"errorMessage": {}}}})",
                "SparkApplication status.applicationState.errorMessage: "
                "expected a string, got an object"},
        BadCase{R"({"status": {"driverInfo": []}})",
                "SparkApplication status.driverInfo: expected an object"},
        BadCase{R"({"status": {"driverInfo": {"podName": true}}})",
                "SparkApplication status.driverInfo.podName: expected a "
                "string, got a boolean"},
        BadCase{R"({"status": {"driverInfo": {"webUIIngressAddress": 1}}})",
                "SparkApplication status.driverInfo.webUIIngressAddress: "
                "expected a string"},
        BadCase{R"({"status": {"sparkApplicationId": 7}})",
                "SparkApplication status.sparkApplicationId: expected a "
                "string"},
        BadCase{R"({"status": {"terminationTime": "2024-02-30T00:00:00Z"}})",
                "SparkApplication status.terminationTime: not an RFC 3339 "
                "timestamp (day out of range)"}));

TEST(TaskPhaseResourceTest, RejectsHostileSizes) {
  std::string deep = "{\"a\": " + std::string(100000, '[');
  absl::StatusOr<ObservedSparkApplication> app =
      ParseObservedSparkApplication(deep);
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.status().message().find("nested deeper than 512 levels"),
            absl::string_view::npos)
      << app.status().message();
  std::string deep_objects;
  for (int i = 0; i < 1000; ++i) deep_objects += "{\"status\": ";
  app = ParseObservedSparkApplication(deep_objects);
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.status().message().find("nested deeper than 512 levels"),
            absl::string_view::npos)
      << app.status().message();
  // 512 levels are fine.
  std::string ok_depth =
      "{\"a\": " + std::string(510, '[') + std::string(510, ']') + "}";
  EXPECT_TRUE(ParseObservedSparkApplication(ok_depth).ok());

  // Brackets inside strings do not count as nesting.
  std::string in_string = "{\"a\": \"" + std::string(100000, '[') + "\\\"\"}";
  EXPECT_TRUE(ParseObservedSparkApplication(in_string).ok());

  std::string huge(kMaxSparkApplicationJsonBytes + 1, ' ');
  app = ParseObservedSparkApplication(huge);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(app.status().message().find("more than the limit"),
            absl::string_view::npos);

  // A big but legal object is fine.
  std::string big =
      "{\"status\": {\"applicationState\": {\"errorMessage\": \"" +
      std::string(4 << 20, 'x') + "\"}}}";
  app = ParseObservedSparkApplication(big);
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->error_message.size(), size_t{4 << 20});
}

}  // namespace
}  // namespace flyteplug::spark
