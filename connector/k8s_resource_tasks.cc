#include "k8s_resource_tasks.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "k8s_finalizer.h"
#include "k8s_manifest.h"
#include "task_context_builder.h"

namespace flyteplug::connector {
namespace {

// Deterministic bytes of `context` for the loader.
absl::StatusOr<std::string> SerializeContext(
    const flyteplug::v1::TaskContext& context) {
  std::string bytes;
  if (!sdk::boundary::SerializeDeterministic(context, &bytes)) {
    return absl::InternalError("the TaskContext does not serialize");
  }
  return bytes;
}

K8sResourceMeta MetaFor(const flyteplug::v1::TaskContext& context,
                        const std::string& cluster, const std::string& kind,
                        kube::ObjectRef ref) {
  K8sResourceMeta meta;
  meta.cluster = cluster;
  meta.kind = kind;
  meta.object = std::move(ref);
  const flyteplug::v1::TaskExecutionMetadata& metadata = context.metadata();
  meta.task_execution_id = metadata.task_execution_id();
  meta.unique_node_id = metadata.unique_node_id();
  meta.generated_name = metadata.generated_name();
  for (const auto& [key, value] : context.task_template().config()) {
    meta.task_config[key] = value;
  }
  return meta;
}

// The PhaseInfo of a task whose object is gone.
flyteplug::v1::PhaseInfo VanishedPhase(const K8sResourceMeta& meta) {
  flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::v1::RETRYABLE_FAILURE);
  flyteidl::core::ExecutionError* error = info.mutable_error();
  error->set_code(std::string(kResourceDeletedExternally));
  error->set_kind(flyteidl::core::ExecutionError::SYSTEM);
  error->set_message(absl::StrCat(DescribeObject(meta),
                                  " not found: it was deleted outside Flyte"));
  info.set_reason(error->message());
  return info;
}

}  // namespace

std::string DescribeObject(const K8sResourceMeta& meta) {
  return absl::StrCat(meta.kind, " ", meta.object.namespace_name, "/",
                      meta.object.name);
}

K8sResourceTasks::K8sResourceTasks(const LoaderClient& loader,
                                   const KubeAccess& kube)
    : loader_(loader), kube_(kube) {}

absl::StatusOr<std::string> K8sResourceTasks::Create(
    const LoaderClient::ModuleInfo& module,
    const flyteplug::v1::TaskContext& task_context,
    const kube::CallControl& control) const {
  absl::StatusOr<std::string> context_bytes = SerializeContext(task_context);
  if (!context_bytes.ok()) return context_bytes.status();
  absl::StatusOr<std::string> manifest_json =
      loader_.BuildResource(*context_bytes);
  if (!manifest_json.ok()) return manifest_json.status();
  const std::string key =
      TaskExecutionKey(task_context.metadata().task_execution_id());
  absl::StatusOr<PreparedManifest> manifest = PrepareManifest(
      module.id, *manifest_json, task_context.metadata().namespace_(), key);
  if (!manifest.ok()) return manifest.status();
  absl::StatusOr<kube::ObjectRef> ref =
      kube_.resolve(manifest->api_version, manifest->kind,
                    manifest->namespace_name, manifest->name, control);
  if (!ref.ok()) return ref.status();
  K8sResourceMeta meta = MetaFor(task_context, kube_.api->cluster_name(),
                                 manifest->kind, *std::move(ref));
  // Encoded before the create, so a meta that cannot be returned never
  // leaves an object behind.
  absl::StatusOr<std::string> meta_bytes = EncodeK8sResourceMeta(meta);
  if (!meta_bytes.ok()) return meta_bytes.status();
  absl::StatusOr<std::string> created =
      kube_.api->Create(meta.object, manifest->json, control);
  if (absl::IsAlreadyExists(created.status())) {
    if (absl::Status adopted = AdoptExisting(meta, key, control);
        !adopted.ok()) {
      return adopted;
    }
  } else if (!created.ok()) {
    return created.status();
  }
  return meta_bytes;
}

