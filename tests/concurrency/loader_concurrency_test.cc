// Many threads on one loader, and many loaders opened and closed at once
// (label `concurrency`; the tsan preset runs these under ThreadSanitizer).
// Every call's output, success or refusal, must equal byte for byte what the
// same call gave when made alone on one thread.
//
// The databricks calls go to tests/databricks/fake_databricks.py. All
// threads share one task attempt (one idempotency token, hence one run), so
// create/get/status answer the same on every thread; delete changes the
// run, so it runs in a second phase, after which every get must see the
// cancelled run.
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "flyteplug/loader_client.h"
#include "gtest/gtest.h"
#include "test_support.h"

namespace flyteplug {
namespace {

using databricks::testing::FakeServer;
using databricks::testing::ReadFile;
using databricks::testing::TestHost;

constexpr int kThreads = 16;
constexpr int kRounds = 3;

std::string Source(const char* relative_path) {
  return ReadFile(absl::StrCat(FLYTEPLUG_SOURCE_DIR, "/", relative_path));
}

// "OK <bytes>" or "ERROR <code> <message>": what a caller can observe.
std::string Outcome(const absl::StatusOr<std::string>& result) {
  if (result.ok()) return absl::StrCat("OK ", *result);
  return absl::StrCat("ERROR ", LoaderClient::AbiCode(result.status()), " ",
                      result.status().message());
}

std::string Outcome(const absl::Status& status) {
  return Outcome(status.ok() ? absl::StatusOr<std::string>("")
                             : absl::StatusOr<std::string>(status));
}

// Runs `scenario` on kThreads threads, kRounds times each, and expects every
// run to return `expected`.
void ExpectSameOnEveryThread(
    const std::function<std::vector<std::string>()>& scenario,
    const std::vector<std::string>& expected) {
  std::vector<std::vector<std::vector<std::string>>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        seen[t].push_back(scenario());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int round = 0; round < kRounds; ++round) {
      ASSERT_EQ(seen[t][round].size(), expected.size());
      for (size_t call = 0; call < expected.size(); ++call) {
        EXPECT_EQ(seen[t][round][call], expected[call])
            << "thread " << t << ", round " << round << ", call " << call;
      }
    }
  }
}

class LoaderConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    // One state for every runs/get, so that polling does not advance it.
    server_.Post("/_control/config",
                 R"({"states":[{"life_cycle_state":"RUNNING",)"
                 R"("state_message":"In run"}]})");
    host_.SetLogThreshold(FLYTEPLUG_LOG_WARNING);
    std::string config = Source("examples/config/flyteplug.json");
    const std::string instance =
        R"("databricksInstance": "dbc-example.cloud.databricks.com")";
    ASSERT_NE(config.find(instance), std::string::npos);
    options_.config_json = absl::StrReplaceAll(
        config, {{instance, absl::StrCat(R"("databricksInstance": ")",
                                         server_.base_url(), R"(")")}});
    options_.module_paths = {SPARK_MODULE_SO, DATABRICKS_MODULE_SO};
    options_.skip_default_paths = true;
    options_.host = host_.api();

    absl::StatusOr<std::string> spark = LoaderClient::TaskContextFromJson(
        Source("examples/tasks/pyspark_context.json"));
    ASSERT_TRUE(spark.ok()) << spark.status();
    spark_context_ = *spark;
    absl::StatusOr<std::string> dbx = LoaderClient::TaskContextFromJson(
        Source("examples/tasks/databricks_task.json"));
    ASSERT_TRUE(dbx.ok()) << dbx.status();
    databricks_context_ = *dbx;
    spark_running_ = Source("tests/abi_evolution/resources/spark_running.json");
    spark_failed_ = Source("tests/abi_evolution/resources/spark_failed.json");
  }

  // The calls that need no network, on `loader`.
  std::vector<std::string> OfflineCalls(const LoaderClient& loader) const {
    std::vector<std::string> out;
    out.push_back(Outcome(loader.BuildResource(spark_context_)));
    out.push_back(Outcome(loader.BuildIdentityResource(spark_context_)));
    absl::StatusOr<std::string> phase =
        loader.GetTaskPhase(spark_context_, spark_running_);
    out.push_back(Outcome(phase));
    if (phase.ok()) {
      out.push_back(Outcome(LoaderClient::PhaseInfoToJson(*phase)));
    }
    out.push_back(Outcome(loader.GetTaskPhase(spark_context_, spark_failed_)));
    out.push_back(Outcome(loader.RenderRequest(databricks_context_)));
    out.push_back(Outcome(loader.BuildResource("not a task context")));
    out.push_back(Outcome(loader.BuildResource(databricks_context_)));
    return out;
  }

  // Create, get and status of the shared databricks run, after the
  // offline calls.
  std::vector<std::string> AllCalls(const LoaderClient& loader) const {
    std::vector<std::string> out = OfflineCalls(loader);
    absl::StatusOr<std::string> meta = loader.Create(databricks_context_);
    out.push_back(Outcome(meta));
    if (!meta.ok()) return out;
    absl::StatusOr<std::string> resource = loader.Get("databricks", *meta);
    out.push_back(Outcome(resource));
    if (resource.ok()) {
      out.push_back(
          Outcome(loader.WebApiStatus(databricks_context_, *resource)));
    }
    return out;
  }

  FakeServer server_;
  TestHost host_;
  LoaderClient::Options options_;
  std::string spark_context_;
  std::string databricks_context_;
  std::string spark_running_;
  std::string spark_failed_;
};

