#include "log_links.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace flyteplug::spark {

using ::flyteplug::tasklog::FindTaskConfigKeys;
using ::flyteplug::tasklog::ReplaceTemplateVars;
using ::flyteplug::tasklog::TaskConfigVar;
using ::flyteplug::tasklog::TaskLogInput;
using ::flyteplug::tasklog::TemplateVar;
using ::flyteplug::tasklog::TemplateVarsFor;

namespace {

using ::flyteplug::abi::flyteidl::core::TaskLog;

// The links of one tasklog.TemplateLogPlugin for one input.
class PluginEmitter {
 public:
  PluginEmitter(const TaskLogInput& input,
                google::protobuf::RepeatedPtrField<TaskLog>* out)
      : input_(input), vars_(TemplateVarsFor(input)), out_(out) {
    if (input.task_template != nullptr) {
      const auto& config = input.task_template->config();
      const auto it = config.find("link_type");
      if (it != config.end() && !it->second.empty()) {
        link_types_ = absl::StrSplit(it->second, ',');
      }
    }
  }

  // A built-in plugin: one template URI, JSON, no name, no dynamic URIs.
  void EmitBuiltin(absl::string_view display_name, absl::string_view uri) {
    TaskLog* log = out_->Add();
    log->set_uri(ReplaceTemplateVars(uri, vars_));
    log->set_name(absl::StrCat(ReplaceTemplateVars(display_name, vars_),
                               ReplaceTemplateVars(input_.log_name, vars_)));
    log->set_message_format(TaskLog::JSON);
  }

  void Emit(const TemplateLogPluginConfig& plugin) {
    for (const std::string& uri : plugin.template_uris) {
      TaskLog* log = Add(plugin);
      log->set_uri(ReplaceTemplateVars(uri, vars_));
      log->set_name(
          absl::StrCat(ReplaceTemplateVars(plugin.display_name, vars_),
                       ReplaceTemplateVars(input_.log_name, vars_)));
    }
    if (plugin.dynamic_template_uris.empty() || link_types_.empty()) return;
    // As in Flyte, task-config variables accumulate on top of the standard
    // ones for the rest of this plugin's dynamic URIs.
    std::vector<TemplateVar> vars = vars_;
    const auto& config = input_.task_template->config();
    for (const std::string& link_type : link_types_) {
      if (plugin.name != link_type) continue;
      for (const std::string& uri : plugin.dynamic_template_uris) {
        for (const std::string& key : FindTaskConfigKeys(uri)) {
          const auto it = config.find(key);
          if (it != config.end())
            vars.push_back(TaskConfigVar(key, it->second));
        }
        TaskLog* log = Add(plugin);
        log->set_uri(ReplaceTemplateVars(uri, vars));
        log->set_name(absl::StrCat(plugin.display_name, input_.log_name));
      }
    }
  }

 private:
  TaskLog* Add(const TemplateLogPluginConfig& plugin) {
    TaskLog* log = out_->Add();
    log->set_message_format(plugin.message_format);
    log->set_showwhilepending(plugin.show_while_pending);
    log->set_hideoncefinished(plugin.hide_once_finished);
    return log;
  }

  const TaskLogInput& input_;
  const std::vector<TemplateVar> vars_;
  std::vector<std::string> link_types_;
  google::protobuf::RepeatedPtrField<TaskLog>* out_;
};

}  // namespace

void AppendTaskLogs(const LogConfig& config, const TaskLogInput& input,
                    google::protobuf::RepeatedPtrField<TaskLog>* out) {
  if (!config.kubernetes_enabled && !config.cloudwatch_enabled &&
      !config.stackdriver_enabled && config.templates.empty() &&
      config.dynamic_log_links.empty()) {
    return;
  }
  PluginEmitter emitter(input, out);
  if (config.kubernetes_enabled) {
    emitter.EmitBuiltin(
        "Kubernetes Logs",
        !config.kubernetes_template_uri.empty()
            ? config.kubernetes_template_uri
            : absl::StrCat(config.kubernetes_url,
                           "/#!/log/{{ .namespace }}/{{ .podName }}/"
                           "pod?namespace={{ .namespace }}"));
  }
  if (config.cloudwatch_enabled) {
    emitter.EmitBuiltin(
        "Cloudwatch Logs",
        !config.cloudwatch_template_uri.empty()
            ? config.cloudwatch_template_uri
            : absl::StrCat(
                  "https://console.aws.amazon.com/cloudwatch/home?region=",
                  config.cloudwatch_region,
                  "#logEventViewer:group=", config.cloudwatch_log_group,
                  ";stream=var.log.containers.{{ .podName }}_{{ .namespace "
                  "}}_{{ .containerName }}-{{ .containerId }}.log"));
  }
  if (config.stackdriver_enabled) {
    emitter.EmitBuiltin(
        "Stackdriver Logs",
        !config.stackdriver_template_uri.empty()
            ? config.stackdriver_template_uri
            : absl::StrCat(
                  "https://console.cloud.google.com/logs/viewer?project=",
                  config.gcp_project,
                  "&angularJsUrl=%2Flogs%2Fviewer%3Fproject%3D",
                  config.gcp_project,
                  "&resource=", config.stackdriver_log_resource_name,
                  "&advancedFilter=resource.labels.pod_name%3D{{ .podName "
                  "}}"));
  }
  for (const TemplateLogPluginConfig& plugin : config.templates) {
    emitter.Emit(plugin);
  }
  for (const auto& [name, plugin] : config.dynamic_log_links) {
    emitter.Emit(plugin);
  }
}

}  // namespace flyteplug::spark
