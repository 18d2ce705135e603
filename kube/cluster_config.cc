#include "cluster_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/utf8.h"
#include "rapidjson/document.h"
#include "yaml_to_json.h"

namespace flyteplug::kube {
namespace {

using sdk::json::Value;

// Reads a whole (small) file; errors name `what` and the path.
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", what, " '", path, "'"));
  }
  std::string text;
  char buffer[4096];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > sdk::json::kMaxBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " '", path, "' is larger than ",
                       sdk::json::kMaxBytes, " bytes"));
    }
  }
  return text;
}

GetEnvFn OrStdGetenv(const GetEnvFn& getenv) {
  if (getenv) return getenv;
  return [](const char* name) { return std::getenv(name); };
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost") || host == "[::1]") {
    return true;
  }
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view octet : octets) {
    int value = 0;
    if (!absl::SimpleAtoi(octet, &value) || value < 0 || value > 255) {
      return false;
    }
  }
  return true;
}

// The host of "scheme://host[:port][/...]", brackets kept for IPv6.
absl::string_view HostOf(absl::string_view authority) {
  authority = authority.substr(0, authority.find('/'));
  if (absl::StartsWith(authority, "[")) {
    return authority.substr(0, authority.find(']') + 1);
  }
  return authority.substr(0, authority.find(':'));
}

// The directory part of `path` with a trailing '/', or "" for a bare name.
std::string DirectoryOf(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) return "";
  return std::string(path.substr(0, slash + 1));
}

std::string ResolveRelative(absl::string_view file, absl::string_view base) {
  if (absl::StartsWith(file, "/")) return std::string(file);
  return absl::StrCat(DirectoryOf(base), file);
}

// Reads a kubeconfig document: entries by name, keys by path, every error
// naming the file and the key path.
class KubeconfigReader {
 public:
  KubeconfigReader(const Value& root, absl::string_view path)
      : root_(root), path_(path) {}

  absl::Status Error(absl::string_view key_path, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig '", path_, "': ", key_path, ": ", what));
  }

  // The `body_key` object of the entry named `name` in list `list`, and its
  // key path in *where.
  absl::StatusOr<const Value*> Entry(absl::string_view list,
                                     absl::string_view name,
                                     absl::string_view body_key,
                                     std::string* where) const {
    const Value* entries = sdk::json::Find(root_, list);
    if (entries == nullptr || !entries->IsArray()) {
      return Error(list, "missing (a list of named entries)");
    }
    for (const Value& entry : entries->GetArray()) {
      if (sdk::json::StringMember(entry, "name") != name) continue;
      *where = absl::StrCat(list, "[name=", name, "].", body_key);
      const Value* body = sdk::json::Find(entry, body_key);
      if (body == nullptr || !body->IsObject()) {
        return Error(*where, "missing or not a mapping");
      }
      return body;
    }
    return absl::FailedPreconditionError(
        absl::StrCat("kubeconfig '", path_, "': ", list, ": no entry named '",
                     sdk::Snippet(name, 100), "'"));
  }

  // The string at `key` of `object` ("" when absent); an error when present
  // but not a string.
  absl::StatusOr<std::string> String(const Value& object,
                                     absl::string_view where,
                                     absl::string_view key) const {
    const Value* value = sdk::json::Find(object, key);
    if (value == nullptr || value->IsNull()) return std::string();
    if (!value->IsString()) {
      return Error(absl::StrCat(where, ".", key), "expected a string");
    }
    return std::string(sdk::json::StringOf(*value));
  }

  // The PEM text of `<key>-data` (base64) or of the file `key` names.
  absl::StatusOr<std::string> Pem(const Value& object, absl::string_view where,
                                  absl::string_view key) const {
    std::string data_key = absl::StrCat(key, "-data");
    absl::StatusOr<std::string> data = String(object, where, data_key);
    if (!data.ok()) return data.status();
    if (!data->empty()) {
      std::string pem;
      if (!absl::Base64Unescape(*data, &pem)) {
        return Error(absl::StrCat(where, ".", data_key), "not valid base64");
      }
      return pem;
    }
    absl::StatusOr<std::string> file = String(object, where, key);
    if (!file.ok() || file->empty()) return file;
    absl::StatusOr<std::string> pem =
        ReadFile(ResolveRelative(*file, path_), absl::StrCat(where, ".", key));
    if (!pem.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubeconfig '", path_, "': ", pem.status().message()));
    }
    return pem;
  }

  const std::string& path() const { return path_; }

 private:
  const Value& root_;
  const std::string path_;
};

absl::Status ReadCluster(const KubeconfigReader& reader, const Value& cluster,
                         const std::string& where, ClusterConfig* config) {
  absl::StatusOr<std::string> server = reader.String(cluster, where, "server");
  if (!server.ok()) return server.status();
  if (server->empty()) {
    return reader.Error(absl::StrCat(where, ".server"), "missing");
  }
  config->server = std::string(absl::StripSuffix(*server, "/"));
  absl::StatusOr<std::string> ca =
      reader.Pem(cluster, where, "certificate-authority");
  if (!ca.ok()) return ca.status();
  config->ca_pem = std::move(*ca);
  const Value* insecure = sdk::json::Find(cluster, "insecure-skip-tls-verify");
  if (insecure != nullptr && !insecure->IsNull()) {
    if (!insecure->IsBool()) {
      return reader.Error(absl::StrCat(where, ".insecure-skip-tls-verify"),
                          "expected true or false");
    }
    config->insecure_skip_tls_verify = insecure->GetBool();
  }
  return absl::OkStatus();
}

