#include "config.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace flyteplug::databricks {
namespace {

TEST(ConfigTest, DefaultsMatchFlyte) {
  for (const char* input :
       {"", "{}", R"({"databricks":{}})", R"({"databricks":null})"}) {
    auto parsed = ParseConfig(input);
    ASSERT_TRUE(parsed.ok()) << input << ": " << parsed.status();
    const DatabricksConfig& c = parsed->config;
    EXPECT_EQ(c.databricks_token_key, "FLYTE_DATABRICKS_API_TOKEN");
    EXPECT_EQ(c.databricks_client_id_key, "FLYTE_DATABRICKS_CLIENT_ID");
    EXPECT_EQ(c.databricks_client_secret_key, "FLYTE_DATABRICKS_CLIENT_SECRET");
    EXPECT_EQ(c.databricks_instance, "");
    EXPECT_EQ(c.entrypoint_file, "");
    EXPECT_FALSE(c.allow_token_in_task);
    // Flyte's Go plugin builds the link; this module prefers the run's own
    // run_page_url (issue 14) and sends Jobs API 2.1's multi-task form.
    EXPECT_TRUE(c.link_to_run_page_url);
    EXPECT_EQ(c.request_format, RequestFormat::kMultiTask);
    EXPECT_EQ(c.read_rate_limit.qps, 10);
    EXPECT_EQ(c.read_rate_limit.burst, 100);
    EXPECT_EQ(c.write_rate_limit.qps, 10);
    EXPECT_EQ(c.write_rate_limit.burst, 100);
    EXPECT_EQ(c.request_timeout, absl::Seconds(60));
    EXPECT_EQ(c.retry.max_total_time, absl::Minutes(5));
    EXPECT_TRUE(parsed->warnings.empty());
  }
}

TEST(ConfigTest, ReadsEveryKey) {
  auto parsed = ParseConfig(R"({"databricks":{
      "databricksInstance":"acme.cloud.databricks.com",
      "databricksTokenKey":"MY_KEY",
      "databricksClientIdKey":"SP_ID",
      "databricksClientSecretKey":"SP_SECRET",
      "entrypointFile":"dbfs:///e.py",
      "allowTokenInTask":true,
      "linkToRunPageUrl":false,
      "requestFormat":"single-task",
      "connectTimeout":"2s",
      "requestTimeout":1.5,
      "caBundle":"/etc/ca.pem",
      "retry":{"maxAttempts":3,"initialBackoff":"10ms","maxBackoff":"1s",
               "maxTotalTime":"1m30s"},
      "webApi":{"readRateLimiter":{"qps":5,"burst":7},
                "writeRateLimiter":{"qps":0.5,"burst":1},
                "caching":{"size":10},"resourceQuotas":{"default":1000}},
      "resourceConstraints":{},
      "defaultWarehouse":"COMPUTE_CLUSTER"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const DatabricksConfig& c = parsed->config;
  EXPECT_EQ(c.databricks_instance, "acme.cloud.databricks.com");
  EXPECT_EQ(c.databricks_token_key, "MY_KEY");
  EXPECT_EQ(c.databricks_client_id_key, "SP_ID");
  EXPECT_EQ(c.databricks_client_secret_key, "SP_SECRET");
  EXPECT_EQ(c.entrypoint_file, "dbfs:///e.py");
  EXPECT_TRUE(c.allow_token_in_task);
  EXPECT_FALSE(c.link_to_run_page_url);
  EXPECT_EQ(c.request_format, RequestFormat::kSingleTask);
  EXPECT_EQ(c.connect_timeout, absl::Seconds(2));
  EXPECT_EQ(c.request_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(c.ca_bundle, "/etc/ca.pem");
  EXPECT_EQ(c.retry.max_attempts, 3);
  EXPECT_EQ(c.retry.initial_backoff, absl::Milliseconds(10));
  EXPECT_EQ(c.retry.max_backoff, absl::Seconds(1));
  EXPECT_EQ(c.retry.max_total_time, absl::Seconds(90));
  EXPECT_EQ(c.read_rate_limit.qps, 5);
  EXPECT_EQ(c.read_rate_limit.burst, 7);
  EXPECT_EQ(c.write_rate_limit.qps, 0.5);
  EXPECT_EQ(c.write_rate_limit.burst, 1);
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(ConfigTest, UnknownKeysAreReportedWithTheirPath) {
  auto parsed = ParseConfig(
      R"({"databricks":{"databricksInstanse":"x","webApi":{"readRateLimiter":{"qsp":1}}},"k8s":{}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->warnings.size(), 2u);
  EXPECT_EQ(parsed->warnings[0],
            "plugins.databricks.databricksInstanse: unknown key, did you mean "
            "'databricksInstance'?");
  EXPECT_EQ(parsed->warnings[1],
            "plugins.databricks.webApi.readRateLimiter.qsp: unknown key, did "
            "you mean 'qps'?");
}

TEST(ConfigTest, WrongTypesNameThePath) {
  struct Case {
    const char* json;
    const char* path;
  } cases[] = {
      {R"({"databricks":{"databricksInstance":5}})",
       "plugins.databricks.databricksInstance: expected a string, got a "
       "number"},
      {R"({"databricks":{"databricksTokenKey":""}})",
       "plugins.databricks.databricksTokenKey"},
      {R"({"databricks":{"databricksClientIdKey":""}})",
       "plugins.databricks.databricksClientIdKey: expected a non-empty secret "
       "key"},
      {R"({"databricks":{"databricksClientSecretKey":7}})",
       "plugins.databricks.databricksClientSecretKey: expected a string"},
      {R"({"databricks":{"allowTokenInTask":"yes"}})",
       "plugins.databricks.allowTokenInTask"},
      {R"({"databricks":{"webApi":{"readRateLimiter":{"qps":"ten"}}}})",
       "plugins.databricks.webApi.readRateLimiter.qps: expected a number > 0"},
      {R"({"databricks":{"webApi":{"writeRateLimiter":{"burst":1.5}}}})",
       "plugins.databricks.webApi.writeRateLimiter.burst"},
      {R"({"databricks":{"webApi":{"readRateLimiter":{"qps":0}}}})",
       "plugins.databricks.webApi.readRateLimiter.qps"},
      {R"({"databricks":{"requestFormat":"tasks"}})",
       "plugins.databricks.requestFormat: expected \"multi-task\" or "
       "\"single-task\""},
      {R"({"databricks":{"requestFormat":true}})",
       "plugins.databricks.requestFormat: expected \"multi-task\" or "
       "\"single-task\", got a boolean"},
      {R"({"databricks":{"requestTimeout":"soon"}})",
       "plugins.databricks.requestTimeout"},
      {R"({"databricks":{"requestTimeout":"0s"}})",
       "plugins.databricks.requestTimeout"},
      {R"({"databricks":{"retry":{"maxAttempts":0}}})",
       "plugins.databricks.retry.maxAttempts"},
      {R"({"databricks":{"retry":{"initialBackoff":"5s","maxBackoff":"1s"}}})",
       "plugins.databricks.retry.maxBackoff"},
      {R"({"databricks":{"webApi":[]}})", "plugins.databricks.webApi"},
      {R"({"databricks":[]})", "plugins.databricks: expected an object"},
      {R"([1])", "plugins: expected an object"},
      {R"({"databricks":)", "not valid JSON"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseConfig(c.json);
    ASSERT_FALSE(parsed.ok()) << c.json;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(c.path), std::string::npos)
        << parsed.status();
  }
}

// Flyte reads its configuration through viper, which matches keys in any
// case: so does this module (it used to be case-sensitive).
TEST(ConfigTest, KeysMatchInAnyCase) {
  auto parsed =
      ParseConfig(R"({"Databricks":{"DATABRICKSINSTANCE":"acme.example.com",)"
                  R"("webapi":{"readratelimiter":{"QPS":3}}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.databricks_instance, "acme.example.com");
  EXPECT_EQ(parsed->config.read_rate_limit.qps, 3);
  EXPECT_TRUE(parsed->warnings.empty());
}

// null keeps the default (it used to be a type error here).
TEST(ConfigTest, NullKeepsTheDefault) {
  auto parsed = ParseConfig(
      R"({"databricks":{"databricksTokenKey":null,"requestTimeout":null,)"
      R"("retry":{"maxAttempts":null},"webApi":null}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.databricks_token_key, "FLYTE_DATABRICKS_API_TOKEN");
  EXPECT_EQ(parsed->config.request_timeout, absl::Seconds(60));
  EXPECT_EQ(parsed->config.retry.max_attempts, 8);
}

// A key given twice (in any case) is an error naming the path (it used to be
// accepted, the last value winning).
TEST(ConfigTest, DuplicateKeysAreErrors) {
  for (const char* json :
       {R"({"databricks":{"caBundle":"a","caBundle":"b"}})",
        R"({"databricks":{"caBundle":"a","CABUNDLE":"b"}})"}) {
    auto parsed = ParseConfig(json);
    ASSERT_FALSE(parsed.ok()) << json;
    EXPECT_NE(parsed.status().message().find("plugins.databricks."),
              std::string::npos);
    EXPECT_NE(parsed.status().message().find("duplicate key"),
              std::string::npos)
        << parsed.status();
  }
}

TEST(ConfigTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto parsed = ParseConfig(R"({"databricks":{"webApi":)" + deep + "}}");
  ASSERT_FALSE(parsed.ok());
  // The SDK's shared input limit (sdk/input_limits.h) refuses it before
  // anything walks it.
  EXPECT_TRUE(
      absl::StartsWith(parsed.status().message(),
                       "plugins: JSON nested deeper than 64 levels at offset "))
      << parsed.status().message();
  EXPECT_FALSE(ParseConfig(deep).ok());
}

TEST(ConfigTest, GoDurations) {
  EXPECT_EQ(*ParseGoDuration("1m30s"), absl::Seconds(90));
  EXPECT_EQ(*ParseGoDuration("250ms"), absl::Milliseconds(250));
  EXPECT_EQ(*ParseGoDuration("0"), absl::ZeroDuration());
  EXPECT_FALSE(ParseGoDuration("-1s").ok());
  EXPECT_FALSE(ParseGoDuration("10").ok());
  EXPECT_FALSE(ParseGoDuration("").ok());
  EXPECT_FALSE(ParseGoDuration("inf").ok());
}

}  // namespace
}  // namespace flyteplug::databricks
