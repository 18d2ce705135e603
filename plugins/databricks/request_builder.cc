#include "request_builder.h"

#include <openssl/sha.h>

#include <cstdint>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/arg_template.h"
#include "flyteplug/sdk/struct_rapidjson.h"
#include "instance.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::databricks {
namespace {

using flyteplug::abi::google::protobuf::Struct;
using flyteplug::abi::google::protobuf::Value;
using Allocator = rapidjson::Document::AllocatorType;

constexpr absl::string_view kCustom = "taskTemplate.custom";
constexpr absl::string_view kConf = "taskTemplate.custom.databricksConf";

rapidjson::Value Str(absl::string_view s, Allocator& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()),
                          a);
}

absl::string_view KindName(const Value& v) { return sdk::DescribeKind(v); }

absl::string_view KindName(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsObject()) return "an object";
  return "a list";
}

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

// Reads an optional string field of `custom`.
absl::StatusOr<std::string> StringField(const Struct& custom,
                                        absl::string_view camel,
                                        absl::string_view snake) {
  const Value* v = Field(custom, camel, snake);
  if (v == nullptr || v->kind_case() == Value::kNullValue) return std::string();
  if (v->kind_case() != Value::kStringValue) {
    return absl::InvalidArgumentError(absl::StrCat(
        kCustom, ".", camel, ": expected a string, got ", KindName(*v)));
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

rapidjson::Value* Member(rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Sets `key` to `value`, in place when present, else appended.
void Set(rapidjson::Value& object, const char* key, rapidjson::Value value,
         Allocator& a) {
  if (rapidjson::Value* existing = Member(object, key)) {
    *existing = std::move(value);
    return;
  }
  object.AddMember(rapidjson::Value(key, a), std::move(value), a);
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

absl::Status Expect(bool ok, absl::string_view path, absl::string_view what,
                    const rapidjson::Value& got) {
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", what, ", got ", KindName(got)));
}

// Merges `env` into the string map `target` (Flyte's values win).
void MergeEnv(const std::vector<std::pair<std::string, std::string>>& env,
              rapidjson::Value& target, Allocator& a) {
  for (const auto& [key, value] : env) {
    if (rapidjson::Value* existing = Member(target, key.c_str())) {
      *existing = Str(value, a);
    } else {
      target.AddMember(Str(key, a), Str(value, a), a);
    }
  }
}

std::string Hex(const unsigned char* data, size_t size) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(data), size));
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
  SubmitRequest request;
  if (!task.has_custom()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kCustom,
                     ": missing; a Databricks task carries a SparkJob with "
                     "databricksConf"));
  }
  const Struct& custom = task.custom();

  // Instance and token.
  absl::StatusOr<std::string> task_instance =
      StringField(custom, "databricksInstance", "databricks_instance");
  if (!task_instance.ok()) return task_instance.status();
  absl::StatusOr<std::string> instance =
      ResolveInstance(*task_instance, config.databricks_instance, env_instance);
  if (!instance.ok()) return instance.status();
  request.instance = *instance;
  request.url = absl::StrCat(request.instance, kJobsApiPrefix, "/submit");

  absl::StatusOr<std::string> task_token =
      StringField(custom, "databricksToken", "databricks_token");
  if (!task_token.ok()) return task_token.status();
  if (!task_token->empty()) {
    if (config.allow_token_in_task) {
      request.task_token = *task_token;
    } else {
      request.warnings.push_back(
          "taskTemplate.custom.databricksToken is set but ignored "
          "(plugins.databricks.allowTokenInTask is false); the token comes "
          "from the secret plugins.databricks.databricksTokenKey");
    }
  }

  // databricksConf.
  const Value* conf_value = Field(custom, "databricksConf", "databricks_conf");
  if (conf_value == nullptr || conf_value->kind_case() == Value::kNullValue) {
    return absl::InvalidArgumentError(
        absl::StrCat(kConf,
                     ": missing; set databricks_conf in the task's Databricks "
                     "config"));
  }
  if (conf_value->kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError(absl::StrCat(
        kConf, ": expected an object, got ", KindName(*conf_value)));
  }
  rapidjson::Document body;
  Allocator& a = body.GetAllocator();
  static_cast<rapidjson::Value&>(body) =
      flyteplug::sdk::ToRapidJson(conf_value->struct_value(), a);

  // Container: image, args, env.
  if (!task.has_container()) {
    return absl::InvalidArgumentError(
        "taskTemplate.container: missing; a Databricks task needs a "
        "container (image and pyflyte-execute args)");
  }
  const auto& container = task.container();
  std::string image = context.metadata().overrides().container_image();
  if (image.empty()) image = container.image();
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& kv : container.env()) env.emplace_back(kv.key(), kv.value());
  bool has_fail_flag = false;
  for (auto& kv : env) {
    if (kv.first == "FLYTE_FAIL_ON_ERROR") {
      kv.second = "true";
      has_fail_flag = true;
    }
  }
  if (!has_fail_flag) env.emplace_back("FLYTE_FAIL_ON_ERROR", "true");
  std::vector<std::string> args =
      flyteplug::sdk::RenderArgTemplates(container.args(), context);

  // Compute. (Pointers into `body` are not kept: adding or removing members
  // moves them.)
  auto present = [&body](const char* key) {
    rapidjson::Value* v = Member(body, key);
    return v != nullptr && !v->IsNull();
  };
  const bool has_existing_cluster = present("existing_cluster_id");
  const bool has_cluster = has_existing_cluster || present("new_cluster");
  const bool serverless =
      !has_cluster && (Truthy(Member(body, "environment_key")) ||
                       Truthy(Member(body, "environments")));
  if (!has_cluster && !serverless) {
    return absl::InvalidArgumentError(absl::StrCat(
        kConf,
        ": no compute configuration found; provide one of "
        "existing_cluster_id, new_cluster, environment_key, environments"));
  }

  // Entrypoint and git_source.
  rapidjson::Value user_git_source = Pop(body, "git_source");
  rapidjson::Value user_python_file = Pop(body, "python_file");
  if (!user_git_source.IsNull() && !user_git_source.IsObject()) {
    return Expect(false, absl::StrCat(kConf, ".git_source"), "an object",
                  user_git_source);
  }
  absl::StatusOr<std::string> notebook_path =
      StringField(custom, "notebookPath", "notebook_path");
  if (!notebook_path.ok()) return notebook_path.status();
  bool notebook = !notebook_path->empty();

  rapidjson::Value git_source;  // null: none sent
  rapidjson::Value task_payload(rapidjson::kObjectType);
  const char* task_kind = nullptr;
  if (notebook) {
    task_kind = "notebook_task";
    task_payload.AddMember("notebook_path", Str(*notebook_path, a), a);
    const Value* params =
        Field(custom, "notebookBaseParameters", "notebook_base_parameters");
    if (params != nullptr && params->kind_case() != Value::kNullValue) {
      if (params->kind_case() != Value::kStructValue) {
        return absl::InvalidArgumentError(
            absl::StrCat(kCustom,
                         ".notebookBaseParameters: expected an "
                         "object, got ",
                         KindName(*params)));
      }
      if (params->struct_value().fields_size() > 0) {
        task_payload.AddMember(
            "base_parameters",
            flyteplug::sdk::ToRapidJson(params->struct_value(), a), a);
      }
    }
    if (user_git_source.IsObject()) {
      task_payload.AddMember("source", "GIT", a);
      git_source = std::move(user_git_source);
    }
  } else {
    task_kind = "spark_python_task";
    std::string python_file;
    bool default_repo = false;
    if (!user_python_file.IsNull()) {
      if (!user_python_file.IsString() ||
          user_python_file.GetStringLength() == 0) {
        return Expect(false, absl::StrCat(kConf, ".python_file"),
                      "a non-empty string", user_python_file);
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
      git_source = std::move(user_git_source);
    } else if (default_repo) {
      git_source.SetObject();
      git_source.AddMember("git_url", kDefaultGitUrl, a);
      git_source.AddMember("git_provider", kDefaultGitProvider, a);
      git_source.AddMember("git_commit", kDefaultGitCommit, a);
    }
    task_payload.AddMember("python_file", Str(python_file, a), a);
    if (git_source.IsObject()) task_payload.AddMember("source", "GIT", a);
    rapidjson::Value parameters(rapidjson::kArrayType);
    for (const std::string& arg : args) parameters.PushBack(Str(arg, a), a);
    if (serverless) {
      absl::StatusOr<std::string> provider =
          StringField(custom, "databricksServiceCredentialProvider",
                      "databricks_service_credential_provider");
      if (!provider.ok()) return provider.status();
      if (!provider->empty()) {
        parameters.PushBack(
            Str(absl::StrCat("--flyte-credential-provider=", *provider), a), a);
      }
    }
    task_payload.AddMember("parameters", std::move(parameters), a);
  }

  if (serverless) {
    // tasks[] form with an environment carrying Flyte's env vars.
    rapidjson::Value key_value = Pop(body, "environment_key");
    std::string key = "default";
    if (Truthy(&key_value)) {
      if (!key_value.IsString()) {
        return Expect(false, absl::StrCat(kConf, ".environment_key"),
                      "a string", key_value);
      }
      key = key_value.GetString();
    }
    rapidjson::Value* environments = Member(body, "environments");
    if (environments == nullptr || environments->IsNull()) {
      Set(body, "environments", rapidjson::Value(rapidjson::kArrayType), a);
      environments = Member(body, "environments");
    }
    if (!environments->IsArray()) {
      return Expect(false, absl::StrCat(kConf, ".environments"), "a list",
                    *environments);
    }
    rapidjson::Value* entry = nullptr;
    for (rapidjson::SizeType i = 0; i < environments->Size(); ++i) {
      rapidjson::Value& e = (*environments)[i];
      if (!e.IsObject()) {
        return Expect(false, absl::StrCat(kConf, ".environments[", i, "]"),
                      "an object", e);
      }
      rapidjson::Value* k = Member(e, "environment_key");
      if (k != nullptr && k->IsString() && key == k->GetString()) entry = &e;
    }
    if (entry == nullptr) {
      rapidjson::Value e(rapidjson::kObjectType);
      e.AddMember("environment_key", Str(key, a), a);
      rapidjson::Value spec(rapidjson::kObjectType);
      spec.AddMember("client", "1", a);
      e.AddMember("spec", std::move(spec), a);
      environments->PushBack(std::move(e), a);
      entry = &(*environments)[environments->Size() - 1];
    }
    rapidjson::Value* spec = Member(*entry, "spec");
    if (spec == nullptr || spec->IsNull()) {
      Set(*entry, "spec", rapidjson::Value(rapidjson::kObjectType), a);
      spec = Member(*entry, "spec");
    }
    if (!spec->IsObject()) {
      return Expect(false, absl::StrCat(kConf, ".environments[", key, "].spec"),
                    "an object", *spec);
    }
    rapidjson::Value* vars = Member(*spec, "environment_vars");
    if (vars == nullptr || vars->IsNull()) {
      Set(*spec, "environment_vars", rapidjson::Value(rapidjson::kObjectType),
          a);
      vars = Member(*spec, "environment_vars");
    }
    if (!vars->IsObject()) {
      return Expect(
          false,
          absl::StrCat(kConf, ".environments[", key, "].spec.environment_vars"),
          "an object", *vars);
    }
    MergeEnv(env, *vars, a);
    rapidjson::Value task_entry(rapidjson::kObjectType);
    task_entry.AddMember(
        "task_key",
        rapidjson::StringRef(notebook ? "flyte_notebook_task" : "flyte_task"),
        a);
    task_entry.AddMember(rapidjson::Value(task_kind, a),
                         std::move(task_payload), a);
    task_entry.AddMember("environment_key", Str(key, a), a);
    rapidjson::Value tasks(rapidjson::kArrayType);
    tasks.PushBack(std::move(task_entry), a);
    Set(body, "tasks", std::move(tasks), a);
  } else {
    if (!has_existing_cluster) {
      // new_cluster: fill image, Spark conf and env vars.
      rapidjson::Value* new_cluster = Member(body, "new_cluster");
      if (!new_cluster->IsObject()) {
        return Expect(false, absl::StrCat(kConf, ".new_cluster"), "an object",
                      *new_cluster);
      }
      rapidjson::Value* docker = Member(*new_cluster, "docker_image");
      bool docker_ok = docker != nullptr && docker->IsObject() &&
                       Truthy(Member(*docker, "url"));
      if (!docker_ok) {
        if (image.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              kConf,
              ".new_cluster.docker_image: not set and taskTemplate.container"
              ".image is empty"));
        }
        rapidjson::Value d(rapidjson::kObjectType);
        d.AddMember("url", Str(image, a), a);
        Set(*new_cluster, "docker_image", std::move(d), a);
      }
      if (!Truthy(Member(*new_cluster, "spark_conf"))) {
        const Value* spark_conf = Field(custom, "sparkConf", "spark_conf");
        rapidjson::Value conf(rapidjson::kObjectType);
        if (spark_conf != nullptr &&
            spark_conf->kind_case() == Value::kStructValue) {
          conf = flyteplug::sdk::ToRapidJson(spark_conf->struct_value(), a);
        } else if (spark_conf != nullptr &&
                   spark_conf->kind_case() != Value::kNullValue) {
          return absl::InvalidArgumentError(
              absl::StrCat(kCustom, ".sparkConf: expected an object, got ",
                           KindName(*spark_conf)));
        }
        Set(*new_cluster, "spark_conf", std::move(conf), a);
      }
      rapidjson::Value* vars = Member(*new_cluster, "spark_env_vars");
      if (vars == nullptr || vars->IsNull()) {
        Set(*new_cluster, "spark_env_vars",
            rapidjson::Value(rapidjson::kObjectType), a);
        vars = Member(*new_cluster, "spark_env_vars");
      }
      if (!vars->IsObject()) {
        return Expect(false, absl::StrCat(kConf, ".new_cluster.spark_env_vars"),
                      "an object", *vars);
      }
      MergeEnv(env, *vars, a);
    }
    Set(body, task_kind, std::move(task_payload), a);
  }
  if (git_source.IsObject()) {
    body.AddMember("git_source", std::move(git_source), a);
  }

  absl::StatusOr<std::string> token = IdempotencyToken(context);
  if (!token.ok()) return token.status();
  request.idempotency_token = *token;
  Set(body, "idempotency_token", Str(*token, a), a);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  body.Accept(writer);
  request.body.assign(buffer.GetString(), buffer.GetSize());
  return request;
}

}  // namespace flyteplug::databricks
