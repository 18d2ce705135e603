// `flyteplug run` on examples/tasks/databricks_task.json against the fake
// Databricks server: progress on stderr, final PhaseInfo on stdout, exit
// codes, and SIGTERM cancelling the remote run.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "test_support.h"

extern char** environ;

namespace flyteplug::databricks {
namespace {

using testing::FakeServer;
using testing::JobsApiFieldErrors;
using testing::kToken;
using testing::ReadFile;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    char dir_template[] = "/tmp/flyteplug-dbx-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    config_path_ = dir_ + "/config.json";
    WriteConfig("");
  }

  // Writes the configuration; `tasks_section` is an optional
  // "tasks": {...} member (with a trailing comma).
  void WriteConfig(const std::string& tasks_section) {
    FILE* f = std::fopen(config_path_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::string config = absl::StrCat(
        "{", tasks_section,
        R"("plugins":{"databricks":{"databricksInstance":")",
        server_.base_url(),
        R"(","requestTimeout":"2s","retry":{"maxAttempts":3,)"
        R"("initialBackoff":"10ms","maxBackoff":"20ms","maxTotalTime":"5s"}}}})");
    std::fputs(config.c_str(), f);
    std::fclose(f);
  }

  void TearDown() override {
    std::remove(config_path_.c_str());
    rmdir(dir_.c_str());
  }

  // Starts the CLI; `on_started(pid)` runs once the process exists.
  CliResult Run(const std::function<void(pid_t)>& on_started = nullptr,
                const std::string& task = EXAMPLE_TASK_JSON,
                const std::string& command = "run",
                const std::vector<std::string>& extra_args = {}) {
    CliResult result;
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe";
      return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (absl::StartsWith(*e, "FLYTE_") || absl::StartsWith(*e, "FLYTEPLUG_"))
        continue;
      env_strings.push_back(*e);
    }
    env_strings.push_back(
        absl::StrCat("FLYTE_SECRET_FLYTE_DATABRICKS_API_TOKEN=", kToken));
    env_strings.insert(env_strings.end(), extra_env_.begin(), extra_env_.end());
    std::vector<char*> env;
    for (auto& s : env_strings) env.push_back(s.data());
    env.push_back(nullptr);
    std::vector<std::string> args = {FLYTEPLUG_CLI, "--config", config_path_,
                                     command,       "--task",   task};
    if (command == "run") {
      args.insert(args.end(), {"--poll-interval", "0.1", "--timeout", "30"});
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, FLYTEPLUG_CLI, &actions, nullptr, argv.data(),
                         env.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
      ADD_FAILURE() << "cannot start " << FLYTEPLUG_CLI;
      close(out_pipe[0]);
      close(err_pipe[0]);
      return result;
    }
    std::thread helper;
    if (on_started) helper = std::thread([&] { on_started(pid); });
    // Drain both pipes for at most 40 s.
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
      if (poll(fds, 2, 200) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        char buf[4096];
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        } else {
          sinks[i]->append(buf, static_cast<size_t>(n));
        }
      }
    }
    for (auto& fd : fds) {
      if (fd.fd >= 0) close(fd.fd);
    }
    if (open_fds > 0) {
      ADD_FAILURE() << "flyteplug run did not finish in 40 s";
      kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (helper.joinable()) helper.join();
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_EQ(result.out.find(kToken), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(kToken), std::string::npos) << result.err;
    return result;
  }

  FakeServer server_;
  std::vector<std::string> extra_env_;  // "NAME=value" added for the CLI
  std::string dir_;
  std::string config_path_;
};

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST_F(CliTest, RunCompletesWithProgressAndPhaseInfo) {
  CliResult r = Run();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("created (module 'databricks')"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("phase: INITIALIZING (Waiting for cluster)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("phase: RUNNING (In run)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("phase: SUCCESS"), std::string::npos) << r.err;
  rapidjson::Document info = ParseJson(r.out);
  ASSERT_TRUE(info.IsObject()) << r.out;
  EXPECT_STREQ(info["phase"].GetString(), "SUCCESS");
  ASSERT_TRUE(info["logs"].IsArray());
  EXPECT_STREQ(info["logs"][0]["name"].GetString(), "Databricks Console");
  EXPECT_EQ(std::string(info["logs"][0]["uri"].GetString()),
            "https://fake.cloud.databricks.com/?o=42#job/555/run/1000");
  // The server saw one submit with the bearer token and the example's body.
  rapidjson::Document runs = server_.Runs();
  EXPECT_EQ(runs["count"].GetInt(), 1);
  ASSERT_TRUE(runs["runs"].HasMember("1000")) << r.err;
  const auto& request = runs["runs"]["1000"]["request"];
  EXPECT_THAT(JobsApiFieldErrors(request, /*single_task=*/false),
              ::testing::IsEmpty());
  EXPECT_STREQ(request["tasks"][0]["new_cluster"]["spark_version"].GetString(),
               "13.3.x-scala2.12");
}

TEST_F(CliTest, FailedRunExitsOne) {
  server_.SetStates(R"([{"life_cycle_state":"RUNNING"},
      {"life_cycle_state":"TERMINATED","result_state":"FAILED",
       "state_message":"Task hello_spark failed"}])");
  CliResult r = Run();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("phase: RETRYABLE_FAILURE (Task hello_spark failed)"),
            std::string::npos)
      << r.err;
  rapidjson::Document info = ParseJson(r.out);
  ASSERT_TRUE(info.IsObject()) << r.out;
  EXPECT_STREQ(info["phase"].GetString(), "RETRYABLE_FAILURE");
  EXPECT_STREQ(info["error"]["code"].GetString(), "FAILED");
  EXPECT_STREQ(info["error"]["kind"].GetString(), "USER");
}

