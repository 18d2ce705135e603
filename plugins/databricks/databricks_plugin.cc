#include "databricks_plugin.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "flyteplug/sdk/utf8.h"
#include "http_error.h"
#include "instance.h"
#include "request_builder.h"
#include "run_status.h"

namespace flyteplug::databricks {
namespace {

// Bounds the memory of task-supplied tokens; when full the map is cleared and
// get/delete of older runs fall back to the host secret.
constexpr size_t kMaxRememberedTokens = 100000;

std::string EnvInstance() {
  const char* value = std::getenv(kInstanceEnvVar);
  return value == nullptr ? std::string() : std::string(value);
}

std::string MetaKey(const ResourceMeta& meta) {
  return absl::StrCat(meta.instance, "|", meta.run_id);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DatabricksPlugin>> DatabricksPlugin::Create(
    const flyteplug::sdk::Host* host, absl::string_view config_json) {
  absl::StatusOr<ParsedConfig> parsed = ParseConfig(config_json);
  if (!parsed.ok()) return parsed.status();
  for (const std::string& warning : parsed->warnings) {
    if (host != nullptr) {
      host->Log(FLYTEPLUG_LOG_WARNING,
                absl::StrCat("databricks: configuration: ", warning));
    }
  }
  const DatabricksConfig& c = parsed->config;
  HttpClientOptions options;
  options.connect_timeout = c.connect_timeout;
  options.request_timeout = c.request_timeout;
  options.retry = c.retry;
  options.read_rate_limit = c.read_rate_limit;
  options.write_rate_limit = c.write_rate_limit;
  options.ca_bundle = c.ca_bundle;
  if (host != nullptr) {
    options.log = [host](int level, absl::string_view message) {
      host->Log(level, message);
    };
  }
  absl::StatusOr<std::unique_ptr<HttpClient>> http =
      HttpClient::Create(std::move(options));
  if (!http.ok()) return http.status();
  return std::unique_ptr<DatabricksPlugin>(
      new DatabricksPlugin(host, parsed->config, std::move(*http)));
}

DatabricksPlugin::DatabricksPlugin(const flyteplug::sdk::Host* host,
                                   DatabricksConfig config,
                                   std::unique_ptr<HttpClient> http)
    : host_(host), config_(std::move(config)), http_(std::move(http)) {}

void DatabricksPlugin::Log(flyteplug_log_level level,
                           absl::string_view message) const {
  if (host_ != nullptr) host_->Log(level, message);
}

void DatabricksPlugin::ApplyCallControl(HttpRequest* http) const {
  int64_t deadline = host_->CallDeadlineUnixNanos();
  if (deadline != 0) http->deadline = absl::FromUnixNanos(deadline);
  const flyteplug::sdk::Host* host = host_;
  http->cancelled = [host] { return host->CallCancelled(); };
}

absl::StatusOr<std::string> DatabricksPlugin::SecretToken() const {
  if (host_ == nullptr) {
    return absl::FailedPreconditionError(
        "databricks: no host to look up the API token");
  }
  absl::StatusOr<std::string> token =
      host_->GetSecret(config_.databricks_token_key);
  if (!token.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "databricks: API token secret '", config_.databricks_token_key,
        "' (plugins.databricks.databricksTokenKey) is not available: ",
        token.status().message()));
  }
  if (token->empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("databricks: API token secret '",
                     config_.databricks_token_key, "' is empty"));
  }
  return token;
}

absl::StatusOr<std::string> DatabricksPlugin::TokenFor(
    const ResourceMeta& meta) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = task_tokens_.find(MetaKey(meta));
    if (it != task_tokens_.end()) return it->second;
  }
  return SecretToken();
}

absl::StatusOr<SubmitRequest> DatabricksPlugin::BuildRequest(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) const {
  absl::StatusOr<SubmitRequest> request =
      BuildSubmitRequest(context, config_, EnvInstance());
  if (!request.ok()) return request.status();
  for (const std::string& warning : request->warnings) {
    Log(FLYTEPLUG_LOG_WARNING, absl::StrCat("databricks: ", warning));
  }
  return request;
}

absl::StatusOr<std::string> DatabricksPlugin::Create(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) const {
  absl::StatusOr<SubmitRequest> request = BuildRequest(context);
  if (!request.ok()) return request.status();
  std::string token;
  if (request->task_token.has_value()) {
    token = *request->task_token;
  } else {
    absl::StatusOr<std::string> secret = SecretToken();
    if (!secret.ok()) return secret.status();
    token = std::move(*secret);
  }
  HttpRequest http;
  http.method = "POST";
  http.url = request->url;
  http.body = request->body;
  http.bearer_token = token;
  http.call_name = "runs/submit";
  http.is_write = true;
  ApplyCallControl(&http);
  absl::StatusOr<HttpResponse> response = http_->Send(http);
  if (!response.ok()) return Redact(response.status(), token);

  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(response->body.data(),
                                    response->body.size());
  ResourceMeta meta;
  meta.instance = request->instance;
  auto run_id = doc.IsObject() ? doc.FindMember("run_id") : doc.MemberEnd();
  if (doc.HasParseError() || !doc.IsObject() || run_id == doc.MemberEnd() ||
      !ReadId(run_id->value, &meta.run_id)) {
    return absl::UnavailableError(
        Redact(absl::StrCat("databricks runs/submit: HTTP ", response->status,
                            " response has no integer run_id: '",
                            sdk::Snippet(response->body, 120), "'"),
               token));
  }
  if (request->task_token.has_value()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (task_tokens_.size() >= kMaxRememberedTokens) task_tokens_.clear();
    task_tokens_[MetaKey(meta)] = token;
  }
  Log(FLYTEPLUG_LOG_INFO,
      absl::StrCat("databricks: submitted run ", meta.run_id, " on ",
                   meta.instance, " (idempotency_token ",
                   request->idempotency_token, ", ", response->attempts,
                   " attempt(s))"));
  return EncodeResourceMeta(meta);
}

