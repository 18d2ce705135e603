// RestClient against tests/kube/fake_kube_apiserver.py over HTTPS (a
// throwaway CA per server), and its path building and error mapping.
#include "rest_client.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "flyteplug/net/http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "server_process.h"

namespace flyteplug::kube {
namespace {

using ::testing::HasSubstr;

constexpr char kToken[] = "kube-TEST-TOKEN-0123456789abcdef";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string MakeTempDir() {
  char pattern[] = "/tmp/flyteplug-fake-kube-XXXXXX";
  return mkdtemp(pattern);
}

// The fake API server process and its control endpoints.
class FakeKubeApiserver {
 public:
  FakeKubeApiserver()
      : dir_(MakeTempDir()),
        process_({PYTHON3_EXECUTABLE, FAKE_KUBE_APISERVER_PY, "--dir", dir_,
                  "--token", kToken, "--crd-schema", SPARK_CRD_SCHEMA},
                 /*wait_seconds=*/30) {
    ca_pem_ = ReadAll(dir_ + "/ca.crt");
    net::HttpClientOptions options;
    options.service = "fake control";
    options.ca_pem = ca_pem_;
    options.retry.max_attempts = 1;
    options.read_rate_limit = options.write_rate_limit = {1e6, 1000000};
    control_ = *net::HttpClient::Create(options);
  }
  ~FakeKubeApiserver() { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  bool ok() const { return process_.ok() && !ca_pem_.empty(); }
  std::string server() const {
    return absl::StrCat("https://127.0.0.1:", process_.port());
  }
  const std::string& ca_pem() const { return ca_pem_; }
  std::string other_ca_pem() const { return ReadAll(dir_ + "/other-ca.crt"); }

  std::string Control(const char* method, absl::string_view path,
                      absl::string_view body = "") const {
    net::HttpRequest request;
    request.method = method;
    request.url = absl::StrCat(server(), path);
    request.body = std::string(body);
    request.call_name = std::string(path);
    auto response = control_->Send(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->body : "";
  }
  void AddFaults(absl::string_view faults_json) const {
    Control("POST", "/fake/faults",
            absl::StrCat(R"({"faults":)", faults_json, "}"));
  }
  // How many API requests with `method` the fake received.
  int CountRequests(absl::string_view method) const {
    rapidjson::Document log = Requests();
    int count = 0;
    for (const auto& r : log.GetArray()) {
      if (method == r["method"].GetString()) ++count;
    }
    return count;
  }
  rapidjson::Document Requests() const {
    rapidjson::Document doc;
    doc.Parse(Control("GET", "/fake/requests").c_str());
    return doc;
  }

  ClusterConfig Config() const {
    ClusterConfig config;
    config.cluster_name = "fake";
    config.server = server();
    config.ca_pem = ca_pem_;
    config.token = TokenSource::Fixed(kToken);
    config.source = "test";
    return config;
  }

 private:
  std::string dir_;
  testing::ServerProcess process_;
  std::string ca_pem_;
  std::unique_ptr<net::HttpClient> control_;
};

RestClientOptions FastOptions() {
  RestClientOptions options;
  options.request_timeout = absl::Seconds(10);
  options.retry.max_attempts = 4;
  options.retry.initial_backoff = absl::Milliseconds(20);
  options.retry.max_backoff = absl::Milliseconds(50);
  options.retry.max_total_time = absl::Seconds(20);
  return options;
}

ObjectRef JobRef(const std::string& name) {
  return ObjectRef{"batch", "v1", "jobs", "team-a", name};
}

std::string JobJson(const std::string& name,
                    const std::string& extra_metadata = "") {
  return absl::StrCat(
      R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":")", name,
      "\"", extra_metadata, R"(},"spec":{}})");
}

CallControl Within(absl::Duration d) {
  CallControl control;
  control.deadline = absl::Now() + d;
  return control;
}

class RestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.ok());
    auto client = RestClient::Create(fake_.Config(), FastOptions());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }

