#include "request_builder.h"

#include <openssl/sha.h>

#include <cstdint>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/arg_template.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "flyteplug/sdk/struct_rapidjson.h"
#include "instance.h"
#include "rapidjson/document.h"
#include "secret.h"
#include "spark_job.h"

namespace flyteplug::databricks {
namespace {

namespace json = ::flyteplug::sdk::json;
using flyteplug::abi::google::protobuf::Struct;
using flyteplug::abi::google::protobuf::Value;
using json::Allocator;

constexpr absl::string_view kCustom = "taskTemplate.custom";
constexpr absl::string_view kConf = "taskTemplate.custom.databricksConf";

// The custom field spelled `camel` (proto3 JSON name) or `snake` (proto
// field name); null when absent.
const Value* Field(const Struct& s, absl::string_view camel,
                   absl::string_view snake) {
  for (absl::string_view key : {camel, snake}) {
    if (key.empty()) continue;
    auto it = s.fields().find(std::string(key));
    if (it != s.fields().end()) return &it->second;
  }
  return nullptr;
}

absl::Status CustomTypeError(absl::string_view field,
                             absl::string_view expected, const Value& got) {
  return absl::InvalidArgumentError(
      absl::StrCat(kCustom, ".", field, ": expected ", expected, ", got ",
                   sdk::DescribeKind(got)));
}

// Reads an optional string field of `custom`.
absl::StatusOr<std::string> StringField(const Struct& custom,
                                        absl::string_view camel,
                                        absl::string_view snake) {
  const Value* v = Field(custom, camel, snake);
  if (v == nullptr || v->kind_case() == Value::kNullValue) return std::string();
  if (v->kind_case() != Value::kStringValue) {
    return CustomTypeError(camel, "a string", *v);
  }
  return v->string_value();
}

// Python truthiness of a JSON value, as flytekit tests `if not x`.
bool Truthy(const rapidjson::Value* v) {
  if (v == nullptr || v->IsNull()) return false;
  if (v->IsBool()) return v->GetBool();
  if (v->IsNumber()) return v->GetDouble() != 0;
  if (v->IsString()) return v->GetStringLength() > 0;
  if (v->IsObject()) return v->MemberCount() > 0;
  return !v->Empty();
}

// Removes `key` and returns its value (null when absent).
rapidjson::Value Pop(rapidjson::Value& object, const char* key) {
  rapidjson::Value out;
  auto it = object.FindMember(key);
  if (it != object.MemberEnd()) {
    out = std::move(it->value);
    object.RemoveMember(it);
  }
  return out;
}

// A type error on a databricksConf member (`suffix` starts with '.').
absl::Status ConfTypeError(absl::string_view suffix, absl::string_view expected,
                           const rapidjson::Value& got) {
  return json::TypeError(absl::StrCat(kConf, suffix), expected, got);
}

// Returns `object[key]` as an object, creating it when absent or null; a
// type error naming `path` when it holds something else.
absl::StatusOr<rapidjson::Value*> EnsureObject(rapidjson::Value& object,
                                               absl::string_view key,
                                               absl::string_view path,
                                               Allocator& a) {
  rapidjson::Value& member =
      json::Ensure(object, key, rapidjson::kObjectType, a);
  if (!member.IsObject()) return json::TypeError(path, "an object", member);
  return &member;
}

// Merges `env` into the string map `target` (Flyte's values win).
void MergeEnv(const std::vector<std::pair<std::string, std::string>>& env,
              rapidjson::Value& target, Allocator& a) {
  for (const auto& [key, value] : env) {
    json::Set(target, key, json::String(value, a), a);
  }
}

std::string Hex(const unsigned char* data, size_t size) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(data), size));
}