absl::Status ReadUser(const KubeconfigReader& reader, const Value& user,
                      const std::string& where, ClusterConfig* config) {
  for (const char* unsupported :
       {"exec", "auth-provider", "username", "password"}) {
    const Value* value = sdk::json::Find(user, unsupported);
    if (value != nullptr && !value->IsNull()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "kubeconfig '", reader.path(), "': ", where, ".", unsupported,
          ": not supported by flyteplug (use a token, tokenFile or client "
          "certificate; exec credential plugins, auth-provider and basic "
          "authentication are not implemented)"));
    }
  }
  absl::StatusOr<std::string> token = reader.String(user, where, "token");
  if (!token.ok()) return token.status();
  absl::StatusOr<std::string> token_file =
      reader.String(user, where, "tokenFile");
  if (!token_file.ok()) return token_file.status();
  if (!token->empty()) {
    config->token = TokenSource::Fixed(*token);
  } else if (!token_file->empty()) {
    absl::StatusOr<std::shared_ptr<TokenSource>> source =
        TokenSource::FromFile(ResolveRelative(*token_file, reader.path()));
    if (!source.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("kubeconfig '", reader.path(), "': ", where,
                       ".tokenFile: ", source.status().message()));
    }
    config->token = std::move(*source);
  }
  absl::StatusOr<std::string> cert =
      reader.Pem(user, where, "client-certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = reader.Pem(user, where, "client-key");
  if (!key.ok()) return key.status();
  if (cert->empty() != key->empty()) {
    return reader.Error(where,
                        "client-certificate and client-key must be given "
                        "together");
  }
  config->client_cert_pem = std::move(*cert);
  config->client_key_pem = std::move(*key);
  return absl::OkStatus();
}

}  // namespace

TokenSource::TokenSource(std::string token, std::string path,
                         absl::Duration refresh)
    : path_(std::move(path)), refresh_(refresh), token_(std::move(token)) {}

std::shared_ptr<TokenSource> TokenSource::Fixed(std::string token) {
  return std::shared_ptr<TokenSource>(
      new TokenSource(std::string(absl::StripAsciiWhitespace(token)), "",
                      absl::InfiniteDuration()));
}

absl::StatusOr<std::shared_ptr<TokenSource>> TokenSource::FromFile(
    std::string path, absl::Duration refresh) {
  std::shared_ptr<TokenSource> source(
      new TokenSource("", std::move(path), refresh));
  std::lock_guard<std::mutex> lock(source->mu_);
  if (absl::Status s = source->Reload(); !s.ok()) return s;
  return source;
}

absl::Status TokenSource::Reload() {
  absl::StatusOr<std::string> text = ReadFile(path_, "token file");
  read_at_ = absl::Now();
  if (!text.ok()) return text.status();
  std::string token(absl::StripAsciiWhitespace(*text));
  if (token.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("token file '", path_, "' is empty"));
  }
  token_ = std::move(token);
  return absl::OkStatus();
}

std::string TokenSource::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!path_.empty() && absl::Now() - read_at_ >= refresh_) {
    Reload().IgnoreError();  // keeps the last good token
  }
  return token_;
}

bool TokenSource::Invalidate() {
  if (path_.empty()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  read_at_ = absl::InfinitePast();
  return true;
}

absl::Status CheckServerTransport(const ClusterConfig& config) {
  absl::string_view server = config.server;
  bool https = absl::ConsumePrefix(&server, "https://");
  if (!https && !absl::ConsumePrefix(&server, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        config.source, ": server '", sdk::Snippet(config.server, 100),
        "' is not an http:// or https:// URL"));
  }
  absl::string_view host = HostOf(server);
  if (host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(config.source, ": server '",
                     sdk::Snippet(config.server, 100), "' names no host"));
  }
  if (!https && config.token != nullptr && !IsLoopbackHost(host)) {
    return absl::FailedPreconditionError(absl::StrCat(
        config.source, ": server '", sdk::Snippet(config.server, 100),
        "' is plain http:// and not loopback: refusing to send a bearer token "
        "unencrypted (use https://)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ClusterConfig> LoadInClusterConfig(
    absl::string_view service_account_dir, const GetEnvFn& getenv) {
  GetEnvFn env = OrStdGetenv(getenv);
  const char* host = env("KUBERNETES_SERVICE_HOST");
  const char* port = env("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    return absl::FailedPreconditionError(
        "in-cluster configuration: KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT must be set (is this process running in a "
        "pod?)");
  }
  ClusterConfig config;
  config.cluster_name = "in-cluster";
  config.source = "in-cluster configuration";
  absl::string_view h = host;
  bool ipv6 = absl::StrContains(h, ':') && !absl::StartsWith(h, "[");
  config.server =
      absl::StrCat("https://", ipv6 ? "[" : "", h, ipv6 ? "]" : "", ":", port);
  std::string dir(absl::StripSuffix(service_account_dir, "/"));
  absl::StatusOr<std::shared_ptr<TokenSource>> token =
      TokenSource::FromFile(absl::StrCat(dir, "/token"));
  if (!token.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("in-cluster configuration: ", token.status().message()));
  }
  config.token = std::move(*token);
  absl::StatusOr<std::string> ca =
      ReadFile(absl::StrCat(dir, "/ca.crt"), "service-account CA");
  if (!ca.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("in-cluster configuration: ", ca.status().message()));
  }
  config.ca_pem = std::move(*ca);
  absl::StatusOr<std::string> ns =
      ReadFile(absl::StrCat(dir, "/namespace"), "service-account namespace");
  if (ns.ok() && !absl::StripAsciiWhitespace(*ns).empty()) {
    config.default_namespace = std::string(absl::StripAsciiWhitespace(*ns));
  }
  if (absl::Status s = CheckServerTransport(config); !s.ok()) return s;
  return config;
}