  // Every status a test produced, to check for the token at the end.
  void TearDown() override {
    for (const std::string& message : messages_) {
      EXPECT_FALSE(absl::StrContains(message, "0123456789abcdef")) << message;
    }
  }
  template <typename T>
  const T& Seen(const T& result) {
    if (!result.ok()) messages_.emplace_back(result.status().message());
    return result;
  }
  const absl::Status& Seen(const absl::Status& status) {
    messages_.emplace_back(status.message());
    return status;
  }

  FakeKubeApiserver fake_;
  std::unique_ptr<RestClient> client_;
  std::vector<std::string> messages_;
};

TEST_F(RestClientTest, CreateGetPatchDelete) {
  EXPECT_EQ(client_->cluster_name(), "fake");
  auto created = client_->Create(JobRef("job-1"), JobJson("job-1"),
                                 Within(absl::Seconds(10)));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(*created, HasSubstr("\"uid\""));
  auto got = client_->Get(JobRef("job-1"), Within(absl::Seconds(10)));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, HasSubstr("\"namespace\": \"team-a\""));
  auto patched = client_->JsonPatch(
      JobRef("job-1"),
      R"([{"op":"add","path":"/metadata/labels","value":{"a":"b"}}])",
      Within(absl::Seconds(10)));
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_THAT(*patched, HasSubstr("\"labels\": {\"a\": \"b\"}"));
  ASSERT_TRUE(client_->Delete(JobRef("job-1"), Within(absl::Seconds(10))).ok());
  auto gone = Seen(client_->Get(JobRef("job-1"), Within(absl::Seconds(10))));
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(
      std::string(gone.status().message()),
      HasSubstr("HTTP 404 Not Found: NotFound: jobs \"job-1\" not found"));
  EXPECT_EQ(
      Seen(client_->Delete(JobRef("job-1"), Within(absl::Seconds(10)))).code(),
      absl::StatusCode::kNotFound);

  rapidjson::Document log = fake_.Requests();
  ASSERT_TRUE(log.IsArray());
  ASSERT_GE(log.Size(), 4u);
  EXPECT_STREQ(log[0]["method"].GetString(), "POST");
  EXPECT_STREQ(log[0]["path"].GetString(),
               "/apis/batch/v1/namespaces/team-a/jobs");
  EXPECT_STREQ(log[0]["content_type"].GetString(), "application/json");
  EXPECT_EQ(log[0]["authorization"].GetString(),
            absl::StrCat("Bearer ", kToken));
  EXPECT_STREQ(log[2]["content_type"].GetString(),
               "application/json-patch+json");
  EXPECT_STREQ(log[3]["method"].GetString(), "DELETE");
  EXPECT_STREQ(
      log[3]["body"].GetString(),
      R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})");
}

TEST_F(RestClientTest, SecondCreateIsAlreadyExistsAndFinalizersHoldDelete) {
  ObjectRef ref = JobRef("job-2");
  std::string json = JobJson("job-2", R"(,"finalizers":["flyte/flytek8s"])");
  ASSERT_TRUE(client_->Create(ref, json, Within(absl::Seconds(10))).ok());
  auto again = Seen(client_->Create(ref, json, Within(absl::Seconds(10))));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()),
              HasSubstr("AlreadyExists: jobs \"job-2\" already exists"));
  ASSERT_TRUE(client_->Delete(ref, Within(absl::Seconds(10))).ok());
  auto held = client_->Get(ref, Within(absl::Seconds(10)));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_THAT(*held, HasSubstr("deletionTimestamp"));
  ASSERT_TRUE(
      client_
          ->JsonPatch(ref, R"([{"op":"remove","path":"/metadata/finalizers"}])",
                      Within(absl::Seconds(10)))
          .ok());
  EXPECT_EQ(Seen(client_->Get(ref, Within(absl::Seconds(10)))).status().code(),
            absl::StatusCode::kNotFound);
}

