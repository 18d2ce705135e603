// The databricks plugin against the fake Jobs API server over real HTTP on
// 127.0.0.1, through the core library. Every test asserts the token appears
// nowhere in what the module produced (meta, resources, errors, rendered
// requests, PhaseInfo, logs).
#include <atomic>
#include <thread>
#include <vector>

#include "abi_json.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "databricks_plugin.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "secret.h"
#include "test_support.h"

namespace flyteplug::databricks {
namespace {

using flyteplug::abi::flyteplug::v1::Phase;
using testing::ExampleContext;
using testing::FakeServer;
using testing::JobsApiFieldErrors;
using testing::kToken;
using testing::TestHost;

constexpr char kClientId[] = "sp-0f3c-client-id";
constexpr char kClientSecret[] = "dose-CLIENT-SECRET-0123456789abcdef";

class IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()); }

  void TearDown() override {
    Record(host_.LogText());
    for (const std::string& output : outputs_) {
      EXPECT_FALSE(absl::StrContains(output, kToken))
          << "token leaked in: " << output;
      // OAuth: the client secret and every access token the server issued.
      EXPECT_FALSE(absl::StrContains(output, kClientSecret))
          << "client secret leaked in: " << output;
      EXPECT_FALSE(absl::StrContains(output, "fake-oauth-"))
          << "access token leaked in: " << output;
    }
  }

  // Short timeouts and backoff so the suite stays fast. `extra` may replace
  // requestTimeout or retry (a key given twice is an error).
  std::unique_ptr<DatabricksPlugin> MakePlugin(absl::string_view extra = "") {
    auto unless_in_extra = [extra](absl::string_view key,
                                   absl::string_view member) {
      return absl::StrContains(extra, absl::StrCat("\"", key, "\""))
                 ? std::string()
                 : absl::StrCat(",", member);
    };
    std::string config = absl::StrCat(
        R"({"databricks":{"connectTimeout":"1s")",
        unless_in_extra("requestTimeout", R"("requestTimeout":"2s")"),
        unless_in_extra("retry",
                        R"("retry":{"maxAttempts":4,"initialBackoff":"10ms",)"
                        R"("maxBackoff":"50ms","maxTotalTime":"5s"})"),
        extra, "}}");
    auto plugin = DatabricksPlugin::Create(&sdk_host_, config);
    EXPECT_TRUE(plugin.ok()) << plugin.status();
    return plugin.ok() ? std::move(*plugin) : nullptr;
  }

  flyteplug::abi::flyteplug::v1::TaskContext Context() {
    return ExampleContext(server_.base_url());
  }

  template <typename T>
  const T& Record(const T& value) {
    if constexpr (std::is_same_v<T, absl::Status>) {
      outputs_.emplace_back(value.ToString());
    } else if constexpr (std::is_same_v<T, std::string>) {
      outputs_.push_back(value);
    } else {
      outputs_.push_back(value.ok() ? std::string()
                                    : value.status().ToString());
      if constexpr (std::is_same_v<T, absl::StatusOr<std::string>>) {
        if (value.ok()) outputs_.push_back(*value);
      } else if constexpr (std::is_same_v<
                               T,
                               absl::StatusOr<
                                   flyteplug::abi::flyteplug::v1::PhaseInfo>>) {
        if (value.ok()) {
          outputs_.push_back(
              abi_test::LiteDebugString<flyteplug::v1::PhaseInfo>(*value));
        }
      }
    }
    return value;
  }

  flyteplug::abi::flyteplug::v1::PhaseInfo Poll(const DatabricksPlugin& plugin,
                                                const std::string& meta) {
    auto resource = Record(plugin.Get(meta));
    EXPECT_TRUE(resource.ok()) << resource.status();
    if (!resource.ok()) return {};
    auto phase = Record(plugin.Status(Context(), *resource));
    EXPECT_TRUE(phase.ok()) << phase.status();
    return phase.ok() ? *phase : flyteplug::abi::flyteplug::v1::PhaseInfo();
  }

  int CountRequests(absl::string_view path_prefix) {
    rapidjson::Document requests = server_.Requests();
    int n = 0;
    for (const auto& r : requests.GetArray()) {
      if (absl::StartsWith(r["path"].GetString(), path_prefix)) ++n;
    }
    return n;
  }

  FakeServer server_;
  TestHost host_;
  flyteplug::sdk::Host sdk_host_{host_.api()};
  std::vector<std::string> outputs_;
};