absl::StatusOr<ClusterConfig> ParseKubeconfig(absl::string_view yaml,
                                              absl::string_view path,
                                              absl::string_view context) {
  absl::StatusOr<std::string> json =
      loader::YamlToJson(yaml, absl::StrCat("kubeconfig '", path, "'"));
  if (!json.ok()) return json.status();
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(json->data(), json->size());
  KubeconfigReader reader(doc, path);
  if (doc.HasParseError() || !doc.IsObject()) {
    return reader.Error("(document)", "expected a mapping");
  }
  std::string context_name(context);
  if (context_name.empty()) {
    absl::StatusOr<std::string> current =
        reader.String(doc, "(document)", "current-context");
    if (!current.ok()) return current.status();
    if (current->empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "kubeconfig '", path,
          "': current-context is not set and no context was given"));
    }
    context_name = std::move(*current);
  }
  std::string where;
  absl::StatusOr<const Value*> ctx =
      reader.Entry("contexts", context_name, "context", &where);
  if (!ctx.ok()) return ctx.status();
  absl::StatusOr<std::string> cluster_name =
      reader.String(**ctx, where, "cluster");
  absl::StatusOr<std::string> user_name = reader.String(**ctx, where, "user");
  absl::StatusOr<std::string> ns = reader.String(**ctx, where, "namespace");
  for (const auto* s : {&cluster_name, &user_name, &ns}) {
    if (!s->ok()) return s->status();
  }
  if (cluster_name->empty()) {
    return reader.Error(absl::StrCat(where, ".cluster"), "missing");
  }
  ClusterConfig config;
  config.source = absl::StrCat("kubeconfig '", path, "'");
  config.cluster_name = *cluster_name;
  if (!ns->empty()) config.default_namespace = *ns;
  absl::StatusOr<const Value*> cluster =
      reader.Entry("clusters", *cluster_name, "cluster", &where);
  if (!cluster.ok()) return cluster.status();
  if (absl::Status s = ReadCluster(reader, **cluster, where, &config);
      !s.ok()) {
    return s;
  }
  if (!user_name->empty()) {
    absl::StatusOr<const Value*> user =
        reader.Entry("users", *user_name, "user", &where);
    if (!user.ok()) return user.status();
    if (absl::Status s = ReadUser(reader, **user, where, &config); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckServerTransport(config); !s.ok()) return s;
  return config;
}

absl::StatusOr<ClusterConfig> LoadKubeconfig(absl::string_view path,
                                             absl::string_view context) {
  absl::StatusOr<std::string> yaml = ReadFile(std::string(path), "kubeconfig");
  if (!yaml.ok()) return yaml.status();
  return ParseKubeconfig(*yaml, path, context);
}

absl::StatusOr<ClusterConfig> ResolveClusterConfig(
    const ClusterConfigOptions& options) {
  if (!options.kubeconfig.empty()) {
    return LoadKubeconfig(options.kubeconfig, options.context);
  }
  GetEnvFn env = OrStdGetenv(options.getenv);
  const char* service_host = env("KUBERNETES_SERVICE_HOST");
  if (options.context.empty() && service_host != nullptr &&
      *service_host != '\0') {
    return LoadInClusterConfig(options.service_account_dir, env);
  }
  const char* list = env("KUBECONFIG");
  if (list != nullptr && *list != '\0') {
    std::string first(
        absl::string_view(list).substr(0, absl::string_view(list).find(':')));
    if (!first.empty()) return LoadKubeconfig(first, options.context);
  }
  const char* home = env("HOME");
  if (home == nullptr || *home == '\0') {
    return absl::FailedPreconditionError(
        "no Kubernetes configuration: no --kubeconfig, not in a cluster "
        "(KUBERNETES_SERVICE_HOST unset), $KUBECONFIG and $HOME unset");
  }
  return LoadKubeconfig(absl::StrCat(home, "/.kube/config"), options.context);
}

}  // namespace flyteplug::kube