// The fake's control endpoint walks an object's status, as an operator would.
TEST_F(RestClientTest, StatusSetByTheFakeIsWhatGetReturns) {
  ASSERT_TRUE(
      client_
          ->Create(JobRef("job-7"), JobJson("job-7"), Within(absl::Seconds(10)))
          .ok());
  for (const char* state : {"SUBMITTED", "RUNNING", "COMPLETED"}) {
    fake_.Control(
        "POST", "/fake/status",
        absl::StrCat(
            R"({"path":"/apis/batch/v1/namespaces/team-a/jobs/job-7",)",
            R"("status":{"applicationState":{"state":")", state, R"("}}})"));
    auto got = client_->Get(JobRef("job-7"), Within(absl::Seconds(10)));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_THAT(*got, HasSubstr(absl::StrCat("\"state\": \"", state, "\"")));
  }
}

TEST_F(RestClientTest, InvalidSparkApplicationIs422InvalidArgument) {
  ObjectRef ref{"sparkoperator.k8s.io", "v1beta2", "sparkapplications",
                "team-a", "bad-app"};
  auto refused = Seen(client_->Create(
      ref,
      R"({"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication",
          "metadata":{"name":"bad-app"},"spec":{"type":"Cobol"}})",
      Within(absl::Seconds(10))));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("HTTP 422 Unprocessable Entity: Invalid:"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("Cobol"));
}

TEST_F(RestClientTest, TooManyRequestsHonoursRetryAfterWithOnePost) {
  fake_.AddFaults(R"([{"method":"POST","status":429,"retry_after":1,
                       "reason":"TooManyRequests"}])");
  absl::Time start = absl::Now();
  auto created = client_->Create(JobRef("job-3"), JobJson("job-3"),
                                 Within(absl::Seconds(10)));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(950));
  // The throttled POST and its retry, and one object.
  EXPECT_EQ(fake_.CountRequests("POST"), 2);
  auto objects = fake_.Control("GET", "/fake/objects");
  EXPECT_THAT(objects, HasSubstr("job-3"));
}

TEST_F(RestClientTest, ServerErrorsAreRetriedThenUnavailable) {
  fake_.AddFaults(R"([{"method":"GET","status":500}])");
  ASSERT_TRUE(
      client_
          ->Create(JobRef("job-4"), JobJson("job-4"), Within(absl::Seconds(10)))
          .ok());
  auto recovered = client_->Get(JobRef("job-4"), Within(absl::Seconds(10)));
  EXPECT_TRUE(recovered.ok()) << recovered.status();

  fake_.AddFaults(
      R"([{"method":"GET","status":500},{"method":"GET","status":503},
          {"method":"GET","status":500},{"method":"GET","status":502}])");
  auto failed = Seen(client_->Get(JobRef("job-4"), Within(absl::Seconds(10))));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(failed.status().message()),
              HasSubstr("gave up after 4 attempts"));
}

TEST_F(RestClientTest, DroppedConnectionIsRetried) {
  // libcurl itself retries once on a fresh connection when a reused one
  // dies without an answer; the second drop reaches the client's retry.
  fake_.AddFaults(
      R"([{"method":"GET","drop":true},{"method":"GET","drop":true}])");
  ASSERT_TRUE(
      client_
          ->Create(JobRef("job-5"), JobJson("job-5"), Within(absl::Seconds(10)))
          .ok());
  auto got = client_->Get(JobRef("job-5"), Within(absl::Seconds(10)));
  EXPECT_TRUE(got.ok()) << got.status();
  // The create, then two or three gets (libcurl's own retry is one).
  EXPECT_GE(client_->attempt_count(), 3);
  EXPECT_EQ(fake_.CountRequests("GET"), 3);
}

TEST_F(RestClientTest, SlowReplyEndsAtTheDeadline) {
  fake_.AddFaults(R"([{"method":"GET","delay":3}])");
  absl::Time start = absl::Now();
  auto slow =
      Seen(client_->Get(JobRef("job-6"), Within(absl::Milliseconds(500))));
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded)
      << slow.status();
  EXPECT_LT(took, absl::Milliseconds(1500));
}

