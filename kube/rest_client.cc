#include "rest_client.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/net/http_status.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/utf8.h"
#include "rapidjson/document.h"

namespace flyteplug::kube {
namespace {

constexpr size_t kMaxQuoted = 300;
constexpr char kDeleteOptions[] =
    R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})";

bool IsLowerAlnum(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c);
}

// DNS-1123 label: 1-63 of [a-z0-9-], alphanumeric at both ends.
bool IsDnsLabel(absl::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// DNS-1123 subdomain: at most 253 bytes of '.'-separated labels.
bool IsDnsSubdomain(absl::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!IsDnsLabel(s.substr(start, dot == absl::string_view::npos
                                        ? absl::string_view::npos
                                        : dot - start))) {
      return false;
    }
    if (dot == absl::string_view::npos) return true;
    start = dot + 1;
  }
}

absl::Status BadPart(absl::string_view part, absl::string_view value,
                     absl::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("kubernetes: ", part, " '", sdk::Snippet(value, 100),
                   "' is not ", rule, "; nothing was sent"));
}

// A discovery path: "/api", "/apis" or below them, of [A-Za-z0-9._-]
// segments, none of them "." or "..".
absl::Status CheckApiPath(absl::string_view path) {
  if (path != "/api" && path != "/apis" && !absl::StartsWith(path, "/api/") &&
      !absl::StartsWith(path, "/apis/")) {
    return BadPart("API path", path, "under /api or /apis");
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    absl::string_view segment = path.substr(
        start, slash == absl::string_view::npos ? absl::string_view::npos
                                                : slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return BadPart("API path", path, "a path of non-empty segments");
    }
    for (char c : segment) {
      if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != '_') {
        return BadPart("API path", path, "made of [A-Za-z0-9._-] segments");
      }
    }
    if (slash == absl::string_view::npos) break;
    start = slash + 1;
  }
  return absl::OkStatus();
}

// "<reason>: <message>" of a Kubernetes Status body, else a snippet of it.
std::string ServerSaid(absl::string_view body) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(body);
  if (trimmed.empty()) return "(empty response body)";
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(trimmed.data(), trimmed.size());
  if (!doc.HasParseError() && doc.IsObject() &&
      sdk::json::StringMember(doc, "kind") == "Status") {
    std::string reason = sdk::json::StringMember(doc, "reason");
    std::string message = sdk::json::StringMember(doc, "message");
    if (reason.empty()) return sdk::Snippet(message, kMaxQuoted);
    if (message.empty()) return sdk::Snippet(reason, kMaxQuoted);
    return sdk::Snippet(absl::StrCat(reason, ": ", message), kMaxQuoted);
  }
  return sdk::Snippet(trimmed, kMaxQuoted);
}

std::string StatusReason(absl::string_view body) {
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "";
  return sdk::json::StringMember(doc, "reason");
}

std::string Describe(const ObjectRef& ref) {
  return absl::StrCat(ref.resource, " ", ref.namespace_name, "/", ref.name);
}

}  // namespace

net::HttpErrorMapping MapKubeError(const net::HttpFailure& failure) {
  net::HttpErrorMapping mapping;
  const long status = failure.http_status;
  absl::StatusCode code = net::CodeForHttpStatus(status);
  if (status == 409 && StatusReason(failure.body) != "AlreadyExists") {
    code = absl::StatusCode::kAborted;
  } else if (status == 422) {
    code = absl::StatusCode::kInvalidArgument;
  } else if (status == 429 || status >= 500) {
    code = absl::StatusCode::kUnavailable;
    mapping.retryable = true;
    mapping.retry_after =
        net::ParseRetryAfter(failure.headers->Find("Retry-After"));
  }
  std::string phrase = status == 422 ? std::string("Unprocessable Entity")
                                     : net::HttpReasonPhrase(status);
  mapping.status = absl::Status(
      code, absl::StrCat(failure.service, " ", failure.call_name, ": HTTP ",
                         status, " ", phrase, ": ", ServerSaid(failure.body)));
  return mapping;
}

absl::StatusOr<std::string> ObjectPath(const ObjectRef& ref, bool collection) {
  if (!ref.group.empty() && !IsDnsSubdomain(ref.group)) {
    return BadPart("API group", ref.group, "a DNS-1123 subdomain");
  }
  if (!IsDnsLabel(ref.version)) {
    return BadPart("API version", ref.version, "a lower-case alphanumeric");
  }
  if (!IsDnsLabel(ref.resource)) {
    return BadPart("resource", ref.resource, "a lower-case REST name");
  }
  if (!IsDnsLabel(ref.namespace_name)) {
    return BadPart("namespace", ref.namespace_name, "a DNS-1123 label");
  }
  std::string path = ref.group.empty()
                         ? absl::StrCat("/api/", ref.version)
                         : absl::StrCat("/apis/", ref.group, "/", ref.version);
  absl::StrAppend(&path, "/namespaces/", ref.namespace_name, "/", ref.resource);
  if (collection) return path;
  if (!IsDnsSubdomain(ref.name)) {
    return BadPart("object name", ref.name, "a DNS-1123 subdomain");
  }
  absl::StrAppend(&path, "/", ref.name);
  return path;
}