TEST_F(CliTest, SigtermCancelsTheRemoteRun) {
  server_.SetStates(
      R"([{"life_cycle_state":"RUNNING","state_message":"In run"}])");
  CliResult r = Run([this](pid_t pid) {
    // Wait (bounded) until the CLI has polled the run at least once.
    for (int i = 0; i < 200; ++i) {
      rapidjson::Document runs = server_.Runs();
      if (runs.IsObject() && runs.HasMember("runs") &&
          runs["runs"].HasMember("1000") &&
          runs["runs"]["1000"]["polls"].GetInt() > 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGTERM);
  });
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cancelling"), std::string::npos) << r.err;
  rapidjson::Document runs = server_.Runs();
  ASSERT_TRUE(runs["runs"].HasMember("1000")) << r.err;
  EXPECT_TRUE(runs["runs"]["1000"]["cancelled"].GetBool());
  rapidjson::Document info = ParseJson(r.out);
  ASSERT_TRUE(info.IsObject()) << r.out;
  EXPECT_STREQ(info["phase"].GetString(), "ABORTED");
}

TEST_F(CliTest, BuildPrintsTheRedactedRequestWithoutIo) {
  CliResult r = Run(nullptr, EXAMPLE_TASK_JSON, "build");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document request = ParseJson(r.out);
  ASSERT_TRUE(request.IsObject()) << r.out;
  EXPECT_STREQ(request["headers"]["Authorization"].GetString(),
               "Bearer <redacted>");
  EXPECT_EQ(std::string(request["url"].GetString()),
            absl::StrCat(server_.base_url(), "/api/2.1/jobs/runs/submit"));
  EXPECT_THAT(JobsApiFieldErrors(request["body"], /*single_task=*/false),
              ::testing::IsEmpty());
  EXPECT_EQ(
      request["body"]["tasks"][0]["new_cluster"]["num_workers"].GetInt64(), 2);
  EXPECT_EQ(server_.Requests().Size(), 0u);
}

TEST_F(CliTest, LegacySparkTaskTypeRoutedByDefaultForTaskTypes) {
  WriteConfig(R"("tasks":{"task-plugins":{"enabled-plugins":["databricks"],)"
              R"("default-for-task-types":{"spark":"databricks"}}},)");
  CliResult r = Run(nullptr, LEGACY_TASK_JSON);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("created (module 'databricks')"), std::string::npos)
      << r.err;
  rapidjson::Document runs = server_.Runs();
  ASSERT_TRUE(runs["runs"].HasMember("1000")) << r.err;
  const auto& request = runs["runs"]["1000"]["request"];
  EXPECT_THAT(JobsApiFieldErrors(request, /*single_task=*/false),
              ::testing::IsEmpty());
  EXPECT_STREQ(request["tasks"][0]["existing_cluster_id"].GetString(),
               "0923-164208-meows279");
  EXPECT_FALSE(request["tasks"][0].HasMember("new_cluster"));
  EXPECT_FALSE(request.HasMember("existing_cluster_id"));
}

TEST_F(CliTest, LegacySparkTaskTypeIsNotServedWithoutTheMapping) {
  WriteConfig(
      R"("tasks":{"task-plugins":{"enabled-plugins":["databricks"]}},)");
  CliResult r = Run(nullptr, LEGACY_TASK_JSON);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("spark"), std::string::npos) << r.err;
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 0);
}