// The workspace and the token of the request: task values (the token only
// when the configuration allows it), else the configuration's.
absl::Status ResolveWorkspace(const Struct& custom,
                              const DatabricksConfig& config,
                              absl::string_view env_instance,
                              SubmitRequest* request) {
  absl::StatusOr<std::string> task_instance =
      StringField(custom, "databricksInstance", "databricks_instance");
  if (!task_instance.ok()) return task_instance.status();
  absl::StatusOr<std::string> instance =
      ResolveInstance(*task_instance, config.databricks_instance, env_instance);
  if (!instance.ok()) return instance.status();
  request->instance = *instance;
  request->url = absl::StrCat(request->instance, kJobsApiPrefix, "/submit");

  absl::StatusOr<std::string> task_token =
      StringField(custom, "databricksToken", "databricks_token");
  if (!task_token.ok()) return task_token.status();
  if (task_token->empty()) return absl::OkStatus();
  if (config.allow_token_in_task) {
    if (absl::Status s = ValidateBearerToken(
            *task_token, "taskTemplate.custom.databricksToken",
            absl::StatusCode::kInvalidArgument);
        !s.ok()) {
      return s;
    }
    request->task_token = *task_token;
  } else {
    request->warnings.push_back(
        "taskTemplate.custom.databricksToken is set but ignored "
        "(plugins.databricks.allowTokenInTask is false); the token comes "
        "from the secret plugins.databricks.databricksTokenKey");
  }
  return absl::OkStatus();
}

// The fields Jobs API 2.1 defines inside a runs/submit task (SubmitTask)
// and not at the run level (SubmitRun), plus flytekit's own `python_file`:
// where a databricksConf holds one of them at the top level (the legacy
// single-task form) it belongs to the task. Fields both levels define
// (timeout_seconds, health, email_notifications, notification_settings,
// webhook_notifications) stay where the user wrote them; unknown keys stay
// at the run level.
constexpr const char* kTaskOnlyFields[] = {
    "ai_runtime_task",
    "alert_task",
    "clean_rooms_notebook_task",
    "compute",
    "condition_task",
    "dashboard_task",
    "dbt_cloud_task",
    "dbt_platform_task",
    "dbt_task",
    "depends_on",
    "description",
    "disable_auto_optimization",
    "disabled",
    "environment_key",
    "existing_cluster_id",
    "for_each_task",
    "gen_ai_compute_task",
    "libraries",
    "max_retries",
    "min_retry_interval_millis",
    "new_cluster",
    "notebook_task",
    "pipeline_task",
    "power_bi_task",
    "python_file",
    "python_operator_task",
    "python_wheel_task",
    "retry_on_timeout",
    "run_if",
    "run_job_task",
    "spark_jar_task",
    "spark_python_task",
    "spark_submit_task",
    "sql_task",
    "task_key",
};

// databricksConf split by level: `run` holds the run-level members (the
// request body being built), `task` the members of the run's one task
// (allocated from run's allocator).
struct JobSpec {
  rapidjson::Document run;
  rapidjson::Value task{rapidjson::kObjectType};
  // Where the task's fields were written: "" (top level) or ".tasks[0]".
  std::string task_path;
};