TEST_F(IntegrationTest, HappyPathSubmitPollSucceed) {
  auto plugin = MakePlugin();
  ASSERT_NE(plugin, nullptr);
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(*meta, absl::StrCat(R"({"instance":")", server_.base_url(),
                                R"(","run_id":"1000"})"));

  auto pending = Poll(*plugin, *meta);
  EXPECT_EQ(pending.phase(), Phase::INITIALIZING);
  EXPECT_EQ(pending.reason(), "Waiting for cluster");
  ASSERT_EQ(pending.logs_size(), 1);
  EXPECT_EQ(pending.logs(0).name(), "Databricks Console");
  // The run's own run_page_url (the server reports one).
  EXPECT_EQ(pending.logs(0).uri(),
            "https://fake.cloud.databricks.com/?o=42#job/555/run/1000");
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::RUNNING);
  auto done = Poll(*plugin, *meta);
  EXPECT_EQ(done.phase(), Phase::SUCCESS);
  EXPECT_EQ(done.logs_size(), 1);

  // What the server saw: the bearer token, the multi-task body, run_id
  // query.
  rapidjson::Document requests = server_.Requests();
  ASSERT_EQ(requests.Size(), 4u);
  const auto& submit = requests[0];
  EXPECT_STREQ(submit["method"].GetString(), "POST");
  EXPECT_STREQ(submit["path"].GetString(), "/api/2.1/jobs/runs/submit");
  EXPECT_EQ(std::string(submit["headers"]["Authorization"].GetString()),
            absl::StrCat("Bearer ", kToken));
  EXPECT_STREQ(submit["headers"]["Content-Type"].GetString(),
               "application/json");
  rapidjson::Document body;
  body.Parse(submit["body"].GetString());
  ASSERT_TRUE(body.IsObject());
  EXPECT_THAT(JobsApiFieldErrors(body, /*single_task=*/false),
              ::testing::IsEmpty());
  const auto& task = body["tasks"][0];
  EXPECT_EQ(task["new_cluster"]["num_workers"].GetInt64(), 2);
  EXPECT_STREQ(task["spark_python_task"]["parameters"][2].GetString(),
               "s3://bucket/inputs.pb");
  EXPECT_TRUE(body["idempotency_token"].IsString());
  EXPECT_STREQ(requests[1]["path"].GetString(),
               "/api/2.1/jobs/runs/get?run_id=1000");
  EXPECT_EQ(std::string(requests[1]["headers"]["Authorization"].GetString()),
            absl::StrCat("Bearer ", kToken));
}

TEST_F(IntegrationTest, EveryLifeCycleAndResultStateFromTheServer) {
  server_.SetStates(R"([
    {"life_cycle_state":"QUEUED","state_message":"Queued: limit"},
    {"life_cycle_state":"PENDING"},
    {"life_cycle_state":"BLOCKED"},
    {"life_cycle_state":"WAITING_FOR_RETRY"},
    {"life_cycle_state":"RUNNING"},
    {"life_cycle_state":"TERMINATING"},
    {"life_cycle_state":"BRAND_NEW_STATE"},
    {"life_cycle_state":"TERMINATED","result_state":"FAILED","state_message":"Task failed"},
    {"life_cycle_state":"TERMINATED","result_state":"TIMEDOUT"},
    {"life_cycle_state":"TERMINATED","result_state":"CANCELED"},
    {"life_cycle_state":"TERMINATED","result_state":"SUCCESS_WITH_FAILURES"},
    {"life_cycle_state":"TERMINATED","result_state":"UPSTREAM_FAILED"},
    {"life_cycle_state":"SKIPPED"},
    {"life_cycle_state":"INTERNAL_ERROR","result_state":"FAILED","state_message":"cluster does not exist"},
    {"life_cycle_state":"TERMINATED","result_state":"SUCCESS"}])");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  const Phase expected[] = {Phase::QUEUED,
                            Phase::INITIALIZING,
                            Phase::RUNNING,
                            Phase::RUNNING,
                            Phase::RUNNING,
                            Phase::RUNNING,
                            Phase::RUNNING,
                            Phase::RETRYABLE_FAILURE,
                            Phase::PERMANENT_FAILURE,
                            Phase::PERMANENT_FAILURE,
                            Phase::PERMANENT_FAILURE,
                            Phase::PERMANENT_FAILURE,
                            Phase::PERMANENT_FAILURE,
                            Phase::RETRYABLE_FAILURE,
                            Phase::SUCCESS};
  for (size_t i = 0; i < std::size(expected); ++i) {
    auto info = Poll(*plugin, *meta);
    EXPECT_EQ(info.phase(), expected[i]) << "poll " << i;
    EXPECT_EQ(info.logs_size(), 1) << "poll " << i;
    if (i == 0) {
      EXPECT_EQ(info.reason(), "Queued: limit");
    }
    if (i == 7) {
      EXPECT_EQ(info.error().kind(),
                flyteplug::abi::flyteidl::core::ExecutionError::USER);
      EXPECT_NE(info.error().message().find("Task failed"), std::string::npos);
    }
    if (i == 13) {
      EXPECT_EQ(info.error().kind(),
                flyteplug::abi::flyteidl::core::ExecutionError::SYSTEM);
      EXPECT_EQ(info.reason(), "cluster does not exist");
    }
  }
}

TEST_F(IntegrationTest, TooManyRequestsHonoursRetryAfter) {
  server_.AddFaults(
      R"({"submit":[{"status":429,"headers":{"Retry-After":"1"},)"
      R"("body":"{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}"}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/submit"), 2);
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 1);
  // The wait chosen was the server's Retry-After, not the 10ms backoff.
  std::string logs = host_.LogText();
  EXPECT_NE(logs.find("HTTP 429"), std::string::npos) << logs;
  EXPECT_NE(logs.find("slow down; retry 1 in 1s"), std::string::npos) << logs;
}

