// Shared helpers of the spark module tests: contexts from JSON, the Flyte
// test platform configuration, building with a fixed clock, schema checks of
// every produced manifest, and golden files.
#ifndef FLYTEPLUG_TESTS_SPARK_TEST_UTIL_H_
#define FLYTEPLUG_TESTS_SPARK_TEST_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "rapidjson/document.h"

namespace flyteplug::spark::testing {

// The fixed host clock of every test: FLYTE_START_TIME = 1700000000123.
inline constexpr int64_t kNow = 1700000000123456789;

// The platform configuration of Flyte's spark_test.go (default / interruptible
// tolerations, node selectors and requirements, affinity, DNS, pod security
// context, host networking, scheduler, default env / labels / annotations,
// features feature1 and feature2).
extern const char kFlyteTestConfig[];

// Flyte's worked example (its spark_test.go fixtures): container target,
// dummySparkConf, generated name some-acceptable-name, SA new-val,
// interruptible, execution my_project/my_domain/my_name.
flyteplug::abi::flyteplug::v1::TaskContext WorkedExampleContext();

// Parses (proto3 JSON, unknown fields ignored); a parse error fails the test.
flyteplug::abi::flyteplug::v1::TaskContext ContextFromJson(
    absl::string_view json);
flyteplug::abi::google::protobuf::Struct StructFromJson(absl::string_view json);
// The example TaskContext / TaskTemplate files in examples/tasks/.
flyteplug::abi::flyteplug::v1::TaskContext ExampleContext(
    absl::string_view file);

std::string ReadFile(const std::string& path);

// Builds with `config_json` ({"spark":...,"k8s":...}) at kNow. Every
// successful manifest is checked against the CRD schema file (a failure is a
// test failure).
absl::StatusOr<std::string> Build(
    absl::string_view config_json,
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    int64_t now = kNow);

// Checks `manifest` against the CRD schema in plugins/spark/manifest/schema/;
// a violation fails the test.
void ExpectSchemaValid(absl::string_view manifest);

rapidjson::Document ParseJson(absl::string_view json);

// Compares `manifest` with golden/<name>.json (pretty, sorted). With
// FLYTEPLUG_UPDATE_GOLDEN=1 in the environment the file is (re)written.
void ExpectGolden(const std::string& name, absl::string_view manifest);

}  // namespace flyteplug::spark::testing

#endif  // FLYTEPLUG_TESTS_SPARK_TEST_UTIL_H_
