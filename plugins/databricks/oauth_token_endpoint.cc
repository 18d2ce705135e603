#include "oauth_token_endpoint.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json.h"
#include "rapidjson/document.h"
#include "resource_meta.h"
#include "secret.h"

namespace flyteplug::databricks {
namespace {

constexpr char kCall[] = "databricks oidc/v1/token: ";

absl::Status Unusable(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(kCall, what));
}

}  // namespace

absl::Status CheckClientCredentials(const ClientCredentials& credentials,
                                    absl::string_view id_where,
                                    absl::string_view secret_where) {
  if (absl::Status s =
          ValidateBearerToken(credentials.client_id, id_where,
                              absl::StatusCode::kFailedPrecondition);
      !s.ok()) {
    return s;
  }
  if (absl::StrContains(credentials.client_id, ':')) {
    return absl::FailedPreconditionError(absl::StrCat(
        "databricks: OAuth client id from ", id_where,
        " contains ':', which HTTP Basic authentication cannot carry in an "
        "id. Nothing was sent"));
  }
  return ValidateBearerToken(credentials.client_secret, secret_where,
                             absl::StatusCode::kFailedPrecondition);
}

absl::StatusOr<IssuedToken> ParseTokenResponse(absl::string_view body) {
  if (body.size() > kMaxTokenResponseBytes) {
    return Unusable(absl::StrCat("the answer has ", body.size(),
                                 " bytes, more than the ",
                                 kMaxTokenResponseBytes, " allowed"));
  }
  rapidjson::Document doc;
  doc.Parse<sdk::json::kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Unusable(absl::StrCat("the answer (", body.size(),
                                 " bytes) is not a JSON object"));
  }
  const rapidjson::Value* token = sdk::json::Find(doc, "access_token");
  const rapidjson::Value* type = sdk::json::Find(doc, "token_type");
  const rapidjson::Value* expires = sdk::json::Find(doc, "expires_in");
  if (token == nullptr || !token->IsString()) {
    return Unusable("the answer has no access_token string");
  }
  if (type == nullptr || !type->IsString()) {
    return Unusable("the answer has no token_type string");
  }
  if (expires == nullptr) return Unusable("the answer has no expires_in");
  if (!absl::EqualsIgnoreCase(sdk::json::StringOf(*type), "Bearer")) {
    return Unusable("token_type is not \"Bearer\"");
  }
  uint64_t seconds = 0;
  if (!ReadId(*expires, &seconds) || seconds < 1 ||
      seconds > static_cast<uint64_t>(kMaxTokenLifetimeSeconds)) {
    return Unusable(
        absl::StrCat("expires_in is not a whole number of seconds "
                     "in [1, ",
                     kMaxTokenLifetimeSeconds, "]"));
  }
  IssuedToken issued;
  issued.access_token = std::string(sdk::json::StringOf(*token));
  issued.lifetime = absl::Seconds(static_cast<int64_t>(seconds));
  if (issued.access_token.size() > kMaxAccessTokenBytes) {
    return Unusable(absl::StrCat(
        "access_token has ", issued.access_token.size(),
        " bytes, more than the ", kMaxAccessTokenBytes, " allowed"));
  }
  if (absl::Status s =
          ValidateBearerToken(issued.access_token, "the oidc/v1/token answer",
                              absl::StatusCode::kUnavailable);
      !s.ok()) {
    return s;
  }
  return issued;
}

}  // namespace flyteplug::databricks
