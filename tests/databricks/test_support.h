// Shared fixtures of the databricks tests: the fake Jobs API server process,
// the test host, and TaskContext builders.
#ifndef FLYTEPLUG_TESTS_DATABRICKS_TEST_SUPPORT_H_
#define FLYTEPLUG_TESTS_DATABRICKS_TEST_SUPPORT_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "rapidjson/document.h"
#include "server_process.h"

namespace flyteplug::databricks::testing {

// The token the fake server expects and the test host hands out.
inline constexpr char kToken[] = "dapi-TEST-SECRET-0123456789abcdef";

// Runs tests/databricks/fake_databricks.py on 127.0.0.1:<ephemeral>. The
// process is killed (SIGKILL after SIGTERM) and reaped by the destructor; it
// also exits by itself when our end of its stdin closes or after 120 s.
class FakeServer {
 public:
  FakeServer();
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  bool ok() const { return process_.ok(); }
  int port() const { return process_.port(); }
  std::string base_url() const;  // http://127.0.0.1:PORT

  // Control calls; return the response body ("" on transport failure).
  std::string Post(absl::string_view path, absl::string_view json) const;
  std::string Get(absl::string_view path) const;

  // Convenience: the recorded API requests, runs and stats as parsed JSON.
  rapidjson::Document Requests() const;
  rapidjson::Document Runs() const;
  rapidjson::Document Stats() const;
  void SetStates(absl::string_view states_json) const;
  void AddFaults(absl::string_view faults_json) const;

 private:
  flyteplug::testing::ServerProcess process_;
};

// The SDK's fake host, serving kToken as FLYTE_DATABRICKS_API_TOKEN.
class TestHost : public sdk::testing::FakeHost {
 public:
  TestHost() { SetSecret("FLYTE_DATABRICKS_API_TOKEN", kToken); }
};

// Reads a file; aborts the test binary (via gtest failure) when missing.
std::string ReadFile(const std::string& path);

// The example task (examples/tasks/databricks_task.json) wrapped in a
// TaskContext with a full task execution id and IO paths; `instance`
// replaces custom.databricksInstance when non-empty.
flyteplug::abi::flyteplug::v1::TaskContext ExampleContext(
    absl::string_view instance = "");

// Parses a TaskTemplate JSON (proto3 JSON, unknown fields ignored) into a
// TaskContext like ExampleContext.
flyteplug::abi::flyteplug::v1::TaskContext ContextFromTemplateJson(
    absl::string_view json);

// The fields of a runs/submit body that Jobs API 2.1 does not define where
// they are, checked against tests/databricks/jobs_api_fields.txt: the top
// level against `run`, every tasks[] entry against `task`, every task's
// new_cluster against `new_cluster`. With `single_task` (flytekit's legacy
// body) the top level may also hold task fields other than task_key, and a
// top-level new_cluster is checked too. One line per misplaced key, e.g.
// "tasks[0].run_name"; empty when every key is in place.
std::vector<std::string> JobsApiFieldErrors(const rapidjson::Value& body,
                                            bool single_task);

}  // namespace flyteplug::databricks::testing

#endif  // FLYTEPLUG_TESTS_DATABRICKS_TEST_SUPPORT_H_
