// Resolution and validation of the Databricks workspace address.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_INSTANCE_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_INSTANCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace flyteplug::databricks {

// The environment variable consulted when neither the task nor the
// configuration names an instance.
inline constexpr char kInstanceEnvVar[] = "FLYTE_DATABRICKS_INSTANCE";

// Turns a user-supplied instance into a base URL without a trailing slash:
// "acme.cloud.databricks.com" -> "https://acme.cloud.databricks.com";
// "https://acme.cloud.databricks.com/" -> "https://acme.cloud.databricks.com".
// `http://` is accepted only for loopback hosts (localhost, 127.0.0.0/8,
// [::1]) so a token never travels in clear text to another host. Userinfo
// (`user@`), query and fragment are rejected. Errors are INVALID_ARGUMENT and
// start with `where` (e.g. "taskTemplate.custom.databricksInstance").
absl::StatusOr<std::string> NormalizeInstance(absl::string_view raw,
                                              absl::string_view where);

// Picks the instance: the task's, else the configuration's, else
// `env_value` (the caller reads $FLYTE_DATABRICKS_INSTANCE), and normalizes
// it. INVALID_ARGUMENT naming all three sources when none is set.
absl::StatusOr<std::string> ResolveInstance(absl::string_view task_value,
                                            absl::string_view config_value,
                                            absl::string_view env_value);

// True for "localhost", 127.x.y.z and "[::1]"/"::1" (an optional ":port"
// must already be stripped).
bool IsLoopbackHost(absl::string_view host);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_INSTANCE_H_