// The job spec: databricksConf as JSON in either form, normalised into
// `spec` (README.md, "The runs/submit request").
absl::Status JobSpecFromConf(const Struct& custom, JobSpec* spec) {
  const Value* conf = Field(custom, "databricksConf", "databricks_conf");
  if (conf == nullptr || conf->kind_case() == Value::kNullValue) {
    return absl::InvalidArgumentError(
        absl::StrCat(kConf,
                     ": missing; set databricks_conf in the task's Databricks "
                     "config"));
  }
  if (conf->kind_case() != Value::kStructValue) {
    return CustomTypeError("databricksConf", "an object", *conf);
  }
  rapidjson::Document& run = spec->run;
  Allocator& a = run.GetAllocator();
  static_cast<rapidjson::Value&>(run) =
      sdk::ToRapidJson(conf->struct_value(), a);
  rapidjson::Value tasks = Pop(run, "tasks");
  if (!tasks.IsNull()) {
    if (!tasks.IsArray()) return ConfTypeError(".tasks", "an array", tasks);
    if (tasks.Size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          kConf, ".tasks: ", tasks.Size(),
          " tasks given; a Flyte task runs as exactly one Databricks task "
          "(give one entry, or the task's fields at the top level)"));
    }
    if (!tasks[0].IsObject()) {
      return ConfTypeError(".tasks[0]", "an object", tasks[0]);
    }
    spec->task = std::move(tasks[0]);
    spec->task_path = ".tasks[0]";
  }
  for (const char* key : kTaskOnlyFields) {
    auto it = run.FindMember(key);
    if (it == run.MemberEnd()) continue;
    if (spec->task.HasMember(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          kConf, ".", key, ": also set in ", kConf, ".tasks[0]; give it once"));
    }
    spec->task.AddMember(rapidjson::Value(key, a), std::move(it->value), a);
    run.RemoveMember(it);
  }
  return absl::OkStatus();
}

// What the task's container contributes: image, env (with
// FLYTE_FAIL_ON_ERROR=true) and rendered args.
struct ContainerParts {
  std::string image;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> args;
};

absl::StatusOr<ContainerParts> ReadContainer(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  const auto& task = context.task_template();
  if (!task.has_container()) {
    return absl::InvalidArgumentError(
        "taskTemplate.container: missing; a Databricks task needs a "
        "container (image and pyflyte-execute args)");
  }
  const auto& container = task.container();
  ContainerParts parts;
  parts.image = context.metadata().overrides().container_image();
  if (parts.image.empty()) parts.image = container.image();
  for (const auto& kv : container.env()) {
    parts.env.emplace_back(kv.key(), kv.value());
  }
  bool has_fail_flag = false;
  for (auto& kv : parts.env) {
    if (kv.first == "FLYTE_FAIL_ON_ERROR") {
      kv.second = "true";
      has_fail_flag = true;
    }
  }
  if (!has_fail_flag) parts.env.emplace_back("FLYTE_FAIL_ON_ERROR", "true");
  parts.args = sdk::RenderArgTemplates(container.args(), context);
  return parts;
}

// Which compute the job spec names.
struct Compute {
  bool existing_cluster = false;
  bool serverless = false;  // environment_key / environments, no cluster
};

absl::StatusOr<Compute> ChooseCompute(const JobSpec& spec) {
  auto present = [&spec](const char* key) {
    const rapidjson::Value* v = json::Find(spec.task, key);
    return v != nullptr && !v->IsNull();
  };
  Compute compute;
  compute.existing_cluster = present("existing_cluster_id");
  const bool has_cluster = compute.existing_cluster || present("new_cluster");
  compute.serverless =
      !has_cluster && (Truthy(json::Find(spec.task, "environment_key")) ||
                       Truthy(json::Find(spec.run, "environments")));
  if (!has_cluster && !compute.serverless) {
    return absl::InvalidArgumentError(absl::StrCat(
        kConf,
        ": no compute configuration found; provide one of "
        "existing_cluster_id, new_cluster, environment_key, environments"));
  }
  return compute;
}

// The run's task: `kind` ("notebook_task", "spark_python_task" or
// "spark_jar_task"), its payload, and the git_source to send (null: none).
struct RunTask {
  const char* kind = nullptr;
  rapidjson::Value payload{rapidjson::kObjectType};
  rapidjson::Value git_source;
};

