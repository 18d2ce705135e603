#include "job_manifest.h"

#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/arg_template.h"
#include "flyteplug/sdk/struct_json.h"

namespace k8s_job {
namespace {

using flyteplug::abi::google::protobuf::ListValue;
using flyteplug::abi::google::protobuf::Struct;
using flyteplug::abi::google::protobuf::Value;

void SetString(Struct* object, const std::string& key, std::string value) {
  (*object->mutable_fields())[key].set_string_value(std::move(value));
}

void SetNumber(Struct* object, const std::string& key, double value) {
  (*object->mutable_fields())[key].set_number_value(value);
}

Struct* SetObject(Struct* object, const std::string& key) {
  return (*object->mutable_fields())[key].mutable_struct_value();
}

ListValue* SetList(Struct* object, const std::string& key) {
  return (*object->mutable_fields())[key].mutable_list_value();
}

Struct StringMap(const google::protobuf::Map<std::string, std::string>& map) {
  Struct object;
  for (const auto& [key, value] : map) SetString(&object, key, value);
  return object;
}

// Kubernetes resource names of flyteidl.core.Resources.ResourceName.
absl::StatusOr<std::string> ResourceName(
    flyteplug::abi::flyteidl::core::Resources::ResourceName name,
    const std::string& where) {
  switch (name) {
    case flyteplug::abi::flyteidl::core::Resources::CPU:
      return std::string("cpu");
    case flyteplug::abi::flyteidl::core::Resources::MEMORY:
      return std::string("memory");
    case flyteplug::abi::flyteidl::core::Resources::GPU:
      return std::string("nvidia.com/gpu");
    case flyteplug::abi::flyteidl::core::Resources::STORAGE:
      return std::string("storage");
    case flyteplug::abi::flyteidl::core::Resources::EPHEMERAL_STORAGE:
      return std::string("ephemeral-storage");
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".name: unsupported resource name ", static_cast<int>(name)));
  }
}

absl::Status AddResourceList(
    const google::protobuf::RepeatedPtrField<
        flyteplug::abi::flyteidl::core::Resources::ResourceEntry>& entries,
    const std::string& where, Struct* out) {
  for (int i = 0; i < entries.size(); ++i) {
    const std::string entry_where = absl::StrCat(where, "[", i, "]");
    auto name = ResourceName(entries[i].name(), entry_where);
    if (!name.ok()) return name.status();
    if (entries[i].value().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(entry_where, ".value: empty quantity"));
    }
    SetString(out, *name, entries[i].value());
  }
  return absl::OkStatus();
}

absl::StatusOr<Struct> BuildResources(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  const flyteplug::abi::flyteidl::core::Resources* resources =
      &context.task_template().container().resources();
  std::string where = "taskTemplate.container.resources";
  const flyteplug::abi::flyteidl::core::Resources& overrides =
      context.metadata().overrides().resources();
  if (overrides.requests_size() > 0 || overrides.limits_size() > 0) {
    resources = &overrides;
    where = "metadata.overrides.resources";
  }
  Struct out;
  if (resources->requests_size() > 0) {
    absl::Status status =
        AddResourceList(resources->requests(), where + ".requests",
                        SetObject(&out, "requests"));
    if (!status.ok()) return status;
  }
  if (resources->limits_size() > 0) {
    absl::Status status = AddResourceList(
        resources->limits(), where + ".limits", SetObject(&out, "limits"));
    if (!status.ok()) return status;
  }
  return out;
}

std::string ServiceAccount(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const JobConfig& config) {
  const auto& metadata = context.metadata();
  if (!metadata.security_context().run_as().k8s_service_account().empty()) {
    return metadata.security_context().run_as().k8s_service_account();
  }
  if (!metadata.k8s_service_account().empty()) {
    return metadata.k8s_service_account();
  }
  return config.default_service_account;
}

}  // namespace