TEST_F(LoaderConcurrencyTest, OneLoaderManyThreadsGiveSingleThreadedOutputs) {
  absl::StatusOr<LoaderClient> loader = LoaderClient::Open(options_);
  ASSERT_TRUE(loader.ok()) << loader.status();

  const std::vector<std::string> expected = AllCalls(*loader);
  ASSERT_EQ(expected.size(), 11u);
  for (size_t i : {0u, 1u, 2u, 3u, 4u, 5u, 8u, 9u, 10u}) {
    EXPECT_EQ(expected[i].rfind("OK ", 0), 0u) << i << ": " << expected[i];
  }
  EXPECT_EQ(expected[6].rfind("ERROR ", 0), 0u) << expected[6];
  EXPECT_EQ(expected[7].rfind("ERROR ", 0), 0u) << expected[7];
  ExpectSameOnEveryThread([&] { return AllCalls(*loader); }, expected);
  // Every thread's submit carried the same idempotency token: one run.
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 1);

  // Phase two: delete from every thread, then every get sees the run
  // cancelled, as a get on one thread does.
  const std::string meta = expected[8].substr(3);
  ExpectSameOnEveryThread(
      [&] {
        return std::vector<std::string>{
            Outcome(loader->Delete("databricks", meta))};
      },
      {"OK "});
  absl::StatusOr<std::string> cancelled = loader->Get("databricks", meta);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_NE(cancelled->find("CANCELED"), std::string::npos) << *cancelled;
  ExpectSameOnEveryThread(
      [&] {
        return std::vector<std::string>{
            Outcome(loader->Get("databricks", meta))};
      },
      {Outcome(cancelled)});
}

TEST_F(LoaderConcurrencyTest, ConcurrentOpensAndClosesGiveSameOutputs) {
  std::vector<std::string> expected;
  {
    absl::StatusOr<LoaderClient> loader = LoaderClient::Open(options_);
    ASSERT_TRUE(loader.ok()) << loader.status();
    expected = OfflineCalls(*loader);
  }
  ExpectSameOnEveryThread(
      [&] {
        absl::StatusOr<LoaderClient> loader = LoaderClient::Open(options_);
        if (!loader.ok())
          return std::vector<std::string>{Outcome(loader.status())};
        return OfflineCalls(*loader);
      },
      expected);
}

}  // namespace
}  // namespace flyteplug