TEST_F(RestClientTest, WrongTokenIsUnauthenticatedAndNeverEchoed) {
  ClusterConfig config = fake_.Config();
  config.token = TokenSource::Fixed("wrong-0123456789abcdef-TOKEN");
  auto client = RestClient::Create(config, FastOptions());
  ASSERT_TRUE(client.ok());
  auto refused = Seen((*client)->Get(JobRef("x"), Within(absl::Seconds(10))));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(absl::StrContains(refused.status().message(), "wrong-"));
}

TEST_F(RestClientTest, RotatedTokenFileIsRereadAfter401) {
  std::string dir = MakeTempDir();
  std::string file = dir + "/token";
  std::ofstream(file) << "old-token-0123456789";
  ClusterConfig config = fake_.Config();
  config.token = *TokenSource::FromFile(file, absl::Hours(1));
  auto client = RestClient::Create(config, FastOptions());
  ASSERT_TRUE(client.ok());
  fake_.Control("POST", "/fake/tokens",
                R"({"tokens":["new-token-0123456789"]})");
  std::ofstream(file) << "new-token-0123456789";
  auto missing = (*client)->Get(JobRef("x"), Within(absl::Seconds(10)));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound)
      << missing.status();
  rapidjson::Document log = fake_.Requests();
  ASSERT_EQ(log.Size(), 2u);
  EXPECT_STREQ(log[0]["authorization"].GetString(),
               "Bearer old-token-0123456789");
  EXPECT_STREQ(log[1]["authorization"].GetString(),
               "Bearer new-token-0123456789");
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_F(RestClientTest, WrongCaIsATlsError) {
  ClusterConfig config = fake_.Config();
  config.ca_pem = fake_.other_ca_pem();
  auto client = RestClient::Create(config, FastOptions());
  ASSERT_TRUE(client.ok());
  auto refused = Seen((*client)->Get(JobRef("x"), Within(absl::Seconds(10))));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::AnyOf(HasSubstr("certificate"), HasSubstr("SSL")));
  EXPECT_EQ((*client)->attempt_count(), 1);  // not retried
}

TEST_F(RestClientTest, InsecureSkipTlsVerifyIsHonouredWhenAsked) {
  ClusterConfig config = fake_.Config();
  config.ca_pem = fake_.other_ca_pem();
  config.insecure_skip_tls_verify = true;
  auto client = RestClient::Create(config, FastOptions());
  ASSERT_TRUE(client.ok());
  auto list = (*client)->GetPath("/api/v1", Within(absl::Seconds(10)));
  EXPECT_TRUE(list.ok()) << list.status();
}

// flyteplug_net on the wire: basic credentials, a form body and PUT, as the
// fake records them (it answers 401: no bearer token).
TEST_F(RestClientTest, NetClientSendsBasicAuthAndTheGivenContentType) {
  net::HttpClientOptions options;
  options.service = "probe";
  options.ca_pem = fake_.ca_pem();
  options.retry.max_attempts = 1;
  auto http = net::HttpClient::Create(options);
  ASSERT_TRUE(http.ok());
  net::HttpRequest request;
  request.method = "PUT";
  request.url = absl::StrCat(fake_.server(), "/api/v1");
  request.body = "grant_type=client_credentials&scope=all-apis";
  request.content_type = "application/x-www-form-urlencoded";
  request.basic_auth = "client-id:client-SECRET-0123456789abcdef";
  request.call_name = "oauth token";
  auto response = Seen((*http)->Send(request));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(response.status().message(),
            "probe oauth token: HTTP 401 Unauthorized: {\"kind\": \"Status\", "
            "\"apiVersion\": \"v1\", \"metadata\": {}, \"status\": "
            "\"Failure\", \"message\": \"Unauthorized\", \"reason\": "
            "\"Unauthorized\", \"code\": 401}");
  rapidjson::Document log = fake_.Requests();
  ASSERT_EQ(log.Size(), 1u);
  EXPECT_STREQ(log[0]["method"].GetString(), "PUT");
  // base64("client-id:client-SECRET-0123456789abcdef")
  EXPECT_STREQ(
      log[0]["authorization"].GetString(),
      "Basic Y2xpZW50LWlkOmNsaWVudC1TRUNSRVQtMDEyMzQ1Njc4OWFiY2RlZg==");
  EXPECT_STREQ(log[0]["content_type"].GetString(),
               "application/x-www-form-urlencoded");
  EXPECT_STREQ(log[0]["body"].GetString(),
               "grant_type=client_credentials&scope=all-apis");
}

