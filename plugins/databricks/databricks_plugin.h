// The databricks module's web-API plugin: submit, poll and cancel Databricks
// one-time runs (Jobs API 2.1) for Flyte Spark tasks.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_DATABRICKS_PLUGIN_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_DATABRICKS_PLUGIN_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "config.h"
#include "flyteplug/sdk/sdk.h"
#include "http_client.h"
#include "request_builder.h"
#include "resource_meta.h"

namespace flyteplug::databricks {

// THREADING: every method is thread-safe (the SDK calls them concurrently).
// Secrets: the API token is looked up per call through the host and is never
// logged, persisted or returned; every error message is scrubbed of it.
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
  // GET runs/get; returns SerializeRunState JSON.
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

  // The token for calls on `meta`: the task's own token remembered by Create
  // (only with allowTokenInTask), else the host secret.
  absl::StatusOr<std::string> TokenFor(const ResourceMeta& meta) const;
  absl::StatusOr<std::string> SecretToken() const;
  // Gives `http` the current call's deadline and cancel poll (ABI 1.1 host
  // call control; a 1.0 host leaves both unset).
  void ApplyCallControl(HttpRequest* http) const;
  // BuildSubmitRequest with this instance's configuration; its warnings are
  // logged here, once.
  absl::StatusOr<SubmitRequest> BuildRequest(
      const flyteplug::abi::flyteplug::v1::TaskContext& context) const;
  void Log(flyteplug_log_level level, absl::string_view message) const;

  const flyteplug::sdk::Host* host_;
  const DatabricksConfig config_;
  std::unique_ptr<HttpClient> http_;
  mutable std::mutex mu_;
  // Task-supplied tokens by "instance|run_id", kept in memory only (lost on
  // restart, when the host secret is used instead).
  mutable absl::flat_hash_map<std::string, std::string> task_tokens_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_DATABRICKS_PLUGIN_H_
