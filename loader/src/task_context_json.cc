#include "task_context_json.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/input_limits.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "task_type.h"

namespace flyteplug::loader {
namespace {

// FNV-1a, 64 bits: stable across runs and platforms.
uint64_t Fnv1a64(absl::string_view data) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

absl::Status ParseInto(const std::string& json, const char* what,
                       google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status =
      google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "task JSON (parsed as ", what, "): ", status.message().as_string()));
  }
  return absl::OkStatus();
}

}  // namespace

flyteplug::v1::TaskContext DefaultContextFor(
    const flyteidl::core::TaskTemplate& task_template) {
  const flyteidl::core::Identifier& id = task_template.id();
  const std::string project =
      id.project().empty() ? "flytesnacks" : id.project();
  const std::string domain = id.domain().empty() ? "development" : id.domain();
  // Execution names look like Flyte's (a leading "f"): "f" + 16 hex digits
  // of FNV-1a-64 over project/domain/name/version, so they are stable.
  const std::string id_key =
      absl::StrCat(project, "/", domain, "/", id.name(), "/", id.version());
  std::string exec_name =
      absl::StrCat("f", absl::Hex(Fnv1a64(id_key), absl::kZeroPad16));
  const std::string node_id = "n0";
  const std::string generated_name =
      absl::StrCat(exec_name, "-", node_id, "-0");
  const std::string ns = absl::StrCat(project, "-", domain);
  const std::string metadata_prefix =
      absl::StrCat("s3://flyte-demo/metadata/propeller/", project, "-", domain,
                   "-", exec_name, "/", node_id, "/data");

  flyteplug::v1::TaskContext context;
  *context.mutable_task_template() = task_template;
  auto* md = context.mutable_metadata();
  auto* tid = md->mutable_task_execution_id();
  *tid->mutable_task_id() = id;
  tid->mutable_node_execution_id()->set_node_id(node_id);
  auto* exec = tid->mutable_node_execution_id()->mutable_execution_id();
  exec->set_project(project);
  exec->set_domain(domain);
  exec->set_name(exec_name);
  tid->set_retry_attempt(0);
  md->set_generated_name(generated_name);
  md->set_unique_node_id(node_id);
  md->set_namespace_(ns);
  (*md->mutable_labels())["execution-id"] = exec_name;
  (*md->mutable_labels())["node-id"] = node_id;
  (*md->mutable_labels())["project"] = project;
  (*md->mutable_labels())["domain"] = domain;
  md->set_k8s_service_account("default");
  md->set_interruptible(false);
  md->set_max_attempts(1);
  auto* io = context.mutable_io();
  io->set_input_path(absl::StrCat(metadata_prefix, "/inputs.pb"));
  io->set_input_prefix(metadata_prefix);
  io->set_output_prefix(absl::StrCat(metadata_prefix, "/0"));
  io->set_raw_output_prefix(
      absl::StrCat("s3://flyte-demo/data/", generated_name));
  io->set_checkpoint_prefix(absl::StrCat("s3://flyte-demo/checkpoints/",
                                         generated_name, "/_flytecheckpoints"));
  context.mutable_plugin_state()->set_phase(flyteplug::v1::UNDEFINED);
  return context;
}

absl::StatusOr<flyteplug::v1::TaskContext> TaskContextFromJson(
    absl::string_view json) {
  if (absl::Status s = sdk::json::CheckLimits(json); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("task JSON: ", s.message()));
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("task JSON: invalid JSON at offset ", doc.GetErrorOffset(),
                     ": ", rapidjson::GetParseError_En(doc.GetParseError())));
  }
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(
        "task JSON: expected an object (a TaskContext or a TaskTemplate)");
  }
  const std::string text(json.data(), json.size());
  if (doc.HasMember("taskTemplate") || doc.HasMember("task_template")) {
    flyteplug::v1::TaskContext context;
    if (absl::Status s = ParseInto(text, "flyteplug.v1.TaskContext", &context);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckTaskType(context.task_template().type());
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("task JSON: taskTemplate.type: ", s.message()));
    }
    return context;
  }
  for (const char* key :
       {"type", "custom", "container", "k8sPod", "k8s_pod", "id"}) {
    if (doc.HasMember(key)) {
      flyteidl::core::TaskTemplate task_template;
      if (absl::Status s =
              ParseInto(text, "flyteidl.core.TaskTemplate", &task_template);
          !s.ok()) {
        return s;
      }
      if (absl::Status s = CheckTaskType(task_template.type()); !s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("task JSON: type: ", s.message()));
      }
      return DefaultContextFor(task_template);
    }
  }
  return absl::InvalidArgumentError(
      "task JSON: neither a TaskContext (no top-level 'taskTemplate') nor a "
      "TaskTemplate (none of 'type', 'custom', 'container', 'k8sPod', 'id')");
}

}  // namespace flyteplug::loader