absl::Status NotebookTask(const Struct& custom, const std::string& path,
                          rapidjson::Value user_git_source, Allocator& a,
                          RunTask* task) {
  task->kind = "notebook_task";
  task->payload.AddMember("notebook_path", json::String(path, a), a);
  const Value* params =
      Field(custom, "notebookBaseParameters", "notebook_base_parameters");
  if (params != nullptr && params->kind_case() != Value::kNullValue) {
    if (params->kind_case() != Value::kStructValue) {
      return CustomTypeError("notebookBaseParameters", "an object", *params);
    }
    if (params->struct_value().fields_size() > 0) {
      task->payload.AddMember("base_parameters",
                              sdk::ToRapidJson(params->struct_value(), a), a);
    }
  }
  if (user_git_source.IsObject()) {
    task->payload.AddMember("source", "GIT", a);
    task->git_source = std::move(user_git_source);
  }
  return absl::OkStatus();
}

// `args` as a JSON array of strings.
rapidjson::Value StringArray(const std::vector<std::string>& args,
                             Allocator& a) {
  rapidjson::Value array(rapidjson::kArrayType);
  for (const std::string& arg : args) array.PushBack(json::String(arg, a), a);
  return array;
}

// flytekit's spark_python_task: the entrypoint (the task's python_file, the
// configured entrypointFile, or flytekit's own from the pinned repository)
// with the container args as parameters.
absl::Status SparkPythonTask(const Struct& custom,
                             const DatabricksConfig& config,
                             const ContainerParts& container, bool serverless,
                             rapidjson::Value user_python_file,
                             rapidjson::Value user_git_source, Allocator& a,
                             RunTask* task) {
  task->kind = "spark_python_task";
  std::string python_file;
  bool default_repo = false;
  if (!user_python_file.IsNull()) {
    if (!user_python_file.IsString() ||
        user_python_file.GetStringLength() == 0) {
      return ConfTypeError(".python_file", "a non-empty string",
                           user_python_file);
    }
    python_file = user_python_file.GetString();
  } else if (!config.entrypoint_file.empty()) {
    python_file = config.entrypoint_file;
  } else {
    python_file =
        serverless ? kDefaultServerlessEntrypoint : kDefaultEntrypoint;
    default_repo = true;
  }
  if (user_git_source.IsObject()) {
    task->git_source = std::move(user_git_source);
  } else if (default_repo) {
    task->git_source.SetObject();
    task->git_source.AddMember("git_url", kDefaultGitUrl, a);
    task->git_source.AddMember("git_provider", kDefaultGitProvider, a);
    task->git_source.AddMember("git_commit", kDefaultGitCommit, a);
  }
  task->payload.AddMember("python_file", json::String(python_file, a), a);
  if (task->git_source.IsObject()) task->payload.AddMember("source", "GIT", a);
  rapidjson::Value parameters = StringArray(container.args, a);
  if (serverless) {
    absl::StatusOr<std::string> provider =
        StringField(custom, "databricksServiceCredentialProvider",
                    "databricks_service_credential_provider");
    if (!provider.ok()) return provider.status();
    if (!provider->empty()) {
      parameters.PushBack(
          json::String(absl::StrCat("--flyte-credential-provider=", *provider),
                       a),
          a);
    }
  }
  task->payload.AddMember("parameters", std::move(parameters), a);
  return absl::OkStatus();
}

// Whether the task's `libraries` (an array) has a {"jar": ...} entry; when
// `jar` is not empty, whether it has {"jar": jar}.
bool HasJarLibrary(const rapidjson::Value& libraries, absl::string_view jar) {
  for (const rapidjson::Value& library : libraries.GetArray()) {
    const rapidjson::Value* entry =
        library.IsObject() ? json::Find(library, "jar") : nullptr;
    if (entry != nullptr && entry->IsString() &&
        (jar.empty() || json::StringOf(*entry) == jar)) {
      return true;
    }
  }
  return false;
}