TEST_F(RestClientTest, DiscoveryPathAndBadNamesAreRefusedBeforeSending) {
  auto list = client_->GetPath("/apis/batch/v1", Within(absl::Seconds(10)));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(*list, HasSubstr("APIResourceList"));
  for (const char* path :
       {"/apis/../secrets", "/healthz", "/api/v1?x=1", "/apis//x"}) {
    EXPECT_EQ(client_->GetPath(path, CallControl{}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << path;
  }
  ObjectRef bad = JobRef("Bad_Name");
  EXPECT_EQ(client_->Get(bad, CallControl{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      client_->Create(JobRef("a"), JobJson("b"), CallControl{}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fake_.Requests().Size(), 1u);  // only the discovery call
}

TEST(ObjectPathTest, CoreAndNamedGroupsAndValidation) {
  EXPECT_EQ(*ObjectPath(ObjectRef{"", "v1", "pods", "ns", "p"}, false),
            "/api/v1/namespaces/ns/pods/p");
  EXPECT_EQ(*ObjectPath(ObjectRef{"sparkoperator.k8s.io", "v1beta2",
                                  "sparkapplications", "ns", "a.b-c"},
                        false),
            "/apis/sparkoperator.k8s.io/v1beta2/namespaces/ns/"
            "sparkapplications/a.b-c");
  EXPECT_EQ(*ObjectPath(ObjectRef{"batch", "v1", "jobs", "ns", ""}, true),
            "/apis/batch/v1/namespaces/ns/jobs");
  for (const ObjectRef& bad :
       {ObjectRef{"", "v1", "pods", "ns", "a/b"},
        ObjectRef{"", "v1", "pods", "ns", "A"},
        ObjectRef{"", "v1", "pods", "ns", "-a"},
        ObjectRef{"", "v1", "pods", "ns", std::string(254, 'a')},
        ObjectRef{"", "v1", "pods", "n.s", "a"},
        ObjectRef{"", "v1", "pods", "", "a"},
        ObjectRef{"", "v1", "pods/x", "ns", "a"},
        ObjectRef{"a%2f", "v1", "pods", "ns", "a"},
        ObjectRef{"", "", "pods", "ns", "a"}}) {
    auto path = ObjectPath(bad, false);
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument)
        << bad.group << "/" << bad.version << "/" << bad.resource << " "
        << bad.namespace_name << "/" << bad.name;
  }
}

TEST(MapKubeErrorTest, StatusCodesPerTheInterface) {
  net::HttpHeaders headers;
  headers.Add("Retry-After", "2");
  auto map = [&](long status, const std::string& reason) {
    net::HttpFailure failure;
    failure.service = "kubernetes";
    failure.call_name = "create jobs ns/a";
    failure.http_status = status;
    std::string body = absl::StrCat(R"({"kind":"Status","reason":")", reason,
                                    R"(","message":"m"})");
    failure.body = body;
    failure.headers = &headers;
    return MapKubeError(failure);
  };
  EXPECT_EQ(map(409, "AlreadyExists").status.code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(map(409, "Conflict").status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(map(403, "Forbidden").status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(map(401, "Unauthorized").status.code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(map(400, "BadRequest").status.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(map(422, "Invalid").status.code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(map(404, "NotFound").status.code(), absl::StatusCode::kNotFound);
  auto throttled = map(429, "TooManyRequests");
  EXPECT_EQ(throttled.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(throttled.retryable);
  EXPECT_EQ(throttled.retry_after, absl::Seconds(2));
  EXPECT_TRUE(map(500, "InternalError").retryable);
  EXPECT_FALSE(map(409, "AlreadyExists").retryable);
  EXPECT_EQ(map(409, "AlreadyExists").status.message(),
            "kubernetes create jobs ns/a: HTTP 409 Conflict: AlreadyExists: m");
}

}  // namespace
}  // namespace flyteplug::kube
