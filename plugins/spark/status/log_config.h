// Configuration of the Spark module's log links: the `plugins.spark.logs`
// section (Flyte's logs.LogConfig, one per log kind).
#ifndef FLYTEPLUG_PLUGINS_SPARK_LOG_CONFIG_H_
#define FLYTEPLUG_PLUGINS_SPARK_LOG_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flyteplug/abi/flyteidl/core/execution.pb.h"
#include "rapidjson/document.h"

namespace flyteplug::spark {

// One configured template log plugin (Flyte's tasklog.TemplateLogPlugin), an
// element of `templates` or a value of `dynamic-log-links`.
struct TemplateLogPluginConfig {
  // Matched against TaskTemplate.config["link_type"] entries to emit
  // `dynamic_template_uris`. For `dynamic-log-links` it is the map key.
  std::string name;
  // Prefix of every generated link name (the log kind's suffix follows).
  std::string display_name;
  // Always emitted.
  std::vector<std::string> template_uris;
  // Emitted only when `name` is selected by link_type and the input carries
  // the TaskTemplate (the mixed/driver input).
  std::vector<std::string> dynamic_template_uris;
  flyteplug::abi::flyteidl::core::TaskLog::MessageFormat message_format =
      flyteplug::abi::flyteidl::core::TaskLog::UNKNOWN;
  bool show_while_pending = false;
  bool hide_once_finished = false;
};

// Flyte's logs.LogConfig. The region/group/url/project/resource keys are
// deprecated in favour of the template URIs but still honoured.
struct LogConfig {
  bool cloudwatch_enabled = false;
  std::string cloudwatch_region;
  std::string cloudwatch_log_group;
  std::string cloudwatch_template_uri;

  bool kubernetes_enabled = false;
  std::string kubernetes_url;
  std::string kubernetes_template_uri;

  bool stackdriver_enabled = false;
  std::string gcp_project;
  std::string stackdriver_log_resource_name;
  std::string stackdriver_template_uri;

  // `dynamic-log-links`, keyed (and therefore emitted) in name order. Flyte
  // iterates a Go map here, whose order is random; sorting makes the output
  // deterministic. Each entry's `name` equals its key and its
  // `template_uris` were moved to `dynamic_template_uris`; message_format is
  // JSON, as InitializeLogPlugins does.
  std::map<std::string, TemplateLogPluginConfig> dynamic_log_links;
  // `templates`, in list order.
  std::vector<TemplateLogPluginConfig> templates;
};

// `plugins.spark.logs`.
struct SparkLogsConfig {
  LogConfig mixed;     // driver pod, "(Driver Logs)"
  LogConfig user;      // driver pod, "(User Logs)"
  LogConfig system;    // application name, "(System Logs)"
  LogConfig all_user;  // application name, "(Spark-Submit/All User Logs)"
};

// Flyte's defaults: only `mixed` enabled, Kubernetes with template
// http://localhost:30082/#!/log/{{ .namespace }}/{{ .podName
// }}/pod?namespace={{ .namespace }}
SparkLogsConfig DefaultSparkLogsConfig();

// Parses `plugins.spark.logs` over the defaults with sdk::ConfigReader's
// rules (docs/configuration.md): keys match case-insensitively, a null value
// keeps the default, values are never converted between types. `templates`
// replaces the list; `dynamic-log-links` entries are added to the (empty)
// default map. `logs` may be nullptr or null (defaults). `messageFormat`
// accepts a number (0..2) or a name ("UNKNOWN"/"CSV"/"JSON", any case).
// Strings must be valid UTF-8.
//
// One warning per unknown key is appended to *warnings (may be nullptr),
// e.g. "plugins.spark.logs.mixed.foo: unknown key, ignored". Errors:
// InvalidArgumentError naming the path (e.g.
// "plugins.spark.logs.mixed.kubernetes-enabled: expected a boolean, got an
// array"). Thread-safe; no I/O.
absl::StatusOr<SparkLogsConfig> ParseSparkLogsConfig(
    const rapidjson::Value* logs, std::vector<std::string>* warnings);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_LOG_CONFIG_H_