TEST_F(IntegrationTest, RetryAfterBeyondBudgetGivesUp) {
  server_.AddFaults(
      R"({"get":[{"status":429,"headers":{"Retry-After":"60"}}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok());
  auto resource = Record(plugin->Get(*meta));
  ASSERT_FALSE(resource.ok());
  EXPECT_EQ(resource.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(resource.status().message().find("runs/get"), std::string::npos);
  EXPECT_NE(host_.LogText().find("would exceed retry.maxTotalTime"),
            std::string::npos);
}

TEST_F(IntegrationTest, ServiceUnavailableIsRetriedThenSucceeds) {
  server_.AddFaults(R"({"get":[{"status":503},{"status":503,"body":"busy"}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::INITIALIZING);
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/get"), 3);
}

TEST_F(IntegrationTest, ServiceUnavailableExhaustsAttempts) {
  server_.AddFaults(
      R"({"get":[{"status":503},{"status":503},{"status":503},{"status":503}]})");
  auto plugin = MakePlugin(
      R"(,"retry":{"maxAttempts":2,"initialBackoff":"1ms","maxBackoff":"1ms"})");
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok());
  auto resource = Record(plugin->Get(*meta));
  ASSERT_FALSE(resource.ok());
  EXPECT_EQ(resource.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(resource.status().message().find(
                "databricks runs/get: HTTP 503 Service Unavailable"),
            std::string::npos)
      << resource.status();
  EXPECT_NE(resource.status().message().find("gave up after 2 attempts"),
            std::string::npos)
      << resource.status();
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/get"), 2);
}

TEST_F(IntegrationTest, OtherClientErrorsAreNotRetried) {
  server_.AddFaults(
      R"({"submit":[{"status":400,"body":"{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Cluster size too big\"}"}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(meta.status().message(),
            "databricks runs/submit: HTTP 400 Bad Request: "
            "[INVALID_PARAMETER_VALUE] Cluster size too big");
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/submit"), 1);
}

TEST_F(IntegrationTest, DroppedConnectionAfterSubmitLeavesExactlyOneRun) {
  server_.AddFaults(R"({"submit":[{"drop_after_accept":true}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 1);
  rapidjson::Document requests = server_.Requests();
  ASSERT_EQ(requests.Size(), 2u);
  rapidjson::Document first, second;
  first.Parse(requests[0]["body"].GetString());
  second.Parse(requests[1]["body"].GetString());
  EXPECT_STREQ(first["idempotency_token"].GetString(),
               second["idempotency_token"].GetString());
  EXPECT_NE(*meta, "");
  EXPECT_NE(meta->find("\"run_id\":\"1000\""), std::string::npos);
  // A host that crashed and calls create again gets the same run.
  auto again = Record(plugin->Create(Context()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *meta);
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 1);
  // The next retry attempt of the task is a new run.
  auto next = Context();
  next.mutable_metadata()->mutable_task_execution_id()->set_retry_attempt(1);
  auto other = Record(plugin->Create(next));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *meta);
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 2);
}

TEST_F(IntegrationTest, SlowResponsesHitTheTimeout) {
  server_.AddFaults(R"({"get":[{"delay":1.5},{"delay":1.5},{"delay":1.5}]})");
  auto plugin = MakePlugin(
      R"(,"requestTimeout":"200ms","retry":{"maxAttempts":2,"initialBackoff":"1ms","maxBackoff":"1ms"})");
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok());
  auto resource = Record(plugin->Get(*meta));
  ASSERT_FALSE(resource.ok());
  EXPECT_EQ(resource.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(resource.status().message().find("databricks runs/get"),
            std::string::npos)
      << resource.status();
  EXPECT_NE(resource.status().message().find("no complete response within"),
            std::string::npos)
      << resource.status();
}

TEST_F(IntegrationTest, HtmlAndMalformedBodies) {
  server_.AddFaults(R"({"get":[
      {"status":500,"content_type":"text/html","body":"<html><body><h2>HTTP ERROR 500</h2><p>Reason:<pre>Internal boom</pre></p></body></html>"},
      {"status":200,"content_type":"text/html","raw_body":"<html><title>Databricks - Sign In</title></html>"},
      {"status":200,"raw_body":"{\"run_id\": 1000, \"state\": "}],
    "submit":[{"status":200,"raw_body":"{\"number_in_job\": 3}"}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(meta.status().message().find("no integer run_id"),
            std::string::npos)
      << meta.status();
  meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();

  auto html = Record(plugin->Get(*meta));
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(html.status().message(),
            "databricks runs/get: HTTP 500 Internal Server Error: Internal "
            "boom");
  auto login = Record(plugin->Get(*meta));
  ASSERT_FALSE(login.ok());
  EXPECT_NE(login.status().message().find("is not a JSON object"),
            std::string::npos)
      << login.status();
  EXPECT_NE(login.status().message().find("Sign In"), std::string::npos);
  auto truncated = Record(plugin->Get(*meta));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("runs/get"), std::string::npos);
  // The server recovers and so does the plugin.
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::INITIALIZING);
}

TEST_F(IntegrationTest, UnauthenticatedAndForbidden) {
  server_.AddFaults(
      R"({"get":[{"status":401,"body":"{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"Token expired\"}"}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok());
  auto expired = Record(plugin->Get(*meta));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("Token expired"),
            std::string::npos);

  // A wrong token: the server's real 403 answer, not retried, token absent.
  const std::string wrong = "dapi-WRONG-token-77";
  host_.SetSecret("FLYTE_DATABRICKS_API_TOKEN", wrong);
  auto denied = Record(plugin->Get(*meta));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.status().message(),
            "databricks runs/get: HTTP 403 Forbidden: [403] Invalid access "
            "token.");
  EXPECT_EQ(denied.status().message().find(wrong), std::string::npos);
  EXPECT_EQ(host_.LogText().find(wrong), std::string::npos);
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/get"), 2);
}

