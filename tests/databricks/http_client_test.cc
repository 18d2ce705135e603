// The HTTP layer alone against the fake server: concurrent use of one client
// (also the target of a ThreadSanitizer run: no protobuf involved).
#include "http_client.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "test_support.h"

namespace flyteplug::databricks {
namespace {

using testing::FakeServer;
using testing::kToken;

HttpClientOptions FastOptions() {
  HttpClientOptions options;
  options.request_timeout = absl::Seconds(5);
  options.retry.max_attempts = 3;
  options.retry.initial_backoff = absl::Milliseconds(5);
  options.retry.max_backoff = absl::Milliseconds(10);
  options.retry.max_total_time = absl::Seconds(10);
  options.read_rate_limit = {100000, 100000};
  options.write_rate_limit = {100000, 100000};
  return options;
}

// POST runs/submit with idempotency token `token` (the fake creates run 1000
// first, then 1001, ...; a repeated token returns its run).
HttpRequest SubmitRequest(const FakeServer& server, absl::string_view token) {
  HttpRequest submit;
  submit.method = "POST";
  submit.url = absl::StrCat(server.base_url(), "/api/2.1/jobs/runs/submit");
  submit.body = absl::StrCat(
      R"({"existing_cluster_id":"c","idempotency_token":")", token, R"("})");
  submit.bearer_token = kToken;
  submit.call_name = "runs/submit";
  submit.is_write = true;
  return submit;
}

// GET runs/get for run 1000.
HttpRequest RunsGet(const FakeServer& server) {
  HttpRequest get;
  get.url =
      absl::StrCat(server.base_url(), "/api/2.1/jobs/runs/get?run_id=1000");
  get.bearer_token = kToken;
  get.call_name = "runs/get";
  return get;
}

TEST(HttpClientTest, ConcurrentCallsFromEightThreads) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok()) << client.status();
  auto created = (*client)->Send(SubmitRequest(server, "t1"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->status, 200);
  EXPECT_NE(created->body.find("\"run_id\": 1000"), std::string::npos)
      << created->body;

  int before = server.Stats()["connections"].GetInt();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      const HttpRequest get = RunsGet(server);
      for (int i = 0; i < 50; ++i) {
        auto response = (*client)->Send(get);
        if (!response.ok() || response->status != 200) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ((*client)->attempt_count(), 401);
  int opened = server.Stats()["connections"].GetInt() - before;
  RecordProperty("connections_opened_for_400_polls_on_8_threads", opened);
  EXPECT_LE(opened, 8 + 3) << opened;
}

// Pooled easy handles pass between threads and between methods: a handle
// that kept its options after a GET then sends a POST, one reset after a POST
// then sends a GET, with and without a cancellation callback. Every request
// must reach the server exactly as if sent from a fresh handle.
TEST(HttpClientTest, PooledHandlesServeGetsAndPostsInAnyOrder) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok()) << client.status();
  // Creates run 1000, which the GETs read.
  auto created = (*client)->Send(SubmitRequest(server, "t"));
  ASSERT_TRUE(created.ok()) << created.status();
  constexpr int kThreads = 6;
  constexpr int kRounds = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        HttpRequest submit =
            SubmitRequest(server, absl::StrCat("t", t, "-", i));
        HttpRequest get = RunsGet(server);
        if (i % 2 == 1) get.cancelled = [] { return false; };
        for (const HttpRequest* request : {&get, &submit, &get}) {
          auto response = (*client)->Send(*request);
          if (!response.ok() || response->status != 200) ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  rapidjson::Document requests = server.Requests();
  ASSERT_TRUE(requests.IsArray());
  ASSERT_EQ(requests.Size(), 1 + 3u * kThreads * kRounds);
  int gets = 0;
  for (const rapidjson::Value& request : requests.GetArray()) {
    const std::string method = request["method"].GetString();
    const rapidjson::Value& headers = request["headers"];
    const std::string body = request["body"].GetString();
    EXPECT_STREQ(headers["User-Agent"].GetString(), "flyteplug-databricks/0.1");
    EXPECT_STREQ(headers["Accept"].GetString(), "application/json");
    EXPECT_EQ(headers["Authorization"].GetString(),
              absl::StrCat("Bearer ", kToken));
    EXPECT_FALSE(headers.HasMember("Expect")) << method;
    if (method == "GET") {
      ++gets;
      EXPECT_EQ(body, "");
      EXPECT_FALSE(headers.HasMember("Content-Type"));
      EXPECT_FALSE(headers.HasMember("Content-Length"));
    } else {
      EXPECT_EQ(method, "POST");
      EXPECT_NE(body.find(R"("idempotency_token":"t)"), std::string::npos)
          << body;
      EXPECT_STREQ(headers["Content-Type"].GetString(), "application/json");
    }
  }
  EXPECT_EQ(gets, 2 * kThreads * kRounds);
}

TEST(HttpClientTest, ErrorsNeverCarryTheToken) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  // A server that echoes the token in its error text.
  server.AddFaults(absl::StrCat(
      R"({"get":[{"status":400,"body":"{\"error_code\":\"BAD\",\"message\":\"bad token )",
      kToken, R"(\"}"}]})"));
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok());
  HttpRequest get;
  get.url = absl::StrCat(server.base_url(), "/api/2.1/jobs/runs/get?run_id=1");
  get.bearer_token = kToken;
  get.call_name = "runs/get";
  auto response = (*client)->Send(get);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(),
            "databricks runs/get: HTTP 400 Bad Request: [BAD] bad token "
            "[REDACTED]");
}