// A JAVA or SCALA application as a spark_jar_task: main_class_name from
// SparkJob.mainClass, parameters the container args (the spark module's
// spec.arguments, rendered by the same sdk::RenderArgTemplates), and the
// jar of mainApplicationFile added to the task's libraries.
absl::Status SparkJarTask(const Struct& custom, const ContainerParts& container,
                          JobSpec* spec, RunTask* task) {
  absl::StatusOr<spark::SparkJobSpec> job = spark::ParseSparkJob(custom);
  if (!job.ok()) return job.status();
  if (job->main_class.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kCustom,
        ".mainClass: missing; a JAVA or SCALA application runs on Databricks "
        "as a spark_jar_task, which needs the main class name"));
  }
  Allocator& a = spec->run.GetAllocator();
  task->kind = "spark_jar_task";
  task->payload.AddMember("main_class_name", json::String(job->main_class, a),
                          a);
  if (!container.args.empty()) {
    task->payload.AddMember("parameters", StringArray(container.args, a), a);
  }
  const std::string libraries_path =
      absl::StrCat(kConf, spec->task_path, ".libraries");
  rapidjson::Value& libraries =
      json::Ensure(spec->task, "libraries", rapidjson::kArrayType, a);
  if (!libraries.IsArray()) {
    return json::TypeError(libraries_path, "an array", libraries);
  }
  const std::string& jar = job->main_application_file;
  if (jar.empty() && !HasJarLibrary(libraries, "")) {
    return absl::InvalidArgumentError(absl::StrCat(
        kCustom,
        ".mainApplicationFile: missing; a JAVA or SCALA application on "
        "Databricks needs its jar there or as a {\"jar\": ...} entry of ",
        libraries_path));
  }
  if (!jar.empty() && !HasJarLibrary(libraries, jar)) {
    rapidjson::Value library(rapidjson::kObjectType);
    library.AddMember("jar", json::String(jar, a), a);
    libraries.PushBack(std::move(library), a);
  }
  return absl::OkStatus();
}

// The task for the SparkJob's applicationType: PYTHON a spark_python_task,
// JAVA and SCALA a spark_jar_task; R and unknown types are refused.
absl::Status ApplicationTask(const Struct& custom,
                             const DatabricksConfig& config,
                             const ContainerParts& container, bool serverless,
                             rapidjson::Value user_python_file,
                             rapidjson::Value user_git_source, JobSpec* spec,
                             RunTask* task) {
  absl::StatusOr<int32_t> type = spark::ParseApplicationType(custom);
  if (!type.ok()) return type.status();
  switch (*type) {
    case spark::kApplicationPython:
      return SparkPythonTask(
          custom, config, container, serverless, std::move(user_python_file),
          std::move(user_git_source), spec->run.GetAllocator(), task);
    case spark::kApplicationJava:
    case spark::kApplicationScala:
      if (serverless) {
        return absl::InvalidArgumentError(absl::StrCat(
            kConf,
            ": a JAVA or SCALA application needs cluster compute "
            "(new_cluster or existing_cluster_id); serverless compute "
            "(environment_key, environments) runs Python and notebook tasks"));
      }
      task->git_source = std::move(user_git_source);
      return SparkJarTask(custom, container, spec, task);
    case spark::kApplicationR:
      return absl::InvalidArgumentError(absl::StrCat(
          kCustom,
          ".applicationType: R is not run by the databricks module "
          "(supported: PYTHON, JAVA, SCALA); run R code as a notebook "
          "(notebookPath)"));
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          kCustom, ".applicationType: ", *type,
          " is not a SparkApplication type the databricks module runs "
          "(supported: PYTHON, JAVA, SCALA)"));
  }
}

// Takes git_source and python_file out of the job spec and builds the
// notebook task (when the task names a notebook) or the application's task.
absl::StatusOr<RunTask> BuildRunTask(const Struct& custom,
                                     const DatabricksConfig& config,
                                     const ContainerParts& container,
                                     bool serverless, JobSpec* spec) {
  rapidjson::Value user_git_source = Pop(spec->run, "git_source");
  rapidjson::Value user_python_file = Pop(spec->task, "python_file");
  if (!user_git_source.IsNull() && !user_git_source.IsObject()) {
    return ConfTypeError(".git_source", "an object", user_git_source);
  }
  absl::StatusOr<std::string> notebook_path =
      StringField(custom, "notebookPath", "notebook_path");
  if (!notebook_path.ok()) return notebook_path.status();
  RunTask task;
  absl::Status status =
      notebook_path->empty()
          ? ApplicationTask(custom, config, container, serverless,
                            std::move(user_python_file),
                            std::move(user_git_source), spec, &task)
          : NotebookTask(custom, *notebook_path, std::move(user_git_source),
                         spec->run.GetAllocator(), &task);
  if (!status.ok()) return status;
  return task;
}