TEST_F(IntegrationTest, CancelSendsNumericRunIdAndIsIdempotent) {
  server_.SetStates(R"([{"life_cycle_state":"RUNNING"}])");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::RUNNING);
  absl::Status cancelled = Record(plugin->Delete(*meta));
  ASSERT_TRUE(cancelled.ok()) << cancelled;
  rapidjson::Document requests = server_.Requests();
  const auto& cancel = requests[requests.Size() - 1];
  EXPECT_STREQ(cancel["path"].GetString(), "/api/2.1/jobs/runs/cancel");
  EXPECT_STREQ(cancel["body"].GetString(), "{\"run_id\":1000}");
  EXPECT_TRUE(server_.Runs()["runs"]["1000"]["cancelled"].GetBool());
  auto info = Poll(*plugin, *meta);
  EXPECT_EQ(info.phase(), Phase::PERMANENT_FAILURE);
  EXPECT_EQ(info.reason(), "Run cancelled.");
  EXPECT_EQ(info.error().code(), "CANCELED");
  // Cancelling again, or a run the server no longer knows, is fine.
  EXPECT_TRUE(Record(plugin->Delete(*meta)).ok());
  std::string gone = absl::StrCat(R"({"instance":")", server_.base_url(),
                                  R"(","run_id":"77"})");
  EXPECT_TRUE(Record(plugin->Delete(gone)).ok());
  EXPECT_NE(host_.LogText().find("Run 77 does not exist."), std::string::npos);
}

TEST_F(IntegrationTest, RunIdAboveTwoToThe53IsKeptExact) {
  server_.Post("/_control/config",
               R"({"next_run_id":9007199254740993,"job_id":9007199254740995})");
  // The link this module builds from the ids (not the server's).
  auto plugin = MakePlugin(R"(,"linkToRunPageUrl":false)");
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_NE(meta->find("\"run_id\":\"9007199254740993\""), std::string::npos)
      << *meta;
  auto resource = Record(plugin->Get(*meta));
  ASSERT_TRUE(resource.ok()) << resource.status();
  EXPECT_NE(resource->find("\"run_id\":\"9007199254740993\""),
            std::string::npos);
  auto info = Record(plugin->Status(Context(), *resource));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->logs(0).uri(),
            absl::StrCat(server_.base_url(),
                         "/#job/9007199254740995/run/9007199254740993"));
  ASSERT_TRUE(Record(plugin->Delete(*meta)).ok());
  rapidjson::Document requests = server_.Requests();
  EXPECT_STREQ(requests[1]["path"].GetString(),
               "/api/2.1/jobs/runs/get?run_id=9007199254740993");
  EXPECT_STREQ(requests[2]["body"].GetString(),
               "{\"run_id\":9007199254740993}");
  EXPECT_TRUE(
      server_.Runs()["runs"]["9007199254740993"]["cancelled"].GetBool());
}

TEST_F(IntegrationTest, MissingSecretFailsCreateButRenderWorks) {
  host_.RemoveSecret("FLYTE_DATABRICKS_API_TOKEN");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(meta.status().message().find("FLYTE_DATABRICKS_API_TOKEN"),
            std::string::npos);
  auto rendered = Record(plugin->RenderCreateRequest(Context()));
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  EXPECT_EQ(server_.Requests().Size(), 0u);  // no I/O
}

TEST_F(IntegrationTest, RenderCreateRequestRedactsAuthorization) {
  auto plugin = MakePlugin();
  auto rendered = Record(plugin->RenderCreateRequest(Context()));
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  rapidjson::Document doc;
  doc.Parse(rendered->c_str());
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["method"].GetString(), "POST");
  EXPECT_EQ(std::string(doc["url"].GetString()),
            absl::StrCat(server_.base_url(), "/api/2.1/jobs/runs/submit"));
  EXPECT_STREQ(doc["headers"]["Authorization"].GetString(),
               "Bearer <redacted>");
  EXPECT_EQ(doc["body"]["tasks"][0]["new_cluster"]["num_workers"].GetInt64(),
            2);
  EXPECT_EQ(server_.Requests().Size(), 0u);
}

TEST_F(IntegrationTest, SingleTaskFormatSendsFlytekitsBody) {
  auto plugin = MakePlugin(R"(,"requestFormat":"single-task")");
  ASSERT_NE(plugin, nullptr);
  ASSERT_TRUE(Record(plugin->Create(Context())).ok());
  rapidjson::Document requests = server_.Requests();
  ASSERT_GE(requests.Size(), 1u);
  rapidjson::Document body;
  body.Parse(requests[0]["body"].GetString());
  ASSERT_TRUE(body.IsObject());
  EXPECT_THAT(JobsApiFieldErrors(body, /*single_task=*/true),
              ::testing::IsEmpty());
  EXPECT_FALSE(body.HasMember("tasks"));
  EXPECT_EQ(body["new_cluster"]["num_workers"].GetInt64(), 2);
  EXPECT_EQ(body["max_retries"].GetInt64(), 1);
  EXPECT_STREQ(body["spark_python_task"]["parameters"][2].GetString(),
               "s3://bucket/inputs.pb");
}