absl::StatusOr<Struct> BuildJob(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const JobConfig& config) {
  const flyteplug::abi::flyteidl::core::TaskTemplate& task =
      context.task_template();
  if (!task.has_container()) {
    return absl::InvalidArgumentError(
        "taskTemplate.container: missing; a k8s-job task needs a container");
  }
  const flyteplug::abi::flyteidl::core::Container& container = task.container();
  std::string image = context.metadata().overrides().container_image();
  if (image.empty()) image = container.image();
  if (image.empty()) {
    return absl::InvalidArgumentError("taskTemplate.container.image: empty");
  }
  const auto& metadata = context.metadata();
  if (metadata.generated_name().empty()) {
    return absl::InvalidArgumentError(
        "metadata.generatedName: empty; it names the Job");
  }

  Struct job = JobIdentity();
  Struct* meta = SetObject(&job, "metadata");
  SetString(meta, "name", metadata.generated_name());
  if (!metadata.namespace_().empty()) {
    SetString(meta, "namespace", metadata.namespace_());
  }
  if (!metadata.labels().empty()) {
    *SetObject(meta, "labels") = StringMap(metadata.labels());
  }
  if (!metadata.annotations().empty()) {
    *SetObject(meta, "annotations") = StringMap(metadata.annotations());
  }

  Struct* spec = SetObject(&job, "spec");
  SetNumber(spec, "backoffLimit", 0);
  if (task.metadata().has_timeout() &&
      task.metadata().timeout().seconds() > 0) {
    SetNumber(spec, "activeDeadlineSeconds",
              static_cast<double>(task.metadata().timeout().seconds()));
  }
  if (config.ttl_seconds_after_finished.has_value()) {
    SetNumber(spec, "ttlSecondsAfterFinished",
              static_cast<double>(*config.ttl_seconds_after_finished));
  }

  Struct* pod_template = SetObject(spec, "template");
  Struct* pod_meta = SetObject(pod_template, "metadata");
  if (!metadata.labels().empty()) {
    *SetObject(pod_meta, "labels") = StringMap(metadata.labels());
  }
  if (!metadata.annotations().empty()) {
    *SetObject(pod_meta, "annotations") = StringMap(metadata.annotations());
  }
  Struct* pod_spec = SetObject(pod_template, "spec");
  SetString(pod_spec, "restartPolicy", "Never");
  std::string service_account = ServiceAccount(context, config);
  if (!service_account.empty()) {
    SetString(pod_spec, "serviceAccountName", service_account);
  }

  Struct* main =
      SetList(pod_spec, "containers")->add_values()->mutable_struct_value();
  SetString(main, "name", "job");
  SetString(main, "image", image);
  if (container.command_size() > 0) {
    ListValue* command = SetList(main, "command");
    for (const std::string& part : container.command()) {
      command->add_values()->set_string_value(
          flyteplug::sdk::RenderArgTemplate(part, context));
    }
  }
  if (container.args_size() > 0) {
    ListValue* args = SetList(main, "args");
    for (const std::string& arg : container.args()) {
      args->add_values()->set_string_value(
          flyteplug::sdk::RenderArgTemplate(arg, context));
    }
  }
  if (container.env_size() > 0 || !metadata.environment_variables().empty()) {
    ListValue* env = SetList(main, "env");
    for (int i = 0; i < container.env_size(); ++i) {
      if (container.env(i).key().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("taskTemplate.container.env[", i, "].key: empty"));
      }
      Struct* var = env->add_values()->mutable_struct_value();
      SetString(var, "name", container.env(i).key());
      SetString(var, "value", container.env(i).value());
    }
    // A protobuf map has no stable order; sort for a deterministic manifest.
    std::map<std::string, std::string> extra(
        metadata.environment_variables().begin(),
        metadata.environment_variables().end());
    for (const auto& [key, value] : extra) {
      Struct* var = env->add_values()->mutable_struct_value();
      SetString(var, "name", key);
      SetString(var, "value", value);
    }
  }
  auto resources = BuildResources(context);
  if (!resources.ok()) return resources.status();
  if (resources->fields_size() > 0) *SetObject(main, "resources") = *resources;
  return job;
}

Struct JobIdentity() {
  Struct job;
  SetString(&job, "apiVersion", "batch/v1");
  SetString(&job, "kind", "Job");
  return job;
}

absl::StatusOr<std::string> ToJson(const Struct& object) {
  return flyteplug::sdk::StructToJson(object);
}

}  // namespace k8s_job
