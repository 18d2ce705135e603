#include "spark_application.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/flytek8s/pod_spec.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_merge.h"
#include "flyteplug/sdk/json_writer.h"
#include "role_spec.h"
#include "spark_conf.h"
#include "spark_job.h"

namespace flyteplug::spark {

namespace json = ::flyteplug::sdk::json;
using ::flyteplug::flytek8s::AddRequiredNodeSelectorRequirement;
using ::flyteplug::flytek8s::CopyPreparedPod;
using ::flyteplug::flytek8s::PreparePodSpec;
namespace {

using json::Value;

const char* TypeName(int32_t application_type) {
  switch (application_type) {
    case 1:
      return "Java";
    case 2:
      return "Scala";
    case 3:
      return "R";
    default:
      return "Python";  // PYTHON and unknown numbers, as Flyte does
  }
}

// Step 1, validate: Flyte's BuildResource checks. Returns the SparkJob of
// taskTemplate.custom, which has a main application file or class, for a
// task whose execution has a name.
absl::StatusOr<SparkJobSpec> ValidatedSparkJob(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  const flyteplug::abi::flyteidl::core::TaskTemplate& task =
      context.task_template();
  if (!task.has_custom()) {
    return absl::InvalidArgumentError(
        "invalid TaskSpecification [taskTemplate.custom], failed to "
        "unmarshal: nil Struct object passed (a spark task needs a SparkJob "
        "in taskTemplate.custom)");
  }
  absl::StatusOr<SparkJobSpec> job = ParseSparkJob(task.custom());
  if (!job.ok()) return job.status();
  if (job->main_application_file.empty() && job->main_class.empty()) {
    return absl::InvalidArgumentError(
        "invalid TaskSpecification [taskTemplate.custom]: either "
        "MainApplicationFile or MainClass must be set");
  }
  if (context.metadata().generated_name().empty()) {
    return absl::InvalidArgumentError(
        "metadata.generatedName is empty: the SparkApplication needs a name");
  }
  return job;
}

// Step 5, the object's metadata, as propeller's PluginManager adds it:
// name, namespace, labels and annotations (platform defaults, the task's,
// then the execution's) and the finalizer when `inject-finalizer`.
Value ObjectMetadata(const BuildInputs& in) {
  const flyteplug::abi::flyteplug::v1::TaskExecutionMetadata& metadata =
      in.context.metadata();
  json::Allocator& allocator = in.allocator;
  Value object_meta(rapidjson::kObjectType);
  json::Set(
      object_meta, "name",
      json::String(ToDns1123Subdomain(metadata.generated_name()), allocator),
      allocator);
  if (!metadata.namespace_().empty()) {
    json::Set(object_meta, "namespace",
              json::String(metadata.namespace_(), allocator), allocator);
  }
  const auto& task_meta = in.context.task_template().metadata().metadata();
  json::StringMapMerger labels;
  labels.Add(in.k8s.default_labels);
  labels.Add(task_meta.labels());
  labels.Add(metadata.labels());
  json::StringMapMerger annotations;
  annotations.Add(in.k8s.default_annotations);
  annotations.Add(task_meta.annotations());
  annotations.Add(metadata.annotations());
  if (!labels.empty()) {
    object_meta.AddMember("labels", labels.Build(allocator), allocator);
  }
  if (!annotations.empty()) {
    object_meta.AddMember("annotations", annotations.Build(allocator),
                          allocator);
  }
  if (in.k8s.inject_finalizer) {
    Value finalizers(rapidjson::kArrayType);
    finalizers.PushBack("flyte.org/finalizer-k8s", allocator);
    object_meta.AddMember("finalizers", finalizers, allocator);
  }
  return object_meta;
}

// Step 6, the SparkApplicationSpec. The application's image and arguments
// are the executor's. Takes the roles' specs and `executor_args` (moved
// out).
Value ApplicationSpec(const SparkJobSpec& job, const SparkPluginConfig& spark,
                      const std::map<std::string, std::string>& conf,
                      Value& executor_args, Role& driver, Role& executor,
                      json::Allocator& allocator) {
  Value app(rapidjson::kObjectType);
  app.AddMember("type", rapidjson::StringRef(TypeName(job.application_type)),
                allocator);
  app.AddMember("mode", "cluster", allocator);
  app.AddMember("image", Value(*json::Find(executor.spec, "image"), allocator),
                allocator);
  if (executor_args.IsArray() && !executor_args.Empty()) {
    app.AddMember("arguments", executor_args, allocator);
  }
  if (!job.main_application_file.empty()) {
    json::Set(app, "mainApplicationFile",
              json::String(job.main_application_file, allocator), allocator);
  }
  if (!job.main_class.empty()) {
    json::Set(app, "mainClass", json::String(job.main_class, allocator),
              allocator);
  }
  json::Set(app, "sparkVersion", json::String(spark.spark_version, allocator),
            allocator);
  if (auto it = conf.find("spark.batchScheduler"); it != conf.end()) {
    json::Set(app, "batchScheduler", json::String(it->second, allocator),
              allocator);
  }
  app.AddMember("sparkConf", json::StringMap(conf, allocator), allocator);
  if (!job.hadoop_conf.empty()) {
    app.AddMember("hadoopConf", json::StringMap(job.hadoop_conf, allocator),
                  allocator);
  }
  Value restart(rapidjson::kObjectType);
  restart.AddMember("type", "OnFailure", allocator);
  // Flyte v1's fixed value: the operator retries a failed submission (e.g.
  // quota) 14 times; run failures are left to Flyte's own retries.
  restart.AddMember("onSubmissionFailureRetries", 14, allocator);
  app.AddMember("restartPolicy", restart, allocator);
  app.AddMember("driver", driver.spec, allocator);
  app.AddMember("executor", executor.spec, allocator);
  return app;
}

}  // namespace

std::string ToDns1123Subdomain(absl::string_view name) {
  auto valid = [](absl::string_view n) {
    if (n.empty() || n.size() > 253) return false;  // DNS-1123 subdomain limit
    for (char c : n) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.')) {
        return false;
      }
    }
    auto alnum = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    return alnum(n.front()) && alnum(n.back());
  };
  if (valid(name)) return std::string(name);
  // camelCase -> kebab-case, lower case, drop invalid, trim, cut.
  std::string kebab;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (i > 0 && absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        (absl::ascii_islower(static_cast<unsigned char>(name[i - 1])) ||
         absl::ascii_isdigit(static_cast<unsigned char>(name[i - 1])))) {
      kebab.push_back('-');
    }
    kebab.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  std::string out;
  for (char c : kebab) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.') {
      out.push_back(c);
    }
  }
  size_t begin = out.find_first_not_of(".-");
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of(".-");
  out = out.substr(begin, end - begin + 1);
  if (out.size() > 253) out.resize(253);
  return out;
}