TEST_F(IntegrationTest, ConsoleLinkIsBuiltWithoutRunPageUrlOrOnRequest) {
  auto preferred = MakePlugin();
  auto constructed = MakePlugin(R"(,"linkToRunPageUrl":false)");
  ASSERT_NE(preferred, nullptr);
  ASSERT_NE(constructed, nullptr);
  auto meta = Record(preferred->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  const std::string built =
      absl::StrCat(server_.base_url(), "/#job/555/run/1000");
  auto link = [&](const DatabricksPlugin& plugin) {
    auto info = Poll(plugin, *meta);
    return info.logs_size() == 1 ? info.logs(0).uri() : std::string();
  };
  EXPECT_EQ(link(*preferred),
            "https://fake.cloud.databricks.com/?o=42#job/555/run/1000");
  EXPECT_EQ(link(*constructed), built);
  server_.Post("/_control/config", R"({"run_page_url":false})");
  EXPECT_EQ(link(*preferred), built);
}

TEST_F(IntegrationTest, PollingAThousandRunsReusesConnections) {
  server_.SetStates(R"([{"life_cycle_state":"RUNNING"}])");
  auto plugin = MakePlugin(
      R"(,"webApi":{"readRateLimiter":{"qps":100000,"burst":100000},)"
      R"("writeRateLimiter":{"qps":100000,"burst":100000}})");
  // 1000 runs, as 1000 task executions (distinct idempotency tokens).
  std::vector<std::string> metas;
  for (int i = 0; i < 1000; ++i) {
    auto context = Context();
    context.mutable_metadata()
        ->mutable_task_execution_id()
        ->mutable_node_execution_id()
        ->set_node_id(absl::StrCat("n", i));
    auto meta = plugin->Create(context);
    ASSERT_TRUE(meta.ok()) << meta.status();
    metas.push_back(*meta);
  }
  Record(metas.back());
  int before = server_.Stats()["connections"].GetInt();
  for (const std::string& meta : metas) {
    ASSERT_TRUE(plugin->Get(meta).ok());
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < metas.size(); i += 4) {
        if (!plugin->Get(metas[i]).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server_.Runs()["count"].GetInt(), 1000);
  // 2000 polls over 1000 runs from 1 then 4 threads; the control calls of
  // this test open a few connections of their own.
  int opened = server_.Stats()["connections"].GetInt() - before;
  RecordProperty("connections_opened_for_2000_polls", opened);
  EXPECT_LE(opened, 4 + 3) << "connections opened for 2000 polls: " << opened;
}

TEST_F(IntegrationTest, RateLimitNeverWaitsPastTheBudget) {
  auto plugin =
      MakePlugin(R"(,"retry":{"maxTotalTime":"500ms"},)"
                 R"("webApi":{"readRateLimiter":{"qps":0.1,"burst":1}})");
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_TRUE(Record(plugin->Get(*meta)).ok());  // the burst token
  auto throttled = Record(plugin->Get(*meta));   // next token in 10 s
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(throttled.status().message().find(
                "client-side rate limit (webApi.readRateLimiter qps 0.1, "
                "burst 1)"),
            std::string::npos)
      << throttled.status();
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/get"), 1);
}

TEST_F(IntegrationTest, ConnectionRefusedIsUnavailable) {
  auto plugin = MakePlugin(
      R"(,"retry":{"maxAttempts":2,"initialBackoff":"1ms","maxBackoff":"1ms"})");
  // Port 1 on loopback: nothing listens there.
  auto resource =
      Record(plugin->Get(R"({"instance":"http://127.0.0.1:1","run_id":"5"})"));
  ASSERT_FALSE(resource.ok());
  EXPECT_EQ(resource.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(resource.status().message().find("databricks runs/get"),
            std::string::npos);
  EXPECT_NE(resource.status().message().find("gave up after 2 attempts"),
            std::string::npos)
      << resource.status();
}

TEST_F(IntegrationTest, TaskTokenUsedOnlyWhenAllowed) {
  const std::string task_token = "dapi-TASK-token-42";
  server_.Post("/_control/config",
               absl::StrCat(R"({"token":")", task_token, R"("})"));
  auto context = Context();
  (*context.mutable_task_template()
        ->mutable_custom()
        ->mutable_fields())["databricksToken"]
      .set_string_value(task_token);
  auto plugin = MakePlugin();
  auto denied = Record(plugin->Create(context));  // host token is used
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(host_.LogText().find("allowTokenInTask is false"),
            std::string::npos);

  auto allowed = MakePlugin(R"(,"allowTokenInTask":true)");
  auto meta = Record(allowed->Create(context));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->find(task_token), std::string::npos);
  EXPECT_EQ(Poll(*allowed, *meta).phase(), Phase::INITIALIZING);
  EXPECT_TRUE(Record(allowed->Delete(*meta)).ok());
  for (const std::string& output : outputs_) {
    EXPECT_EQ(output.find(task_token), std::string::npos) << output;
  }
  EXPECT_EQ(host_.LogText().find(task_token), std::string::npos);
}

TEST_F(IntegrationTest, PlainHttpToNonLoopbackIsRefused) {
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(ExampleContext("http://example.com")));
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(meta.status().message().find("loopback"), std::string::npos);
  auto get =
      Record(plugin->Get(R"({"instance":"http://10.0.0.1","run_id":"1"})"));
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IntegrationTest, TokensThatCouldInjectHeadersAreRefusedBeforeSending) {
  const std::string injected = "dapi-EVIL-token\r\nX-Injected: yes";
  host_.SetSecret("FLYTE_DATABRICKS_API_TOKEN", injected);
  auto plugin = MakePlugin(R"(,"allowTokenInTask":true)");
  auto meta = Record(plugin->Create(Context()));
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(meta.status().message().find(
                "secret 'FLYTE_DATABRICKS_API_TOKEN' "
                "(plugins.databricks.databricksTokenKey) contains a carriage "
                "return (CR) at byte 15"),
            std::string::npos)
      << meta.status();
  auto get = Record(plugin->Get(absl::StrCat(
      R"({"instance":")", server_.base_url(), R"(","run_id":"1"})")));
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.status().code(), absl::StatusCode::kFailedPrecondition);

  // The task's own token (allowTokenInTask): refused at render time too.
  host_.SetSecret("FLYTE_DATABRICKS_API_TOKEN", kToken);
  auto context = Context();
  (*context.mutable_task_template()
        ->mutable_custom()
        ->mutable_fields())["databricksToken"]
      .set_string_value("dapi-TASK\nX-Injected: yes");
  for (const auto& result : {Record(plugin->Create(context)),
                             Record(plugin->RenderCreateRequest(context))}) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find(
                  "taskTemplate.custom.databricksToken contains a line feed"),
              std::string::npos)
        << result.status();
    EXPECT_EQ(result.status().message().find("dapi-TASK"), std::string::npos);
  }
  // Instances from the task, the configuration and resource_meta too.
  auto bad_instance =
      Record(plugin->Create(ExampleContext("127.0.0.1\r\nX-Injected: yes")));
  ASSERT_FALSE(bad_instance.ok());
  EXPECT_EQ(bad_instance.status().code(), absl::StatusCode::kInvalidArgument);
  auto configured =
      MakePlugin(R"(,"databricksInstance":"localhost\r\nX-Injected: yes")");
  auto from_config = Record(configured->Create(ExampleContext()));
  ASSERT_FALSE(from_config.ok());
  EXPECT_NE(from_config.status().message().find(
                "plugins.databricks.databricksInstance"),
            std::string::npos)
      << from_config.status();
  auto from_meta = Record(plugin->Get(
      R"({"instance":"localhost\r\nX-Injected: yes","run_id":"1"})"));
  ASSERT_FALSE(from_meta.ok());
  EXPECT_NE(from_meta.status().message().find("resource_meta.instance"),
            std::string::npos);
  EXPECT_EQ(server_.Requests().Size(), 0u);  // nothing was sent
  EXPECT_EQ(host_.LogText().find("dapi-EVIL"), std::string::npos);
}

TEST_F(IntegrationTest, FragmentsOfTheTokenInServerRepliesAreScrubbed) {
  const std::string token = kToken;
  const std::string head = token.substr(0, 12);    // "dapi-TEST-SE"
  const std::string middle = token.substr(10, 9);  // "SECRET-01"
  const std::string tail = token.substr(token.size() - 10);
  server_.AddFaults(absl::StrCat(
      R"({"submit":[{"status":403,"body":"{\"error_code\":\"PERMISSION_DENIED\",)",
      R"(\"message\":\"Token ')", head, R"(...' is not valid here\"}"}],)",
      R"("get":[{"status":200,"raw_body":"{\"run_id\":1000,\"state\":)",
      R"({\"life_cycle_state\":\"RUNNING\",\"state_message\":\"echo )", middle,
      " and ", tail, R"(\"}}"}]})"));
  auto plugin = MakePlugin();
  auto denied = Record(plugin->Create(Context()));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().message(),
            "databricks runs/submit: HTTP 403 Forbidden: [PERMISSION_DENIED] "
            "Token '[REDACTED]...' is not valid here");
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  auto resource = Record(plugin->Get(*meta));
  ASSERT_TRUE(resource.ok()) << resource.status();
  EXPECT_NE(resource->find("echo [REDACTED] and [REDACTED]"), std::string::npos)
      << *resource;
  for (const std::string& output : outputs_) {
    for (size_t i = 0; i + kMinRedactedRun <= token.size(); ++i) {
      EXPECT_EQ(output.find(token.substr(i, kMinRedactedRun)),
                std::string::npos)
          << output;
    }
  }
}