// Exit codes (docs/cli.md): every failure of the remote create is 1,
// whatever the HTTP status class; only what is refused locally, before any
// request, is 2.
TEST_F(CliTest, CreateFailuresExitOneForEveryHttpStatusClass) {
  struct Case {
    int status;
    int attempts;  // 429 and 503 are retried (maxAttempts 3)
  };
  for (const Case& c :
       {Case{400, 1}, Case{401, 1}, Case{403, 1}, Case{404, 1}, Case{409, 1},
        Case{418, 1}, Case{429, 3}, Case{500, 1}, Case{503, 3}, Case{302, 1}}) {
    SCOPED_TRACE(c.status);
    server_.Post("/_control/reset", "{}");
    std::string faults;
    for (int i = 0; i < c.attempts; ++i) {
      absl::StrAppend(
          &faults, i == 0 ? "" : ",", R"({"status":)", c.status,
          R"(,"body":"{\"error_code\":\"E\",\"message\":\"no\"}"})");
    }
    server_.AddFaults(absl::StrCat(R"({"submit":[)", faults, "]}"));
    CliResult r = Run();
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(absl::StrCat("create: databricks runs/submit: HTTP ",
                                      c.status)),
              std::string::npos)
        << r.err;
    EXPECT_EQ(server_.Runs()["count"].GetInt(), 0);
  }
}

TEST_F(CliTest, TaskRefusedLocallyExitsTwoWithoutAnyRequest) {
  std::string task = ReadFile(EXAMPLE_TASK_JSON);
  size_t conf = task.find("\"databricksConf\"");
  ASSERT_NE(conf, std::string::npos);
  task.replace(conf, 16, "\"databricksConfiguration\"");
  const std::string task_path = dir_ + "/bad_task.json";
  FILE* f = std::fopen(task_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(task.c_str(), f);
  std::fclose(f);
  CliResult r = Run(nullptr, task_path);
  std::remove(task_path.c_str());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("databricksConf"), std::string::npos) << r.err;
  EXPECT_EQ(server_.Requests().Size(), 0u);
}

// The execution name `run` printed ("execution name: NAME (...").
std::string PrintedExecutionName(const std::string& err) {
  const std::string marker = "execution name: ";
  const size_t at = err.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return err.substr(start, err.find(' ', start) - start);
}

TEST_F(CliTest, EachRunOfABareTemplateIsANewExecution) {
  CliResult first = Run();
  CliResult second = Run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::string first_name = PrintedExecutionName(first.err);
  const std::string second_name = PrintedExecutionName(second.err);
  EXPECT_EQ(first_name.size(), 17u) << first.err;
  EXPECT_EQ(first_name[0], 'r');
  EXPECT_NE(first_name, second_name);
  rapidjson::Document runs = server_.Runs();
  EXPECT_EQ(runs["count"].GetInt(), 2);
  // The printed name, given back, resumes the first run.
  CliResult again =
      Run(nullptr, EXAMPLE_TASK_JSON, "run", {"--execution-name", first_name});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(PrintedExecutionName(again.err), first_name);
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 2);
}

TEST_F(CliTest, ExecutionNameNamesTheRunAndKeepsItIdempotent) {
  const std::vector<std::string> name = {"--execution-name", "demo-1"};
  CliResult first = Run(nullptr, EXAMPLE_TASK_JSON, "run", name);
  CliResult second = Run(nullptr, EXAMPLE_TASK_JSON, "run", name);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(first.err.find("execution name: demo-1"), std::string::npos)
      << first.err;
  rapidjson::Document runs = server_.Runs();
  EXPECT_EQ(runs["count"].GetInt(), 1);
  // The context derived from the name: the rendered inputs path names it.
  const auto& parameters = runs["runs"]["1000"]["request"]["tasks"][0]
                               ["spark_python_task"]["parameters"];
  bool named = false;
  for (const auto& p : parameters.GetArray()) {
    named = named || absl::StrContains(p.GetString(), "-demo-1/n0/data");
  }
  EXPECT_TRUE(named);
}