absl::StatusOr<std::unique_ptr<RestClient>> RestClient::Create(
    ClusterConfig config, RestClientOptions options) {
  if (absl::Status s = CheckServerTransport(config); !s.ok()) return s;
  net::HttpClientOptions http;
  http.service = "kubernetes";
  http.user_agent = "flyteplug-kube/0.1";
  http.error_mapper = &MapKubeError;
  http.read_rate_limit_setting = "kubernetes read rate limit";
  http.write_rate_limit_setting = "kubernetes write rate limit";
  http.max_total_time_setting = "the kubernetes retry budget";
  http.connect_timeout = options.connect_timeout;
  http.request_timeout = options.request_timeout;
  http.retry = options.retry;
  http.read_rate_limit = options.read_rate_limit;
  http.write_rate_limit = options.write_rate_limit;
  http.ca_pem = config.ca_pem;
  http.client_cert_pem = config.client_cert_pem;
  http.client_key_pem = config.client_key_pem;
  http.insecure_skip_tls_verify = config.insecure_skip_tls_verify;
  http.log = std::move(options.log);
  absl::StatusOr<std::unique_ptr<net::HttpClient>> client =
      net::HttpClient::Create(std::move(http));
  if (!client.ok()) return client.status();
  return std::unique_ptr<RestClient>(
      new RestClient(std::move(config), std::move(*client)));
}

RestClient::RestClient(ClusterConfig config,
                       std::unique_ptr<net::HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)) {}

absl::StatusOr<std::string> RestClient::Call(const char* method,
                                             const std::string& path,
                                             std::string call_name,
                                             std::string body,
                                             absl::string_view content_type,
                                             const CallControl& control) {
  net::HttpRequest request;
  request.method = method;
  request.url = absl::StrCat(config_.server, path);
  request.body = std::move(body);
  request.content_type = std::string(content_type);
  request.call_name = std::move(call_name);
  request.is_write = absl::string_view(method) != "GET";
  request.deadline = control.deadline;
  request.cancelled = control.cancelled;
  if (config_.token != nullptr) request.bearer_token = config_.token->Get();
  absl::StatusOr<net::HttpResponse> response = http_->Send(request);
  if (!response.ok() &&
      response.status().code() == absl::StatusCode::kUnauthenticated &&
      config_.token != nullptr && config_.token->Invalidate()) {
    std::string refreshed = config_.token->Get();
    if (refreshed != request.bearer_token) {
      request.bearer_token = std::move(refreshed);
      response = http_->Send(request);
    }
  }
  if (!response.ok()) return response.status();
  return std::move(response->body);
}

absl::StatusOr<std::string> RestClient::Create(const ObjectRef& ref,
                                               absl::string_view object_json,
                                               const CallControl& control) {
  absl::StatusOr<std::string> path = ObjectPath(ref, /*collection=*/true);
  if (!path.ok()) return path.status();
  if (!IsDnsSubdomain(ref.name)) {
    return BadPart("object name", ref.name, "a DNS-1123 subdomain");
  }
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(object_json.data(), object_json.size());
  const sdk::json::Value* metadata =
      doc.HasParseError() ? nullptr : sdk::json::Find(doc, "metadata");
  if (metadata == nullptr ||
      sdk::json::StringMember(*metadata, "name") != ref.name) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubernetes create ", Describe(ref),
                     ": the object is not JSON with metadata.name '", ref.name,
                     "'; nothing was sent"));
  }
  return Call("POST", *path, absl::StrCat("create ", Describe(ref)),
              std::string(object_json), "application/json", control);
}

absl::StatusOr<std::string> RestClient::Get(const ObjectRef& ref,
                                            const CallControl& control) {
  absl::StatusOr<std::string> path = ObjectPath(ref, /*collection=*/false);
  if (!path.ok()) return path.status();
  return Call("GET", *path, absl::StrCat("get ", Describe(ref)), "", "",
              control);
}

absl::StatusOr<std::string> RestClient::JsonPatch(const ObjectRef& ref,
                                                  absl::string_view patch_json,
                                                  const CallControl& control) {
  absl::StatusOr<std::string> path = ObjectPath(ref, /*collection=*/false);
  if (!path.ok()) return path.status();
  return Call("PATCH", *path, absl::StrCat("patch ", Describe(ref)),
              std::string(patch_json), "application/json-patch+json", control);
}

absl::Status RestClient::Delete(const ObjectRef& ref,
                                const CallControl& control) {
  absl::StatusOr<std::string> path = ObjectPath(ref, /*collection=*/false);
  if (!path.ok()) return path.status();
  return Call("DELETE", *path, absl::StrCat("delete ", Describe(ref)),
              kDeleteOptions, "application/json", control)
      .status();
}

absl::StatusOr<std::string> RestClient::GetPath(absl::string_view path,
                                                const CallControl& control) {
  if (absl::Status s = CheckApiPath(path); !s.ok()) return s;
  return Call("GET", std::string(path), absl::StrCat("get ", path), "", "",
              control);
}

}  // namespace flyteplug::kube