absl::StatusOr<std::unique_ptr<SparkApplicationBuilder>>
SparkApplicationBuilder::Create(ModuleConfig config) {
  std::unique_ptr<SparkApplicationBuilder> builder(
      new SparkApplicationBuilder(std::move(config)));
  if (builder->config_.spark.validate_manifest) {
    if (absl::Status s = builder->CheckPlatformObjects(); !s.ok()) return s;
  }
  return builder;
}

absl::StatusOr<const ManifestValidator*> SparkApplicationBuilder::Validator() {
  absl::StatusOr<const ManifestValidator*> validator =
      ManifestValidator::Embedded();
  if (!validator.ok()) {
    return absl::InternalError(absl::StrCat(
        "embedded SparkApplication schema: ", validator.status().message()));
  }
  return validator;
}

absl::Status SparkApplicationBuilder::CheckPlatformObjects() const {
  const K8sPluginConfig& k8s = config_.k8s;
  // Each Kubernetes object of plugins.k8s is placed where it ends up in a
  // SparkApplication and checked against the CRD schema, so a bad platform
  // value fails init (naming the key) instead of every task.
  struct Probe {
    std::string key;    // plugins.k8s.<key> (+ suffix)
    const char* field;  // driver field the value lands in
    const json::Value* value;
    bool requirement;  // a NodeSelectorRequirement
    bool toleration;   // one toleration
  };
  std::vector<Probe> probes = {
      {"default-affinity", "affinity", &k8s.default_affinity, false, false},
      {"interruptible-node-selector-requirement", "affinity",
       &k8s.interruptible_node_selector_requirement, true, false},
      {"non-interruptible-node-selector-requirement", "affinity",
       &k8s.non_interruptible_node_selector_requirement, true, false},
      {"gpu-unpartitioned-node-selector-requirement", "affinity",
       &k8s.gpu_unpartitioned_node_selector_requirement, true, false},
      {"default-pod-security-context", "podSecurityContext",
       &k8s.default_pod_security_context, false, false},
      {"default-security-context", "securityContext",
       &k8s.default_security_context, false, false},
      {"default-pod-dns-config", "dnsConfig", &k8s.default_pod_dns_config,
       false, false},
      {"gpu-unpartitioned-toleration", "tolerations",
       &k8s.gpu_unpartitioned_toleration, false, true},
      {"default-tolerations", "tolerations", &k8s.default_tolerations, false,
       false},
      {"interruptible-tolerations", "tolerations",
       &k8s.interruptible_tolerations, false, false},
  };
  for (auto it = k8s.resource_tolerations.MemberBegin();
       it != k8s.resource_tolerations.MemberEnd(); ++it) {
    probes.push_back(
        {absl::StrCat("resource-tolerations.", it->name.GetString()),
         "tolerations", &it->value, false, false});
  }
  for (const Probe& probe : probes) {
    if (probe.value->IsNull()) continue;
    // An empty list lands as an empty `tolerations` array, which the schema
    // accepts (tests/spark/manifest_validator_test.cc): no need to compile
    // the schema at init for it.
    if (!probe.toleration && probe.value->IsArray() && probe.value->Empty()) {
      continue;
    }
    rapidjson::Document manifest;
    manifest.Parse(R"({"metadata":{},"spec":{"type":"Python",
        "mainApplicationFile":"a","sparkVersion":"","executor":{},
        "driver":{}}})");
    json::Allocator& allocator = manifest.GetAllocator();
    Value placed(*probe.value, allocator);
    std::string prefix = absl::StrCat("spec.driver.", probe.field);
    if (probe.requirement) {
      Value affinity(rapidjson::kObjectType);
      AddRequiredNodeSelectorRequirement(affinity, placed, false, allocator);
      placed = affinity;
      prefix = absl::StrCat(
          prefix,
          ".nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
          "nodeSelectorTerms[0].matchExpressions[0]");
    } else if (probe.toleration) {
      Value list(rapidjson::kArrayType);
      list.PushBack(placed, allocator);
      placed = list;
      prefix = absl::StrCat(prefix, "[0]");
    }
    json::Set(manifest["spec"]["driver"], probe.field, std::move(placed),
              allocator);
    absl::StatusOr<const ManifestValidator*> validator = Validator();
    if (!validator.ok()) return validator.status();
    std::optional<ManifestValidator::Violation> violation =
        (*validator)->FindViolation(manifest);
    if (!violation.has_value()) continue;
    std::string where = violation->path;
    if (absl::StartsWith(where, prefix)) where = where.substr(prefix.size());
    return absl::InvalidArgumentError(
        absl::StrCat("plugins.k8s.", probe.key, where, ": ", violation->detail,
                     " (checked against the "
                     "SparkApplication CRD schema)"));
  }
  return absl::OkStatus();
}

