// The databricks module's web-API plugin: submit, poll and cancel Databricks
// one-time runs (Jobs API 2.1) for Flyte Spark tasks.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_DATABRICKS_PLUGIN_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_DATABRICKS_PLUGIN_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "config.h"
#include "credentials.h"
#include "flyteplug/sdk/sdk.h"
#include "http_client.h"
#include "request_builder.h"
#include "resource_meta.h"
#include "run_output.h"
#include "run_status.h"

namespace flyteplug::databricks {

// THREADING: every method is thread-safe (the SDK calls them concurrently).
// Secrets: the API token, or the OAuth client id and secret, are looked up
// per call through the host (credentials.h); they and OAuth access tokens
// are never logged, persisted or returned, and every error message is
// scrubbed of them.
class DatabricksPlugin : public flyteplug::sdk::WebApiPlugin {
 public:
  // Parses `config_json` ({"databricks": {...}}), warns through `host` about
  // unknown keys (naming their paths) and sets up the HTTP client.
  // INVALID_ARGUMENT for bad configuration. `host` must outlive the plugin.
  static absl::StatusOr<std::unique_ptr<DatabricksPlugin>> Create(
      const flyteplug::sdk::Host* host, absl::string_view config_json);

  // POST runs/submit; returns the resource meta (instance + run_id).
  absl::StatusOr<std::string> Create(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const override;
  // GET runs/get; returns SerializeRunState JSON. For a failed run
  // (WantsFailureDetails) also GET runs/get-output of the failed task run:
  // its error and trace excerpt join the resource. A failed get-output is
  // logged as a warning and leaves them out (tried again on the next Get);
  // one that answered is remembered, so later Gets of the run do not ask
  // again.
  absl::StatusOr<std::string> Get(
      absl::string_view resource_meta) const override;
  // POST runs/cancel; a run that already finished (or no longer exists) is
  // OK (logged).
  absl::Status Delete(absl::string_view resource_meta) const override;
  // MapRunState over what Get returned. No I/O.
  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> Status(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource) const override;
  // {"method","url","headers","body"} with the Authorization header redacted.
  // Needs no token and does no I/O.
  absl::StatusOr<std::string> RenderCreateRequest(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const override;

  const DatabricksConfig& config() const { return config_; }

 private:
  DatabricksPlugin(const flyteplug::sdk::Host* host, DatabricksConfig config,
                   std::unique_ptr<HttpClient> http);

  // A 2xx answer and the credential that obtained it (to scrub what is
  // derived from the answer).
  struct AuthorizedResponse {
    HttpResponse response;
    ApiCredential credential;
  };

  // The task's own token remembered by Create for `meta` (only with
  // allowTokenInTask), if any.
  std::optional<std::string> RememberedTaskToken(
      const ResourceMeta& meta) const;
  // Sends `http` to `instance` with `task_token` if set, else the host's
  // credential (CredentialSource::For). A 401 answer to an OAuth token is
  // retried once with a refreshed token; a second 401 is the error. Errors
  // are scrubbed of every token and secret involved.
  absl::StatusOr<AuthorizedResponse> SendAuthorized(
      HttpRequest http, absl::string_view instance,
      const std::optional<std::string>& task_token) const;
  // The OAuth token endpoint call behind credentials_ (FetchTokenFn).
  absl::StatusOr<IssuedToken> FetchAccessToken(
      absl::string_view instance, const ClientCredentials& client) const;
  // Sets state->error and ->error_trace from runs/get-output of
  // state->failed_task_run_id (remembered per run once fetched); a failure
  // is logged and leaves them empty.
  void AddFailureDetails(const ResourceMeta& meta,
                         const std::optional<std::string>& task_token,
                         RunState* state) const;
  // The current call's deadline (ABI 1.1 host call control; infinite future
  // when none).
  absl::Time CallDeadline() const;
  // Gives `http` the current call's deadline and cancel poll (a 1.0 host
  // leaves both unset).
  void ApplyCallControl(HttpRequest* http) const;
  // BuildSubmitRequest with this instance's configuration; its warnings are
  // logged here, once.
  absl::StatusOr<SubmitRequest> BuildRequest(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const;
  void Log(flyteplug_log_level level, absl::string_view message) const;

  const flyteplug::sdk::Host* host_;
  const DatabricksConfig config_;
  std::unique_ptr<HttpClient> http_;
  const CredentialSource credentials_;
  mutable std::mutex mu_;
  // Task-supplied tokens by "instance|run_id", kept in memory only (lost on
  // restart, when the host secret is used instead).
  mutable absl::flat_hash_map<std::string, std::string> task_tokens_
      ABSL_GUARDED_BY(mu_);
  // Failure details already fetched, by "instance|run_id" (bounded; cleared
  // when full).
  mutable absl::flat_hash_map<std::string, FailureDetails> failure_details_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_DATABRICKS_PLUGIN_H_