// --- OAuth M2M ---------------------------------------------------------------

class OAuthIntegrationTest : public IntegrationTest {
 protected:
  // The server accepts the service principal; the host holds both secrets
  // (and the API token, which must then not be used).
  void SetUp() override {
    IntegrationTest::SetUp();
    ConfigureServer(kClientSecret, 3600);
    host_.SetSecret("FLYTE_DATABRICKS_CLIENT_ID", kClientId);
    host_.SetSecret("FLYTE_DATABRICKS_CLIENT_SECRET", kClientSecret);
  }

  void ConfigureServer(absl::string_view secret, int lifetime_seconds) {
    server_.Post(
        "/_control/config",
        absl::StrCat(R"({"client_id":")", kClientId, R"(","client_secret":")",
                     secret, R"(","token_lifetime":)", lifetime_seconds, "}"));
  }

  int TokensIssued() { return server_.Stats()["tokens_issued"].GetInt(); }

  // The Authorization header of every recorded request to `path`.
  std::vector<std::string> AuthHeaders(absl::string_view path) {
    std::vector<std::string> out;
    rapidjson::Document requests = server_.Requests();
    for (const auto& r : requests.GetArray()) {
      if (!absl::StartsWith(r["path"].GetString(), path)) continue;
      const auto& headers = r["headers"];
      out.emplace_back(headers.HasMember("Authorization")
                           ? headers["Authorization"].GetString()
                           : "");
    }
    return out;
  }
};

