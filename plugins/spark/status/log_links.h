// Log links for one log configuration: Flyte's logs.InitializeLogPlugins
// followed by GetTaskLogs on the resulting plugins.
#ifndef FLYTEPLUG_PLUGINS_SPARK_LOG_LINKS_H_
#define FLYTEPLUG_PLUGINS_SPARK_LOG_LINKS_H_

#include "flyteplug/abi/flyteidl/core/execution.pb.h"
#include "flyteplug/tasklog/template.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "log_config.h"

namespace flyteplug::spark {

// Appends to *out the links `config` yields for `input`, in Flyte's fixed
// order:
//   1. Kubernetes ("Kubernetes Logs"): kubernetes-template-uri, or
//      <kubernetes-url>/#!/log/{{ .namespace }}/{{ .podName }}/pod?namespace={{
//      .namespace }}
//   2. CloudWatch ("Cloudwatch Logs"): cloudwatch-template-uri, or the
//      console URL built from region and log group;
//   3. Stackdriver ("Stackdriver Logs"): stackdriver-template-uri, or the
//      console URL built from project and log resource name;
//   4. `templates`, in list order;
//   5. `dynamic-log-links`, in name order (Flyte: random Go map order).
// Built-in links have message format JSON. Each plugin first emits its
// template URIs (name = displayName + log name, both template-substituted),
// then, if `input.task_template` is set, for each entry of its
// config["link_type"] split on ',' (not trimmed, as in Flyte) equal to the
// plugin's name, each dynamic template URI with `{{ .taskConfig.<key> }}`
// bound from TaskTemplate.config (name = displayName + log name, verbatim).
// Thread-safe; never fails.
void AppendTaskLogs(
    const LogConfig& config, const tasklog::TaskLogInput& input,
    google::protobuf::RepeatedPtrField<flyteplug::abi::flyteidl::core::TaskLog>*
        out);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_LOG_LINKS_H_