// The entry of `environments` whose environment_key is `key`, appended
// ({"environment_key": key, "spec": {"client": "1"}}) when none is.
absl::StatusOr<rapidjson::Value*> FindOrAddEnvironment(
    rapidjson::Document* body, const std::string& key) {
  Allocator& a = body->GetAllocator();
  rapidjson::Value& environments =
      json::Ensure(*body, "environments", rapidjson::kArrayType, a);
  if (!environments.IsArray()) {
    return ConfTypeError(".environments", "an array", environments);
  }
  rapidjson::Value* entry = nullptr;
  for (rapidjson::SizeType i = 0; i < environments.Size(); ++i) {
    rapidjson::Value& e = environments[i];
    if (!e.IsObject()) {
      return ConfTypeError(absl::StrCat(".environments[", i, "]"), "an object",
                           e);
    }
    const rapidjson::Value* k = json::Find(e, "environment_key");
    if (k != nullptr && k->IsString() && key == json::StringOf(*k)) entry = &e;
  }
  if (entry != nullptr) return entry;
  rapidjson::Value e(rapidjson::kObjectType);
  e.AddMember("environment_key", json::String(key, a), a);
  rapidjson::Value spec(rapidjson::kObjectType);
  spec.AddMember("client", "1", a);
  e.AddMember("spec", std::move(spec), a);
  environments.PushBack(std::move(e), a);
  return &environments[environments.Size() - 1];
}

// Serverless: takes the task's environment_key (default "default") and
// merges Flyte's env vars into that entry of the run's `environments`.
// Returns the key.
absl::StatusOr<std::string> PrepareServerlessEnvironment(
    const ContainerParts& container, JobSpec* spec) {
  Allocator& a = spec->run.GetAllocator();
  rapidjson::Value key_value = Pop(spec->task, "environment_key");
  std::string key = "default";
  if (Truthy(&key_value)) {
    if (!key_value.IsString()) {
      return ConfTypeError(absl::StrCat(spec->task_path, ".environment_key"),
                           "a string", key_value);
    }
    key = key_value.GetString();
  }
  absl::StatusOr<rapidjson::Value*> entry =
      FindOrAddEnvironment(&spec->run, key);
  if (!entry.ok()) return entry.status();
  const std::string env_path = absl::StrCat(kConf, ".environments[", key, "]");
  absl::StatusOr<rapidjson::Value*> env_spec =
      EnsureObject(**entry, "spec", absl::StrCat(env_path, ".spec"), a);
  if (!env_spec.ok()) return env_spec.status();
  absl::StatusOr<rapidjson::Value*> vars =
      EnsureObject(**env_spec, "environment_vars",
                   absl::StrCat(env_path, ".spec.environment_vars"), a);
  if (!vars.ok()) return vars.status();
  MergeEnv(container.env, **vars, a);
  return key;
}

