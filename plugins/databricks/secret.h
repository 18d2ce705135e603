// The Databricks API token as a secret: flyteplug_net's validation and
// redaction (flyteplug/net/secret.h) under the module's name.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_SECRET_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_SECRET_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "flyteplug/net/secret.h"

namespace flyteplug::databricks {

using net::kMinRedactedRun;
using net::Redact;

// net::ValidateBearerToken for the Databricks API token: messages start with
// "databricks: API token from <where>".
inline absl::Status ValidateBearerToken(absl::string_view token,
                                        absl::string_view where,
                                        absl::StatusCode code) {
  return net::ValidateBearerToken("databricks", token, where, code);
}

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_SECRET_H_