// ABI 1.1 call control: a deadline already passed makes no attempt.
TEST(HttpClientCallControlTest, PassedDeadlineMakesNoAttempt) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok());
  HttpRequest get = RunsGet(server);
  get.deadline = absl::Now() - absl::Seconds(1);
  auto response = (*client)->Send(get);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ((*client)->attempt_count(), 0);
}

// The caller's deadline, not request_timeout (5 s), bounds a slow attempt,
// and no retry starts after it.
TEST(HttpClientCallControlTest, DeadlineCapsASlowAttempt) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  server.AddFaults(R"({"get":[{"delay":3},{"delay":3}]})");
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok());
  HttpRequest get = RunsGet(server);
  get.deadline = absl::Now() + absl::Milliseconds(400);
  absl::Time start = absl::Now();
  auto response = (*client)->Send(get);
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
  EXPECT_LT(took, absl::Milliseconds(1500)) << took;
  EXPECT_EQ((*client)->attempt_count(), 1);
}

// A caller that goes away mid-transfer aborts it (libcurl's progress
// callback) and nothing is retried.
TEST(HttpClientCallControlTest, CancelAbortsATransfer) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  server.AddFaults(R"({"get":[{"delay":3}]})");
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok());
  HttpRequest get = RunsGet(server);
  absl::Time cancel_at = absl::Now() + absl::Milliseconds(300);
  get.cancelled = [cancel_at] { return absl::Now() >= cancel_at; };
  absl::Time start = absl::Now();
  auto response = (*client)->Send(get);
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(response.status().code(), absl::StatusCode::kCancelled)
      << response.status();
  EXPECT_LT(took, absl::Milliseconds(2500)) << took;
  EXPECT_EQ((*client)->attempt_count(), 1);
}

TEST(HttpClientCallControlTest, CancelledBeforeTheCallMakesNoAttempt) {
  FakeServer server;
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::Create(FastOptions());
  ASSERT_TRUE(client.ok());
  HttpRequest get = RunsGet(server);
  get.cancelled = [] { return true; };
  EXPECT_EQ((*client)->Send(get).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ((*client)->attempt_count(), 0);
}

}  // namespace
}  // namespace flyteplug::databricks