// flytekit's new_cluster fill-ins: docker_image from the container image,
// spark_conf from the task's sparkConf (each only when not set), and Flyte's
// env vars merged into spark_env_vars.
absl::Status FillNewCluster(const Struct& custom,
                            const ContainerParts& container, JobSpec* spec) {
  Allocator& a = spec->run.GetAllocator();
  const std::string path = absl::StrCat(kConf, spec->task_path, ".new_cluster");
  rapidjson::Value* new_cluster = json::Find(spec->task, "new_cluster");
  if (!new_cluster->IsObject()) {
    return json::TypeError(path, "an object", *new_cluster);
  }
  const rapidjson::Value* docker = json::Find(*new_cluster, "docker_image");
  if (docker == nullptr || !docker->IsObject() ||
      !Truthy(json::Find(*docker, "url"))) {
    if (container.image.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          ".docker_image: not set and taskTemplate.container.image is empty"));
    }
    rapidjson::Value d(rapidjson::kObjectType);
    d.AddMember("url", json::String(container.image, a), a);
    json::Set(*new_cluster, "docker_image", std::move(d), a);
  }
  if (!Truthy(json::Find(*new_cluster, "spark_conf"))) {
    const Value* spark_conf = Field(custom, "sparkConf", "spark_conf");
    rapidjson::Value conf(rapidjson::kObjectType);
    if (spark_conf != nullptr &&
        spark_conf->kind_case() == Value::kStructValue) {
      conf = sdk::ToRapidJson(spark_conf->struct_value(), a);
    } else if (spark_conf != nullptr &&
               spark_conf->kind_case() != Value::kNullValue) {
      return CustomTypeError("sparkConf", "an object", *spark_conf);
    }
    json::Set(*new_cluster, "spark_conf", std::move(conf), a);
  }
  absl::StatusOr<rapidjson::Value*> vars = EnsureObject(
      *new_cluster, "spark_env_vars", absl::StrCat(path, ".spark_env_vars"), a);
  if (!vars.ok()) return vars.status();
  MergeEnv(container.env, **vars, a);
  return absl::OkStatus();
}

// The task_key of the run's task: the user's (tasks[0].task_key), else
// kNotebookTaskKey for a notebook and kTaskKey otherwise.
void EnsureTaskKey(const RunTask& run_task, JobSpec* spec) {
  if (spec->task.HasMember("task_key")) return;
  const bool notebook = absl::string_view(run_task.kind) == "notebook_task";
  spec->task.AddMember(
      "task_key", rapidjson::StringRef(notebook ? kNotebookTaskKey : kTaskKey),
      spec->run.GetAllocator());
}

// Moves every member of the task to the run level (the single-task form);
// INVALID_ARGUMENT when a key is at both levels.
absl::Status FlattenTask(JobSpec* spec) {
  Allocator& a = spec->run.GetAllocator();
  for (auto& member : spec->task.GetObject()) {
    if (spec->run.HasMember(member.name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          kConf, spec->task_path, ".", json::StringOf(member.name),
          ": also set at the run level; requestFormat single-task has one "
          "place for it"));
    }
    spec->run.AddMember(std::move(member.name), std::move(member.value), a);
  }
  spec->task.SetObject();
  return absl::OkStatus();
}