TEST_F(OAuthIntegrationTest, BothSecretsSelectOAuthAndTheTokenIsReused) {
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::INITIALIZING);
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::RUNNING);
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::SUCCESS);
  EXPECT_EQ(TokensIssued(), 1);

  // The token request: Basic id:secret, the client credentials form.
  rapidjson::Document requests = server_.Requests();
  const auto& token = requests[0];
  EXPECT_STREQ(token["method"].GetString(), "POST");
  EXPECT_STREQ(token["path"].GetString(), "/oidc/v1/token");
  EXPECT_STREQ(token["headers"]["Authorization"].GetString(),
               "Basic c3AtMGYzYy1jbGllbnQtaWQ6ZG9zZS1DTElFTlQtU0VDUkVULTAxMj"
               "M0NTY3ODlhYmNkZWY=");
  EXPECT_STREQ(token["headers"]["Content-Type"].GetString(),
               "application/x-www-form-urlencoded");
  EXPECT_STREQ(token["body"].GetString(),
               "grant_type=client_credentials&scope=all-apis");
  // Every API call carries the one issued token, never the API token.
  std::vector<std::string> auth = AuthHeaders("/api/");
  ASSERT_EQ(auth.size(), 4u);
  for (const std::string& header : auth) {
    EXPECT_TRUE(absl::StartsWith(header, "Bearer fake-oauth-1-")) << header;
    EXPECT_EQ(header, auth[0]);
  }
  EXPECT_FALSE(host_.LogsContain("OAuth secret"));
}

TEST_F(OAuthIntegrationTest, OneSecretAloneFallsBackToTheApiTokenWithAWarning) {
  host_.RemoveSecret("FLYTE_DATABRICKS_CLIENT_SECRET");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::INITIALIZING);
  EXPECT_EQ(TokensIssued(), 0);
  for (const std::string& header : AuthHeaders("/api/")) {
    EXPECT_EQ(header, absl::StrCat("Bearer ", kToken));
  }
  // One warning naming the missing secret, never a value.
  std::string logs = host_.LogText();
  EXPECT_TRUE(absl::StrContains(
      logs,
      "WARNING: databricks: OAuth secret 'FLYTE_DATABRICKS_CLIENT_SECRET' "
      "(plugins.databricks.databricksClientSecretKey) is not available while "
      "'FLYTE_DATABRICKS_CLIENT_ID' is; using the API token secret "
      "'FLYTE_DATABRICKS_API_TOKEN' instead"))
      << logs;
  EXPECT_EQ(logs.find("OAuth secret"), logs.rfind("OAuth secret")) << logs;
  EXPECT_FALSE(absl::StrContains(logs, kClientId)) << logs;
  // Neither OAuth secret: the API token, silently.
  host_.RemoveSecret("FLYTE_DATABRICKS_CLIENT_ID");
  host_.ClearLogs();
  auto other = MakePlugin();
  ASSERT_TRUE(Record(other->Get(*meta)).ok());
  EXPECT_FALSE(host_.LogsContain("OAuth"));
  EXPECT_EQ(TokensIssued(), 0);
}

TEST_F(OAuthIntegrationTest, TokenIsRefreshedShortlyBeforeItExpires) {
  // 3 s tokens are replaced once less than 0.3 s remain.
  ConfigureServer(kClientSecret, 3);
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(TokensIssued(), 1);
  absl::SleepFor(absl::Milliseconds(2800));
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::INITIALIZING);
  EXPECT_EQ(TokensIssued(), 2);
  // Refreshed before the server would refuse it: no 401, no retry.
  std::vector<std::string> auth = AuthHeaders("/api/");
  ASSERT_EQ(auth.size(), 2u);
  EXPECT_NE(auth[0], auth[1]);
}

TEST_F(OAuthIntegrationTest, A401ForcesOneRefreshAndOneRetry) {
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  server_.Post("/_control/revoke", "{}");
  EXPECT_EQ(Poll(*plugin, *meta).phase(), Phase::INITIALIZING);
  EXPECT_EQ(TokensIssued(), 2);
  std::vector<std::string> auth = AuthHeaders("/api/2.1/jobs/runs/get");
  ASSERT_EQ(auth.size(), 2u);  // the refused call and its one retry
  EXPECT_TRUE(absl::StartsWith(auth[0], "Bearer fake-oauth-1-"));
  EXPECT_TRUE(absl::StartsWith(auth[1], "Bearer fake-oauth-2-"));
  EXPECT_TRUE(
      host_.LogsContain("runs/get: HTTP 401 with an OAuth access "
                        "token; retrying once with a new token"));
}

TEST_F(OAuthIntegrationTest, ASecond401IsTheError) {
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  server_.AddFaults(
      R"({"get":[{"status":401,"body":"{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"no\"}"},)"
      R"({"status":401,"body":"{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"still no\"}"}]})");
  auto resource = Record(plugin->Get(*meta));
  ASSERT_FALSE(resource.ok());
  EXPECT_EQ(resource.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(resource.status().message(),
            "databricks runs/get: HTTP 401 Unauthorized: [UNAUTHENTICATED] "
            "still no");
  EXPECT_EQ(TokensIssued(), 2);
  EXPECT_EQ(CountRequests("/api/2.1/jobs/runs/get"), 2);
}

TEST_F(OAuthIntegrationTest, TokenEndpointErrorsAreClearAndSecretFree) {
  struct Case {
    const char* fault;  // a "token" fault, or "" for a wrong secret
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"", absl::StatusCode::kUnauthenticated,
       "databricks oidc/v1/token: HTTP 401 Unauthorized"},
      {R"({"status":200,"raw_body":"<html>sign in</html>"})",
       absl::StatusCode::kUnavailable,
       "databricks oidc/v1/token: the answer (20 bytes) is not a JSON object"},
      {R"({"status":200,"raw_body":"{\"access_token\":\"fake-oauth-x\",\"expires_in\":60}"})",
       absl::StatusCode::kUnavailable,
       "databricks oidc/v1/token: the answer has no token_type string"},
      {R"({"status":200,"raw_body":"{\"access_token\":\"fake-oauth-x\",\"token_type\":\"Bearer\"}"})",
       absl::StatusCode::kUnavailable,
       "databricks oidc/v1/token: the answer has no expires_in"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    server_.Post("/_control/reset", "{}");
    ConfigureServer(*c.fault == '\0' ? "another-secret" : kClientSecret, 3600);
    if (*c.fault != '\0') {
      server_.AddFaults(absl::StrCat(R"({"token":[)", c.fault, "]}"));
    }
    auto plugin = MakePlugin();
    auto meta = Record(plugin->Create(Context()));
    ASSERT_FALSE(meta.ok());
    EXPECT_EQ(meta.status().code(), c.code);
    EXPECT_TRUE(absl::StartsWith(meta.status().message(), c.message))
        << meta.status();
    EXPECT_EQ(CountRequests("/api/"), 0);  // nothing sent without a token
  }
}

