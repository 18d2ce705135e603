// The log-link template engine of Flyte's tasklog package, reproduced
// byte for byte: `{{ .var }}` / `{{ $var }}` placeholders, case-insensitive,
// with whitespace, substituted one variable after another.
#ifndef FLYTEPLUG_TASKLOG_TEMPLATE_H_
#define FLYTEPLUG_TASKLOG_TEMPLATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "flyteplug/abi/flyteidl/core/identifier.pb.h"
#include "flyteplug/abi/flyteidl/core/tasks.pb.h"

namespace flyteplug::tasklog {

// One template variable. A plain variable matches Go's regular expression
// (?i){{\s*[\.$]NAME\s*}}; a task-config variable matches
// (?i){{\s*.taskConfig[\.$]KEY\s*}} (the '.' before taskConfig is any
// character but a newline, as in Go). `\s` is [\t\n\f\r ]; case folding is
// Go's, so 'k' also matches U+212A and 's' U+017F.
struct TemplateVar {
  // NAME or KEY, folded by FoldTemplateName.
  absl::string_view folded_name() const {
    return static_folded_name != nullptr ? absl::string_view(static_folded_name)
                                         : absl::string_view(owned_folded_name);
  }

  // The folded name: a string literal with static storage (the standard
  // variables, no allocation), or else `owned_folded_name`.
  const char* static_folded_name = nullptr;
  std::string owned_folded_name;
  bool task_config = false;
  std::string value;
};

// Folds ASCII letters to lower case, U+212A to 'k' and U+017F to 's'.
std::string FoldTemplateName(absl::string_view name);

TemplateVar PlainVar(absl::string_view name, std::string value);
TemplateVar TaskConfigVar(absl::string_view key, std::string value);

// Go's replaceAll: for each variable in order whose value is non-empty,
// replaces every (non-overlapping, leftmost-first) match with the value
// literally. Later variables also see text inserted by earlier ones, exactly
// as in Go. Variables with an empty value leave their placeholders in place.
// Thread-safe; never fails.
std::string ReplaceTemplateVars(absl::string_view tmpl,
                                absl::Span<const TemplateVar> vars);

// The KEY captures of (?i){{\s*.taskConfig[\.$]([a-zA-Z_]+)\s*}} in `tmpl`,
// left to right, as written (not folded).
std::vector<std::string> FindTaskConfigKeys(absl::string_view tmpl);

// Everything a log plugin may know about one pod (Flyte's tasklog.Input).
// Pointers are borrowed and must outlive the use of this struct.
struct TaskLogInput {
  std::string pod_name;
  std::string pod_uid;
  std::string namespace_name;
  std::string container_name;
  std::string container_id;
  std::string hostname;
  std::string node_name;
  // Suffix of every link name, e.g. "(Driver Logs)"; also {{ .logName }}.
  std::string log_name;
  std::string pod_rfc3339_start_time;
  std::string pod_rfc3339_finish_time;
  int64_t pod_unix_start_time = 0;
  int64_t pod_unix_finish_time = 0;
  // Flyte's TaskExecutionID; nullptr when unknown (then the node, task and
  // execution variables are not defined).
  const flyteplug::abi::flyteidl::core::TaskExecutionIdentifier*
      task_execution_id = nullptr;
  std::string unique_node_id;  // {{ .nodeID }}
  std::string generated_name;  // {{ .generatedName }}
  // Set only for inputs that may produce dynamic links (the driver input).
  const flyteplug::abi::flyteidl::core::TaskTemplate* task_template = nullptr;
};

// Go's Input.templateVars(), in Go's order: logName; podName, podUID,
// namespace, containerName, containerID (text after "://" if any), hostname,
// nodeName; when task_execution_id is set: nodeID, generatedName,
// taskRetryAttempt, then taskID/taskVersion/taskProject/taskDomain if the task
// id is set, then executionName/executionProject/executionDomain if the node
// execution id has an execution id; finally podRFC3339StartTime,
// podRFC3339FinishTime, podUnixStartTime, podUnixFinishTime.
std::vector<TemplateVar> TemplateVarsFor(const TaskLogInput& input);

}  // namespace flyteplug::tasklog

#endif  // FLYTEPLUG_TASKLOG_TEMPLATE_H_
