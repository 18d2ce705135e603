#include "databricks_plugin.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "flyteplug/sdk/utf8.h"
#include "http_error.h"
#include "instance.h"
#include "oauth_token_endpoint.h"
#include "request_builder.h"
#include "run_output.h"
#include "run_status.h"
#include "secret.h"

namespace flyteplug::databricks {
namespace {

// Bounds the memory of task-supplied tokens; when full the map is cleared and
// get/delete of older runs fall back to the host secret.
constexpr size_t kMaxRememberedTokens = 100000;
// Bounds the memory of fetched failure details likewise.
constexpr size_t kMaxRememberedFailures = 10000;

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
  flyteplug::sdk::LogConfigWarnings(host, "databricks", parsed->warnings);
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
    : host_(host),
      config_(std::move(config)),
      http_(std::move(http)),
      credentials_(
          host, &config_,
          [this](absl::string_view instance, const ClientCredentials& client) {
            return FetchAccessToken(instance, client);
          }) {}

void DatabricksPlugin::Log(flyteplug_log_level level,
                           absl::string_view message) const {
  if (host_ != nullptr) host_->Log(level, message);
}

absl::Time DatabricksPlugin::CallDeadline() const {
  int64_t deadline = host_ != nullptr ? host_->CallDeadlineUnixNanos() : 0;
  return deadline != 0 ? absl::FromUnixNanos(deadline) : absl::InfiniteFuture();
}

void DatabricksPlugin::ApplyCallControl(HttpRequest* http) const {
  http->deadline = CallDeadline();
  const flyteplug::sdk::Host* host = host_;
  if (host != nullptr) {
    http->cancelled = [host] { return host->CallCancelled(); };
  }
}

std::optional<std::string> DatabricksPlugin::RememberedTaskToken(
    const ResourceMeta& meta) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = task_tokens_.find(MetaKey(meta));
  if (it == task_tokens_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<IssuedToken> DatabricksPlugin::FetchAccessToken(
    absl::string_view instance, const ClientCredentials& client) const {
  HttpRequest http;
  http.method = "POST";
  http.url = absl::StrCat(instance, kTokenEndpointPath);
  http.body = kTokenRequestBody;
  http.content_type = "application/x-www-form-urlencoded";
  http.basic_auth = absl::StrCat(client.client_id, ":", client.client_secret);
  http.call_name = "oidc/v1/token";
  ApplyCallControl(&http);
  absl::StatusOr<HttpResponse> response = http_->Send(http);
  if (!response.ok()) return Redact(response.status(), client.client_secret);
  return ParseTokenResponse(response->body);
}

absl::StatusOr<DatabricksPlugin::AuthorizedResponse>
DatabricksPlugin::SendAuthorized(
    HttpRequest http, absl::string_view instance,
    const std::optional<std::string>& task_token) const {
  ApiCredential credential;
  if (task_token.has_value()) {
    credential.bearer_token = *task_token;
  } else {
    absl::StatusOr<ApiCredential> found =
        credentials_.For(instance, CallDeadline());
    if (!found.ok()) return found.status();
    credential = std::move(*found);
  }
  ApplyCallControl(&http);
  http.bearer_token = credential.bearer_token;
  absl::StatusOr<HttpResponse> response = http_->Send(http);
  if (!response.ok() &&
      response.status().code() == absl::StatusCode::kUnauthenticated &&
      credential.client.has_value()) {
    Log(FLYTEPLUG_LOG_INFO,
        absl::StrCat("databricks ", http.call_name,
                     ": HTTP 401 with an OAuth access token; retrying once "
                     "with a new token"));
    absl::StatusOr<ApiCredential> refreshed =
        credentials_.Refresh(instance, credential, CallDeadline());
    if (!refreshed.ok()) return credential.Scrub(refreshed.status());
    const ApiCredential rejected = std::move(credential);
    credential = std::move(*refreshed);
    http.bearer_token = credential.bearer_token;
    response = http_->Send(http);
    if (!response.ok()) {
      return rejected.Scrub(credential.Scrub(response.status()));
    }
  }
  if (!response.ok()) return credential.Scrub(response.status());
  return AuthorizedResponse{std::move(*response), std::move(credential)};
}

void DatabricksPlugin::AddFailureDetails(
    const ResourceMeta& meta, const std::optional<std::string>& task_token,
    RunState* state) const {
  const std::string key = MetaKey(meta);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = failure_details_.find(key);
    if (it != failure_details_.end()) {
      state->error = it->second.error;
      state->error_trace = it->second.error_trace;
      return;
    }
  }
  uint64_t task_run_id = 0;
  if (!absl::SimpleAtoi(state->failed_task_run_id, &task_run_id)) return;
  HttpRequest http;
  http.method = "GET";
  http.url = absl::StrCat(meta.instance, kJobsApiPrefix,
                          "/get-output?run_id=", task_run_id);
  http.call_name = "runs/get-output";
  absl::StatusOr<AuthorizedResponse> sent =
      SendAuthorized(std::move(http), meta.instance, task_token);
  absl::StatusOr<FailureDetails> details =
      sent.ok() ? ParseRunsGetOutput(sent->response.body, task_run_id)
                : sent.status();
  if (!details.ok()) {
    Log(FLYTEPLUG_LOG_WARNING,
        absl::StrCat("databricks: no failure details for run ", meta.run_id,
                     " (task run ", task_run_id,
                     "), the phase keeps the run's state message: ",
                     details.status().message()));
    return;
  }
  details->error = sent->credential.Scrub(details->error);
  details->error_trace = sent->credential.Scrub(details->error_trace);
  state->error = details->error;
  state->error_trace = details->error_trace;
  std::lock_guard<std::mutex> lock(mu_);
  if (failure_details_.size() >= kMaxRememberedFailures) {
    failure_details_.clear();
  }
  failure_details_[key] = std::move(*details);
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
  HttpRequest http;
  http.method = "POST";
  http.url = request->url;
  http.body = request->body;
  http.call_name = "runs/submit";
  http.is_write = true;
  absl::StatusOr<AuthorizedResponse> sent =
      SendAuthorized(std::move(http), request->instance, request->task_token);
  if (!sent.ok()) return sent.status();
  const HttpResponse* response = &sent->response;

  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(response->body.data(),
                                    response->body.size());
  ResourceMeta meta;
  meta.instance = request->instance;
  auto run_id = doc.IsObject() ? doc.FindMember("run_id") : doc.MemberEnd();
  if (doc.HasParseError() || !doc.IsObject() || run_id == doc.MemberEnd() ||
      !ReadId(run_id->value, &meta.run_id)) {
    return absl::UnavailableError(sent->credential.Scrub(
        absl::StrCat("databricks runs/submit: HTTP ", response->status,
                     " response has no integer run_id: '",
                     sdk::Snippet(response->body, 120), "'")));
  }
  if (request->task_token.has_value()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (task_tokens_.size() >= kMaxRememberedTokens) task_tokens_.clear();
    task_tokens_[MetaKey(meta)] = *request->task_token;
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
  const std::optional<std::string> task_token = RememberedTaskToken(*meta);
  HttpRequest http;
  http.method = "GET";
  http.url = absl::StrCat(meta->instance, kJobsApiPrefix,
                          "/get?run_id=", meta->run_id);
  http.call_name = "runs/get";
  absl::StatusOr<AuthorizedResponse> sent =
      SendAuthorized(std::move(http), meta->instance, task_token);
  if (!sent.ok()) return sent.status();
  absl::StatusOr<RunState> state =
      ParseRunsGetResponse(sent->response.body, meta->instance, meta->run_id);
  if (!state.ok()) return sent->credential.Scrub(state.status());
  if (WantsFailureDetails(*state)) {
    AddFailureDetails(*meta, task_token, &*state);
  }
  return sent->credential.Scrub(SerializeRunState(*state));
}

absl::Status DatabricksPlugin::Delete(absl::string_view resource_meta) const {
  absl::StatusOr<ResourceMeta> meta = DecodeResourceMeta(resource_meta);
  if (!meta.ok()) return meta.status();
  HttpRequest http;
  http.method = "POST";
  http.url = absl::StrCat(meta->instance, kJobsApiPrefix, "/cancel");
  http.body = absl::StrCat("{\"run_id\":", meta->run_id, "}");
  http.call_name = "runs/cancel";
  http.is_write = true;
  absl::StatusOr<AuthorizedResponse> sent = SendAuthorized(
      std::move(http), meta->instance, RememberedTaskToken(*meta));
  if (!sent.ok()) {
    const absl::Status& status = sent.status();
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
  failure_details_.erase(MetaKey(*meta));
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