TEST_F(OAuthIntegrationTest, ConcurrentCallsShareOneTokenRequest) {
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  ASSERT_EQ(TokensIssued(), 1);
  // A second plugin (an empty cache) polled from 8 threads while the token
  // endpoint is slow: one more token request, every call authorised by it.
  server_.AddFaults(R"({"token":[{"delay":0.5}]})");
  auto fresh = MakePlugin();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (fresh->Get(*meta).ok()) ++ok;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(TokensIssued(), 2);
  std::vector<std::string> auth = AuthHeaders("/api/2.1/jobs/runs/get");
  ASSERT_EQ(auth.size(), 8u);
  for (const std::string& header : auth) {
    EXPECT_TRUE(absl::StartsWith(header, "Bearer fake-oauth-2-")) << header;
  }
}

// --- Failure details (runs/get-output) ---------------------------------------

TEST_F(IntegrationTest, AFailedRunShowsTheErrorFromItsTaskRunOutput) {
  // The trace echoes the API token (a user printing their environment): it
  // is scrubbed before it reaches the phase.
  server_.SetStates(absl::StrCat(
      R"([{"life_cycle_state":"TERMINATED","result_state":"FAILED",)"
      R"("state_message":"Workload failed, see run output for details",)"
      R"("error":"ZeroDivisionError: division by zero\nsecond line",)"
      R"("error_trace":"Traceback (most recent call last):\n  token=)",
      kToken, R"(\u0007\nZeroDivisionError: division by zero\n"}])"));
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  auto info = Poll(*plugin, *meta);
  EXPECT_EQ(info.phase(), Phase::RETRYABLE_FAILURE);
  EXPECT_EQ(info.reason(), "Workload failed, see run output for details");
  EXPECT_EQ(info.error().message(),
            "Databricks run 1000 terminated with result FAILED: Workload "
            "failed, see run output for details: ZeroDivisionError: division "
            "by zero\nTraceback (most recent call last):\n  "
            "token=[REDACTED]?\nZeroDivisionError: division by zero");
  EXPECT_EQ(info.custom_info().fields().at("error").string_value(),
            "ZeroDivisionError: division by zero");
  // Asked about the task's own run (the fake refuses the parent's id), once:
  // a later poll of the terminal run reuses what it said.
  EXPECT_EQ(Poll(*plugin, *meta).error().message(), info.error().message());
  rapidjson::Document requests = server_.Requests();
  int outputs = 0;
  for (const auto& r : requests.GetArray()) {
    if (!absl::StartsWith(r["path"].GetString(), "/api/2.1/jobs/runs/get-"))
      continue;
    ++outputs;
    EXPECT_STREQ(r["path"].GetString(),
                 "/api/2.1/jobs/runs/get-output?run_id=700000");
  }
  EXPECT_EQ(outputs, 1);
}

TEST_F(IntegrationTest, GetOutputFailuresNeverFailTheStatusCall) {
  server_.SetStates(
      R"([{"life_cycle_state":"INTERNAL_ERROR","state_message":"cluster gone",)"
      R"("error":"Cluster 0101 was terminated"}])");
  server_.AddFaults(
      R"({"output":[{"status":400,"body":"{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"nope\"}"}]})");
  auto plugin = MakePlugin();
  auto meta = Record(plugin->Create(Context()));
  ASSERT_TRUE(meta.ok()) << meta.status();
  auto info = Poll(*plugin, *meta);
  EXPECT_EQ(info.phase(), Phase::RETRYABLE_FAILURE);
  EXPECT_EQ(info.error().message(),
            "Databricks run 1000 ended in INTERNAL_ERROR: cluster gone");
  EXPECT_TRUE(host_.LogsContain(
      "databricks: no failure details for run 1000 (task run 700000), the "
      "phase keeps the run's state message: databricks runs/get-output: HTTP "
      "400 Bad Request: [INVALID_PARAMETER_VALUE] nope"))
      << host_.LogText();
  // Not remembered: the next poll asks again and shows the error.
  EXPECT_EQ(Poll(*plugin, *meta).error().message(),
            "Databricks run 1000 ended in INTERNAL_ERROR: cluster gone: "
            "Cluster 0101 was terminated");
  // A malformed answer is tolerated the same way.
  server_.AddFaults(R"({"output":[{"status":200,"raw_body":"[1,2"}]})");
  auto fresh = MakePlugin();
  auto again = Poll(*fresh, *meta);
  EXPECT_EQ(again.phase(), Phase::RETRYABLE_FAILURE);
  EXPECT_TRUE(
      host_.LogsContain("the answer for run 700000 (4 bytes) is not a "
                        "JSON object"));
}

}  // namespace
}  // namespace flyteplug::databricks