absl::StatusOr<std::string> DatabricksPlugin::Get(
    absl::string_view resource_meta) const {
  absl::StatusOr<ResourceMeta> meta = DecodeResourceMeta(resource_meta);
  if (!meta.ok()) return meta.status();
  absl::StatusOr<std::string> token = TokenFor(*meta);
  if (!token.ok()) return token.status();
  HttpRequest http;
  http.method = "GET";
  http.url = absl::StrCat(meta->instance, kJobsApiPrefix,
                          "/get?run_id=", meta->run_id);
  http.bearer_token = *token;
  http.call_name = "runs/get";
  ApplyCallControl(&http);
  absl::StatusOr<HttpResponse> response = http_->Send(http);
  if (!response.ok()) return Redact(response.status(), *token);
  absl::StatusOr<RunState> state =
      ParseRunsGetResponse(response->body, meta->instance, meta->run_id);
  if (!state.ok()) return Redact(state.status(), *token);
  return Redact(SerializeRunState(*state), *token);
}

absl::Status DatabricksPlugin::Delete(absl::string_view resource_meta) const {
  absl::StatusOr<ResourceMeta> meta = DecodeResourceMeta(resource_meta);
  if (!meta.ok()) return meta.status();
  absl::StatusOr<std::string> token = TokenFor(*meta);
  if (!token.ok()) return token.status();
  HttpRequest http;
  http.method = "POST";
  http.url = absl::StrCat(meta->instance, kJobsApiPrefix, "/cancel");
  http.body = absl::StrCat("{\"run_id\":", meta->run_id, "}");
  http.bearer_token = *token;
  http.call_name = "runs/cancel";
  http.is_write = true;
  ApplyCallControl(&http);
  absl::StatusOr<HttpResponse> response = http_->Send(http);
  if (!response.ok()) {
    absl::Status status = Redact(response.status(), *token);
    const bool finished =
        status.code() == absl::StatusCode::kNotFound ||
        (status.code() == absl::StatusCode::kInvalidArgument &&
         (absl::StrContains(status.message(), "does not exist") ||
          absl::StrContains(status.message(), "INVALID_STATE") ||
          absl::StrContains(status.message(), "terminal")));
    if (!finished) return status;
    Log(FLYTEPLUG_LOG_WARNING,
        absl::StrCat("databricks: cancel of run ", meta->run_id,
                     " treated as done: ", status.message()));
  } else {
    Log(FLYTEPLUG_LOG_INFO, absl::StrCat("databricks: cancelled run ",
                                         meta->run_id, " on ", meta->instance));
  }
  std::lock_guard<std::mutex> lock(mu_);
  task_tokens_.erase(MetaKey(*meta));
  return absl::OkStatus();
}

absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo>
DatabricksPlugin::Status(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    absl::string_view resource) const {
  absl::StatusOr<RunState> state = DeserializeRunState(resource);
  if (!state.ok()) return state.status();
  int64_t now = host_ != nullptr ? host_->NowUnixNanos() : 0;
  return MapRunState(*state, config_.link_to_run_page_url,
                     context.plugin_state(), now);
}

absl::StatusOr<std::string> DatabricksPlugin::RenderCreateRequest(
    const flyteplug::abi::flyteplug::v1::TaskContext& context) const {
  absl::StatusOr<SubmitRequest> request = BuildRequest(context);
  if (!request.ok()) return request.status();
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("method", "POST", a);
  out.AddMember("url", rapidjson::Value(request->url.c_str(), a), a);
  rapidjson::Value headers(rapidjson::kObjectType);
  headers.AddMember("Authorization", "Bearer <redacted>", a);
  headers.AddMember("Content-Type", "application/json", a);
  out.AddMember("headers", std::move(headers), a);
  rapidjson::Document body(&a);
  body.Parse<sdk::json::kParseFlags>(request->body.data(),
                                     request->body.size());
  out.AddMember("body", static_cast<rapidjson::Value&>(body), a);
  std::string json = sdk::json::Write(out);
  if (request->task_token.has_value()) {
    json = Redact(json, *request->task_token);
  }
  return json;
}

}  // namespace flyteplug::databricks
