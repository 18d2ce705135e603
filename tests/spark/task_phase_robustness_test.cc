// Random mutations of valid inputs: every result is a PhaseInfo or an
// InvalidArgument error, never a crash (run under ASan/UBSan in CI).
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "log_config.h"
#include "log_utf8.h"
#include "rapidjson/document.h"
#include "task_phase.h"

namespace flyteplug::spark {
namespace {

constexpr char kApp[] =
    R"({"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication",)"
    R"("metadata":{"name":"app","namespace":"ns",)"
    R"("creationTimestamp":"2024-05-01T12:00:00Z"},)"
    R"("spec":{"driver":{"cores":1},"executor":{"instances":2}},)"
    R"("status":{"applicationState":{"state":"FAILED","errorMessage":"e"},)"
    R"("driverInfo":{"podName":"d","webUIIngressAddress":"u"},)"
    R"("sparkApplicationId":"s","terminationTime":"2024-05-01T12:10:00Z"}})";

constexpr char kLogs[] =
    R"({"mixed":{"kubernetes-enabled":true,"kubernetes-url":"k",)"
    R"("templates":[{"displayName":"T","templateUris":["{{.podName}}"],)"
    R"("messageFormat":2}],"dynamic-log-links":{"v":{"templateUris":["x"]}}},)"
    R"("all-user":{"cloudwatch-enabled":"true","cloudwatch-region":"r"}})";

std::string Mutate(std::string s, std::mt19937* rng) {
  static constexpr char kBytes[] = "{}[]\":,.0123456789-eE \\tnulfrsa\xFF\xC3";
  std::uniform_int_distribution<int> op(0, 3);
  std::uniform_int_distribution<int> count(1, 4);
  std::uniform_int_distribution<size_t> byte(0, sizeof(kBytes) - 2);
  for (int i = count(*rng); i > 0 && !s.empty(); --i) {
    std::uniform_int_distribution<size_t> pos(0, s.size() - 1);
    switch (op(*rng)) {
      case 0:
        s[pos(*rng)] = kBytes[byte(*rng)];
        break;
      case 1:
        s.insert(pos(*rng), 1, kBytes[byte(*rng)]);
        break;
      case 2:
        s.erase(pos(*rng), 1);
        break;
      default:
        s.resize(pos(*rng));
        break;
    }
  }
  return s;
}

TEST(TaskPhaseRobustnessTest, MutatedResourcesNeverCrash) {
  const flyteplug::abi::flyteplug::v1::TaskContext context;
  const SparkLogsConfig logs = DefaultSparkLogsConfig();
  std::mt19937 rng(42);
  int ok = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string json = Mutate(kApp, &rng);
    absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> info =
        GetSparkTaskPhase(context, json, logs, "http://h", 0);
    if (info.ok()) {
      ++ok;
      // Everything returned can be serialized: protobuf strings are UTF-8.
      ASSERT_TRUE(IsValidUtf8(info->error().message()));
      for (const auto& log : info->logs()) {
        ASSERT_TRUE(IsValidUtf8(log.uri())) << log.uri();
        ASSERT_TRUE(IsValidUtf8(log.name())) << log.name();
      }
    } else {
      ASSERT_EQ(info.status().code(), absl::StatusCode::kInvalidArgument)
          << info.status();
    }
  }
  EXPECT_GT(ok, 0);
  EXPECT_LT(ok, 3000);
}

TEST(TaskPhaseRobustnessTest, MutatedLogsConfigsNeverCrash) {
  std::mt19937 rng(43);
  int ok = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string json = Mutate(kLogs, &rng);
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError()) continue;
    std::vector<std::string> unknown;
    absl::StatusOr<SparkLogsConfig> config =
        ParseSparkLogsConfig(&doc, &unknown);
    if (config.ok()) {
      ++ok;
    } else {
      ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument)
          << config.status();
      ASSERT_TRUE(absl::string_view(config.status().message()).substr(0, 18) ==
                  "plugins.spark.logs")
          << config.status();
    }
  }
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace flyteplug::spark