TEST_F(CliTest, ExecutionNameIsCheckedAndBelongsToRun) {
  CliResult bad =
      Run(nullptr, EXAMPLE_TASK_JSON, "run", {"--execution-name", "Bad_Name"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--execution-name: expected 1 to 63 characters"),
            std::string::npos)
      << bad.err;
  CliResult build =
      Run(nullptr, EXAMPLE_TASK_JSON, "build", {"--execution-name", "demo-1"});
  EXPECT_EQ(build.exit_code, 2);
  EXPECT_NE(build.err.find("--execution-name belong to 'run'"),
            std::string::npos)
      << build.err;
  EXPECT_EQ(server_.Requests().Size(), 0u);
}

// A Scala application: the spark module's spec.arguments and the databricks
// module's spark_jar_task.parameters are the same list.
TEST_F(CliTest, JarParametersAreTheSparkModulesArguments) {
  const std::string task_path = dir_ + "/scala_task.json";
  FILE* f = std::fopen(task_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(
      R"({"id":{"project":"p","domain":"d","name":"scala_pi","version":"v1"},)"
      R"("type":"spark","custom":{"applicationType":"SCALA",)"
      R"("mainClass":"org.apache.spark.examples.SparkPi",)"
      R"("mainApplicationFile":"dbfs:/jars/spark-examples.jar",)"
      R"("databricksConf":{"existing_cluster_id":"c1"}},)"
      R"("container":{"image":"apache/spark:3.5.0",)"
      R"("args":["1000","--in","{{.input}}","--out","{{ .outputPrefix }}"]}})",
      f);
  std::fclose(f);
  CliResult spark = Run(nullptr, task_path, "build");
  WriteConfig(R"("tasks":{"task-plugins":{)"
              R"("default-for-task-types":{"spark":"databricks"}}},)");
  CliResult databricks = Run(nullptr, task_path, "build");
  std::remove(task_path.c_str());
  ASSERT_EQ(spark.exit_code, 0) << spark.err;
  ASSERT_EQ(databricks.exit_code, 0) << databricks.err;
  rapidjson::Document manifest = ParseJson(spark.out);
  rapidjson::Document request = ParseJson(databricks.out);
  ASSERT_TRUE(manifest.IsObject() && request.IsObject()) << spark.out;
  const auto& arguments = manifest["spec"]["arguments"];
  const auto& jar_task = request["body"]["tasks"][0]["spark_jar_task"];
  ASSERT_EQ(arguments.Size(), 5u) << spark.out;
  EXPECT_TRUE(absl::StartsWith(arguments[2].GetString(), "s3://"));
  EXPECT_TRUE(jar_task["parameters"] == arguments) << databricks.out;
  EXPECT_STREQ(jar_task["main_class_name"].GetString(),
               manifest["spec"]["mainClass"].GetString());
  EXPECT_STREQ(request["body"]["tasks"][0]["libraries"][0]["jar"].GetString(),
               manifest["spec"]["mainApplicationFile"].GetString());
}

TEST_F(CliTest, OAuthSecretsFromTheEnvironmentAndFailureDetails) {
  // The CLI's host reads FLYTE_SECRET_<key>: with both OAuth secrets the
  // run uses a service principal's access token, and a failed run's error
  // from runs/get-output reaches the printed PhaseInfo.
  constexpr char kSecret[] = "dose-CLI-CLIENT-SECRET-0123456789";
  server_.Post("/_control/config",
               absl::StrCat(R"({"client_id":"sp-cli","client_secret":")",
                            kSecret, R"("})"));
  extra_env_ = {
      "FLYTE_SECRET_FLYTE_DATABRICKS_CLIENT_ID=sp-cli",
      absl::StrCat("FLYTE_SECRET_FLYTE_DATABRICKS_CLIENT_SECRET=", kSecret)};
  server_.SetStates(
      R"([{"life_cycle_state":"TERMINATED","result_state":"FAILED",
      "state_message":"Workload failed","error":"ValueError: bad input",
      "error_trace":"Traceback (most recent call last):\nValueError: bad input"}])");
  CliResult r = Run();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(server_.Stats()["tokens_issued"].GetInt(), 1);
  rapidjson::Document requests = server_.Requests();
  for (const auto& request : requests.GetArray()) {
    if (!absl::StartsWith(request["path"].GetString(), "/api/")) continue;
    EXPECT_TRUE(absl::StartsWith(
        request["headers"]["Authorization"].GetString(), "Bearer fake-oauth-"));
  }
  rapidjson::Document info = ParseJson(r.out);
  ASSERT_TRUE(info.IsObject()) << r.out;
  EXPECT_EQ(std::string(info["error"]["message"].GetString()),
            "Databricks run 1000 terminated with result FAILED: Workload "
            "failed: ValueError: bad input\nTraceback (most recent call "
            "last):\nValueError: bad input");
  for (const std::string* output : {&r.out, &r.err}) {
    EXPECT_EQ(output->find(kSecret), std::string::npos) << *output;
    EXPECT_EQ(output->find("fake-oauth-"), std::string::npos) << *output;
  }
}

}  // namespace
}  // namespace flyteplug::databricks
