// Builds the runs/submit request for a task: the body (Jobs API 2.1's
// multi-task form, or flytekit's single-task body by configuration), the
// workspace URL and the idempotency token. No I/O.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_REQUEST_BUILDER_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_REQUEST_BUILDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"

namespace flyteplug::databricks {

// The Jobs API prefix used for every call.
inline constexpr char kJobsApiPrefix[] = "/api/2.1/jobs/runs";

// flytekit's pinned entrypoint repository (flytetools).
inline constexpr char kDefaultGitUrl[] =
    "https://github.com/flyteorg/flytetools";
inline constexpr char kDefaultGitProvider[] = "gitHub";
inline constexpr char kDefaultGitCommit[] =
    "572298df1f971fb58c258398bd70a6372f811c96";
inline constexpr char kDefaultEntrypoint[] =
    "flytekitplugins/databricks/entrypoint.py";
inline constexpr char kDefaultServerlessEntrypoint[] =
    "flytekitplugins/databricks/entrypoint_serverless.py";

// The task_key of the run's one task when the user's databricksConf names
// none: kNotebookTaskKey for a notebook (notebookPath), kTaskKey otherwise
// (flytekit's serverless keys).
inline constexpr char kTaskKey[] = "flyte_task";
inline constexpr char kNotebookTaskKey[] = "flyte_notebook_task";

struct SubmitRequest {
  std::string instance;           // normalized base URL, e.g. https://host
  std::string url;                // instance + /api/2.1/jobs/runs/submit
  std::string body;               // compact JSON
  std::string idempotency_token;  // also inside `body`
  // SparkJob.databricksToken when present AND allowed by the configuration.
  // A secret: never log or persist it.
  std::optional<std::string> task_token;
  // Things the caller should log as warnings (never containing secrets).
  std::vector<std::string> warnings;
};

// Builds the submit request for `context` whose taskTemplate.type is
// "databricks" (or "spark" carrying databricksConf). `env_instance` is the
// value of $FLYTE_DATABRICKS_INSTANCE (empty when unset). databricksConf may
// be written in the single-task form (task fields at the top level) or with
// `tasks` holding exactly one task; config.request_format picks the body's
// form (README.md, "The runs/submit request"). The SparkJob's
// applicationType picks the task: PYTHON spark_python_task, JAVA/SCALA
// spark_jar_task; notebookPath a notebook_task whatever the type.
// Errors: INVALID_ARGUMENT naming the offending field, e.g.
// "taskTemplate.custom.databricksConf: no compute configuration found ...".
absl::StatusOr<SubmitRequest> BuildSubmitRequest(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const DatabricksConfig& config, absl::string_view env_instance);

// The deterministic runs/submit idempotency token of one task attempt:
// "flyteplug-" + 40 hex digits of SHA-256 over the task execution identity
// (project, domain, execution name, node id, task id, retry attempt,
// generated name). 50 characters. INVALID_ARGUMENT when the context carries
// no execution identity at all (every run would then share one token).
absl::StatusOr<std::string> IdempotencyToken(
    const flyteplug::abi::flyteplug::v1::TaskContext& context);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_REQUEST_BUILDER_H_
