#include "credentials.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "oauth_token_endpoint.h"
#include "secret.h"

namespace flyteplug::databricks {
namespace {

std::string Where(absl::string_view key, absl::string_view config_key) {
  return absl::StrCat("secret '", key, "' (plugins.databricks.", config_key,
                      ")");
}

}  // namespace

std::string ApiCredential::Scrub(absl::string_view text) const {
  std::string out = Redact(text, bearer_token);
  if (client.has_value()) out = Redact(out, client->client_secret);
  return out;
}

absl::Status ApiCredential::Scrub(const absl::Status& status) const {
  absl::Status out = Redact(status, bearer_token);
  return client.has_value() ? Redact(out, client->client_secret) : out;
}

CredentialSource::CredentialSource(const flyteplug::sdk::Host* host,
                                   const DatabricksConfig* config,
                                   FetchTokenFn fetch)
    : host_(host), config_(config), cache_(std::move(fetch)) {}

std::optional<std::string> CredentialSource::OptionalSecret(
    const std::string& key) const {
  if (host_ == nullptr) return std::nullopt;
  absl::StatusOr<std::string> value = host_->GetSecret(key);
  if (!value.ok() || value->empty()) return std::nullopt;
  return std::move(*value);
}

absl::StatusOr<std::string> CredentialSource::PersonalAccessToken() const {
  if (host_ == nullptr) {
    return absl::FailedPreconditionError(
        "databricks: no host to look up the API token");
  }
  const std::string& key = config_->databricks_token_key;
  absl::StatusOr<std::string> token = host_->GetSecret(key);
  if (!token.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "databricks: API token secret '", key,
        "' (plugins.databricks.databricksTokenKey) is not available: ",
        token.status().message()));
  }
  if (token->empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("databricks: API token secret '", key, "' is empty"));
  }
  if (absl::Status s =
          ValidateBearerToken(*token, Where(key, "databricksTokenKey"),
                              absl::StatusCode::kFailedPrecondition);
      !s.ok()) {
    return s;
  }
  return token;
}

absl::StatusOr<std::optional<ClientCredentials>> CredentialSource::OAuthClient()
    const {
  const std::string& id_key = config_->databricks_client_id_key;
  const std::string& secret_key = config_->databricks_client_secret_key;
  std::optional<std::string> id = OptionalSecret(id_key);
  std::optional<std::string> secret = OptionalSecret(secret_key);
  if (id.has_value() != secret.has_value() &&
      !warned_partial_oauth_.exchange(true) && host_ != nullptr) {
    const bool id_missing = !id.has_value();
    host_->Log(
        FLYTEPLUG_LOG_WARNING,
        absl::StrCat(
            "databricks: OAuth secret '", id_missing ? id_key : secret_key,
            "' (plugins.databricks.",
            id_missing ? "databricksClientIdKey" : "databricksClientSecretKey",
            ") is not available while '", id_missing ? secret_key : id_key,
            "' is; using the API token secret '", config_->databricks_token_key,
            "' instead"));
  }
  if (!id.has_value() || !secret.has_value()) return std::nullopt;
  ClientCredentials client{std::move(*id), std::move(*secret)};
  if (absl::Status s = CheckClientCredentials(
          client, Where(id_key, "databricksClientIdKey"),
          Where(secret_key, "databricksClientSecretKey"));
      !s.ok()) {
    return s;
  }
  return client;
}

absl::StatusOr<ApiCredential> CredentialSource::For(absl::string_view instance,
                                                    absl::Time deadline) const {
  absl::StatusOr<std::optional<ClientCredentials>> client = OAuthClient();
  if (!client.ok()) return client.status();
  ApiCredential credential;
  if (!client->has_value()) {
    absl::StatusOr<std::string> token = PersonalAccessToken();
    if (!token.ok()) return token.status();
    credential.bearer_token = std::move(*token);
    return credential;
  }
  credential.client = std::move(**client);
  absl::StatusOr<std::string> token =
      cache_.Token(instance, *credential.client, deadline);
  if (!token.ok()) return credential.Scrub(token.status());
  credential.bearer_token = std::move(*token);
  return credential;
}

absl::StatusOr<ApiCredential> CredentialSource::Refresh(
    absl::string_view instance, const ApiCredential& rejected,
    absl::Time deadline) const {
  ApiCredential credential;
  credential.client = rejected.client;
  absl::StatusOr<std::string> token = cache_.Refresh(
      instance, *credential.client, rejected.bearer_token, deadline);
  if (!token.ok()) return credential.Scrub(token.status());
  credential.bearer_token = std::move(*token);
  return credential;
}

}  // namespace flyteplug::databricks
