// The SparkApplication v1beta2 OpenAPI schema (schema/*.openapi.json),
// compiled into the module at build time.
#ifndef FLYTEPLUG_PLUGINS_SPARK_EMBEDDED_SCHEMA_H_
#define FLYTEPLUG_PLUGINS_SPARK_EMBEDDED_SCHEMA_H_

#include "absl/strings/string_view.h"

namespace flyteplug::spark {

// Static storage; never freed.
absl::string_view SparkApplicationOpenApiSchema();

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_EMBEDDED_SCHEMA_H_