// Writes the run's task into spec->run in `format`. `environment_key`:
// the serverless environment, empty for cluster runs.
absl::Status EmitTask(RequestFormat format, RunTask run_task,
                      const std::string& environment_key, JobSpec* spec) {
  Allocator& a = spec->run.GetAllocator();
  json::Set(spec->task, run_task.kind, std::move(run_task.payload), a);
  if (format == RequestFormat::kSingleTask && environment_key.empty()) {
    // flytekit's cluster body: no tasks[], no task_key.
    json::Remove(spec->task, "task_key");
    return FlattenTask(spec);
  }
  EnsureTaskKey(run_task, spec);
  rapidjson::Value entry(rapidjson::kObjectType);
  if (format == RequestFormat::kSingleTask) {
    // flytekit's serverless body: the entry holds only these three.
    rapidjson::Value task_key = Pop(spec->task, "task_key");
    rapidjson::Value payload = Pop(spec->task, run_task.kind);
    entry.AddMember("task_key", task_key, a);
    entry.AddMember(rapidjson::StringRef(run_task.kind), payload, a);
    if (absl::Status s = FlattenTask(spec); !s.ok()) return s;
  } else {
    entry = std::move(spec->task);
  }
  if (!environment_key.empty()) {
    json::Set(entry, "environment_key", json::String(environment_key, a), a);
  }
  rapidjson::Value tasks(rapidjson::kArrayType);
  tasks.PushBack(std::move(entry), a);
  json::Set(spec->run, "tasks", std::move(tasks), a);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> IdempotencyToken(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  const auto& meta = context.metadata();
  const auto& te = meta.task_execution_id();
  const auto& exec = te.node_execution_id().execution_id();
  if (exec.name().empty() && te.node_execution_id().node_id().empty() &&
      meta.generated_name().empty()) {
    return absl::InvalidArgumentError(
        "metadata.taskExecutionId: no execution name, node id or "
        "metadata.generatedName; the run's idempotency_token cannot be "
        "derived");
  }
  // Length-prefixed fields: no two identities share a preimage.
  std::string preimage;
  for (absl::string_view part :
       {absl::string_view(exec.org()), absl::string_view(exec.project()),
        absl::string_view(exec.domain()), absl::string_view(exec.name()),
        absl::string_view(te.node_execution_id().node_id()),
        absl::string_view(te.task_id().project()),
        absl::string_view(te.task_id().domain()),
        absl::string_view(te.task_id().name()),
        absl::string_view(te.task_id().version()),
        absl::string_view(meta.generated_name())}) {
    absl::StrAppend(&preimage, part.size(), ":", part, ";");
  }
  absl::StrAppend(&preimage, "retry=", te.retry_attempt());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(preimage.data()),
         preimage.size(), digest);
  return absl::StrCat("flyteplug-", Hex(digest, 20));
}

absl::StatusOr<SubmitRequest> BuildSubmitRequest(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const DatabricksConfig& config, absl::string_view env_instance) {
  const auto& task = context.task_template();
  if (!task.has_custom()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kCustom,
                     ": missing; a Databricks task carries a SparkJob with "
                     "databricksConf"));
  }
  const Struct& custom = task.custom();
  SubmitRequest request;
  if (absl::Status s = ResolveWorkspace(custom, config, env_instance, &request);
      !s.ok()) {
    return s;
  }
  JobSpec spec;
  if (absl::Status s = JobSpecFromConf(custom, &spec); !s.ok()) return s;
  rapidjson::Document& body = spec.run;
  Allocator& a = body.GetAllocator();
  absl::StatusOr<ContainerParts> container = ReadContainer(context);
  if (!container.ok()) return container.status();
  absl::StatusOr<Compute> compute = ChooseCompute(spec);
  if (!compute.ok()) return compute.status();
  absl::StatusOr<RunTask> run_task =
      BuildRunTask(custom, config, *container, compute->serverless, &spec);
  if (!run_task.ok()) return run_task.status();
  rapidjson::Value git_source = std::move(run_task->git_source);

  std::string environment_key;
  if (compute->serverless) {
    absl::StatusOr<std::string> key =
        PrepareServerlessEnvironment(*container, &spec);
    if (!key.ok()) return key.status();
    environment_key = *key;
  } else if (!compute->existing_cluster) {
    if (absl::Status s = FillNewCluster(custom, *container, &spec); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = EmitTask(config.request_format, *std::move(run_task),
                                environment_key, &spec);
      !s.ok()) {
    return s;
  }
  if (git_source.IsObject()) {
    json::Set(body, "git_source", std::move(git_source), a);
  }

  absl::StatusOr<std::string> token = IdempotencyToken(context);
  if (!token.ok()) return token.status();
  request.idempotency_token = *token;
  json::Set(body, "idempotency_token", json::String(*token, a), a);

  // The canonical writer (keys sorted): a Struct's map order is unspecified,
  // and identical tasks must give identical request bytes.
  request.body = json::Write(body);
  return request;
}

}  // namespace flyteplug::databricks