std::string SparkApplicationBuilder::BuildIdentityResource() {
  return absl::StrCat("{\"apiVersion\":\"", kSparkApiVersion, "\",\"kind\":\"",
                      kSparkKind, "\"}");
}

absl::StatusOr<std::string> SparkApplicationBuilder::BuildResource(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    int64_t now_unix_nanos) const {
  rapidjson::Document manifest;
  if (absl::Status s =
          BuildResourceDocument(context, now_unix_nanos, &manifest);
      !s.ok()) {
    return s;
  }
  // Deterministic output (improvement 1): keys sorted, same input same bytes.
  return json::Write(manifest);
}

absl::Status SparkApplicationBuilder::BuildResourceDocument(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    int64_t now_unix_nanos, rapidjson::Document* manifest) const {
  const SparkPluginConfig& spark = config_.spark;
  const flyteplug::abi::flyteplug::v1::TaskExecutionMetadata& metadata =
      context.metadata();
  // 1. Validate.
  absl::StatusOr<SparkJobSpec> job = ValidatedSparkJob(context);
  if (!job.ok()) return job.status();
  // 2. sparkConf (`user-spark-conf-wins`, `sanitize-pod-name-prefix`).
  std::map<std::string, std::string> conf =
      AssembleSparkConf(*job, spark, metadata.generated_name(), now_unix_nanos);

  manifest->SetObject();
  json::Allocator& allocator = manifest->GetAllocator();
  const BuildInputs in{context, spark, config_.k8s, allocator};
  // 3-4. The driver's and executor's specs, with their pod templates.
  Role driver(/*is_driver=*/true, job->driver_pod, /*is_interruptible=*/false);
  Role executor(/*is_driver=*/false, job->executor_pod,
                metadata.interruptible());
  // Both roles start from one pod: ToK8sPodSpec up to IsInterruptible().
  absl::StatusOr<PreparedPod> prepared =
      PreparePodSpec(context, config_.k8s, allocator);
  if (!prepared.ok()) return prepared.status();
  Value executor_args;
  for (Role* role : {&driver, &executor}) {
    absl::StatusOr<const Value*> container =
        BuildRoleSpec(in, conf,
                      role->driver ? CopyPreparedPod(*prepared, allocator)
                                   : *std::move(prepared),
                      *role);
    if (!container.ok()) return container.status();
    const Value* args = json::Find(**container, "args");
    if (!role->driver && args != nullptr && args->IsArray()) {
      executor_args = json::Copy(*args, allocator);
    }
    PruneEmptyRoleMaps(role->spec);
  }
  if (spark.enable_pod_template) {
    conf["spark.kubernetes.driver.podTemplateContainerName"] =
        driver.template_container;
    conf["spark.kubernetes.executor.podTemplateContainerName"] =
        executor.template_container;
  }
  // 5-6. Metadata and the application.
  Value object_meta = ObjectMetadata(in);
  Value app = ApplicationSpec(*job, spark, conf, executor_args, driver,
                              executor, allocator);
  manifest->AddMember("apiVersion", rapidjson::StringRef(kSparkApiVersion),
                      allocator);
  manifest->AddMember("kind", rapidjson::StringRef(kSparkKind), allocator);
  manifest->AddMember("metadata", object_meta, allocator);
  manifest->AddMember("spec", app, allocator);
  // `validate-manifest`: nothing the CRD would reject.
  if (!spark.validate_manifest) return absl::OkStatus();
  absl::StatusOr<const ManifestValidator*> validator = Validator();
  if (!validator.ok()) return validator.status();
  return (*validator)->Validate(*manifest);
}

}  // namespace flyteplug::spark
