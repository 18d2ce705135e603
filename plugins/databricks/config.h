// Configuration of the databricks module: the `plugins.databricks` section,
// with the key names and defaults of Flyte's Go web-API plugin plus the
// settings this module adds (README.md lists every key).
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_CONFIG_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "flyteplug/net/http_client.h"

namespace flyteplug::databricks {

// The HTTP layer's token bucket and retry settings (flyteplug/net).
using net::RateLimit;
using net::RetryPolicy;

// The shape of the runs/submit body (README.md, "The runs/submit request").
enum class RequestFormat {
  // Jobs API 2.1's form: one entry in `tasks[]` holding the task-level
  // fields, run-level fields at the top.
  kMultiTask,
  // flytekit's body: task fields at the top level for cluster runs (the
  // serverless shape keeps flytekit's `tasks[]`), byte for byte.
  kSingleTask,
};

struct DatabricksConfig {
  // `databricksInstance`: the workspace host used when the task names none.
  std::string databricks_instance;
  // `databricksTokenKey`: the secret key of the API token.
  std::string databricks_token_key = "FLYTE_DATABRICKS_API_TOKEN";
  // `databricksClientIdKey` / `databricksClientSecretKey`: the secret keys of
  // a service principal's OAuth client id and secret. When both secrets
  // exist, calls use OAuth M2M access tokens instead of the API token.
  std::string databricks_client_id_key = "FLYTE_DATABRICKS_CLIENT_ID";
  std::string databricks_client_secret_key = "FLYTE_DATABRICKS_CLIENT_SECRET";
  // `entrypointFile`: python_file of spark_python_task. Empty selects the
  // flytekit entrypoint from the pinned flytetools git_source.
  std::string entrypoint_file;
  // `allowTokenInTask`: honour SparkJob.databricksToken (off: it is ignored
  // with a warning, since task specs are stored and shown in the UI).
  bool allow_token_in_task = false;
  // `requestFormat`: "multi-task" (default) or "single-task".
  RequestFormat request_format = RequestFormat::kMultiTask;
  // `linkToRunPageUrl`: the console link is the run's run_page_url when the
  // server reports one (the link Databricks itself gives; needed for ?o=
  // multi-workspace hosts); false builds it from the instance and ids, as
  // flytekit does.
  bool link_to_run_page_url = true;
  // `webApi.readRateLimiter` / `webApi.writeRateLimiter`.
  RateLimit read_rate_limit;
  RateLimit write_rate_limit;
  // `connectTimeout` / `requestTimeout`: per attempt.
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration request_timeout = absl::Seconds(60);
  // `retry.{maxAttempts,initialBackoff,maxBackoff,maxTotalTime}`.
  RetryPolicy retry;
  // `caBundle`: a CA file for TLS verification; empty keeps libcurl's
  // default (and $CURL_CA_BUNDLE when set).
  std::string ca_bundle;
};

// The parse result: the configuration and one warning per unknown key, for
// the caller to log (e.g. "plugins.databricks.databricksInstanse: unknown
// key, did you mean 'databricksInstance'?").
struct ParsedConfig {
  DatabricksConfig config;
  std::vector<std::string> warnings;
};

// Parses the module's init configuration: a JSON object whose "databricks"
// key holds the section (absent or empty input: all defaults), with
// sdk::ConfigReader's rules (docs/configuration.md): keys match
// case-insensitively, null keeps the default, duplicate keys are errors.
// Errors are INVALID_ARGUMENT naming the path and what was wrong, e.g.
// "plugins.databricks.webApi.readRateLimiter.qps: expected a number > 0,
// got a string". Durations accept Go-style strings ("500ms", "10s", "1m30s")
// or a number of seconds. Pure function; thread-safe.
absl::StatusOr<ParsedConfig> ParseConfig(absl::string_view init_config_json);

// Parses a Go-style duration ("1h2m3.5s", "250ms", "0"). INVALID_ARGUMENT on
// anything else.
absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_CONFIG_H_