absl::Status K8sResourceTasks::AdoptExisting(
    const K8sResourceMeta& meta, absl::string_view task_execution_key,
    const kube::CallControl& control) const {
  const std::string what = DescribeObject(meta);
  absl::StatusOr<std::string> existing = kube_.api->Get(meta.object, control);
  if (absl::IsNotFound(existing.status())) {
    return absl::UnavailableError(absl::StrCat(
        what,
        " already existed but was gone when read back (being deleted); "
        "retry the create"));
  }
  if (!existing.ok()) return existing.status();
  absl::StatusOr<ObservedObject> observed =
      ReadObservedObject(absl::StrCat("existing ", what), *existing);
  if (!observed.ok()) return observed.status();
  if (observed->kind != meta.kind ||
      observed->task_execution_key != task_execution_key) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " already exists and belongs to another task execution (",
        kTaskExecutionAnnotation, " is \"", observed->task_execution_key,
        "\", this task execution is \"", task_execution_key,
        "\"); it was not changed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<K8sResourceMeta> K8sResourceTasks::DecodeForThisCluster(
    absl::string_view resource_meta) const {
  absl::StatusOr<K8sResourceMeta> meta = DecodeK8sResourceMeta(resource_meta);
  if (!meta.ok()) return meta.status();
  if (meta->cluster != kube_.api->cluster_name()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resource_meta: ", DescribeObject(*meta), " is in cluster \"",
        meta->cluster, "\", but this connector talks to cluster \"",
        kube_.api->cluster_name(), "\""));
  }
  return meta;
}

absl::StatusOr<flyteplug::v1::PhaseInfo> K8sResourceTasks::Get(
    absl::string_view task_type, int32_t task_type_version,
    absl::string_view output_prefix, absl::string_view resource_meta,
    const kube::CallControl& control) const {
  absl::StatusOr<K8sResourceMeta> meta = DecodeForThisCluster(resource_meta);
  if (!meta.ok()) return meta.status();
  absl::StatusOr<std::string> object = kube_.api->Get(meta->object, control);
  if (absl::IsNotFound(object.status())) return VanishedPhase(*meta);
  if (!object.ok()) return object.status();

  flyteplug::v1::TaskContext context =
      TaskContextForStatus(task_type, task_type_version, output_prefix);
  flyteplug::v1::TaskExecutionMetadata* metadata = context.mutable_metadata();
  *metadata->mutable_task_execution_id() = meta->task_execution_id;
  metadata->set_unique_node_id(meta->unique_node_id);
  metadata->set_generated_name(meta->generated_name);
  metadata->set_namespace_(meta->object.namespace_name);
  context.mutable_task_template()->mutable_config()->insert(
      meta->task_config.begin(), meta->task_config.end());
  absl::StatusOr<std::string> context_bytes = SerializeContext(context);
  if (!context_bytes.ok()) return context_bytes.status();
  absl::StatusOr<std::string> phase_bytes =
      loader_.GetTaskPhase(*context_bytes, *object);
  if (!phase_bytes.ok()) return phase_bytes.status();
  flyteplug::v1::PhaseInfo info;
  if (!info.ParseFromString(*phase_bytes)) {
    return absl::InternalError(
        absl::StrCat("the module for task type ", task_type,
                     " returned a PhaseInfo that does not parse"));
  }
  return info;
}

absl::Status K8sResourceTasks::Delete(absl::string_view resource_meta,
                                      const kube::CallControl& control) const {
  absl::StatusOr<K8sResourceMeta> meta = DecodeForThisCluster(resource_meta);
  if (!meta.ok()) return meta.status();
  const std::string what = DescribeObject(*meta);
  absl::StatusOr<std::string> object = kube_.api->Get(meta->object, control);
  if (absl::IsNotFound(object.status())) return absl::OkStatus();
  if (!object.ok()) return object.status();
  if (absl::Status removed = RemoveFlyteFinalizer(*kube_.api, meta->object,
                                                  what, *object, control);
      !removed.ok()) {
    return removed;
  }
  absl::Status deleted = kube_.api->Delete(meta->object, control);
  if (absl::IsNotFound(deleted)) return absl::OkStatus();
  return deleted;
}

}  // namespace flyteplug::connector
