// Validates SparkApplication manifests against the CRD's OpenAPI v3 schema
// with StructuralSchema, which gives RapidJSON 1.1's SchemaValidator's
// results in one walk of the document (tests/spark/structural_schema_test.cc
// compares the two).
//
// Like RapidJSON, it ignores `format`, `nullable` and the `x-kubernetes-*`
// markers and handles the schema's `anyOf` int-or-string unions and
// quantity `pattern`s, so the schema is used as published (the only
// `nullable` fields are in `status`, which manifests never carry).
#ifndef FLYTEPLUG_PLUGINS_SPARK_MANIFEST_VALIDATOR_H_
#define FLYTEPLUG_PLUGINS_SPARK_MANIFEST_VALIDATOR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "structural_schema.h"

namespace flyteplug::spark {

class ManifestValidator {
 public:
  // Compiles `schema_json` (an OpenAPI v3 object schema) once.
  // Errors: InvalidArgumentError when it is not JSON or uses a keyword
  // StructuralSchema does not implement.
  static absl::StatusOr<std::unique_ptr<ManifestValidator>> Create(
      absl::string_view schema_json);
  // The embedded SparkApplication v1beta2 schema.
  static absl::StatusOr<std::unique_ptr<ManifestValidator>> CreateEmbedded();
  // The embedded schema compiled once per process, on the first call, and
  // shared by every caller. LIFETIME: never destroyed (a
  // validation may run on another thread while the process exits).
  // THREADING: thread-safe; concurrent first calls compile once.
  static absl::StatusOr<const ManifestValidator*> Embedded();

  // OK, or InvalidArgumentError naming the first violation's JSON path and
  // keyword, e.g. "SparkApplication rejected by the CRD schema at
  // spec.driver.cores: must be >= 1 (minimum)". Thread-safe.
  absl::Status Validate(const rapidjson::Value& manifest) const;

  // The first violation: `path` is dotted ("spec.driver.cores"), `detail`
  // names the rule. nullopt when `manifest` is valid. Thread-safe.
  struct Violation {
    std::string path;
    std::string detail;
  };
  std::optional<Violation> FindViolation(
      const rapidjson::Value& manifest) const;

 private:
  ManifestValidator() = default;

  rapidjson::Document schema_json_;
  std::unique_ptr<StructuralSchema> compiled_;  // points into schema_json_
};

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_MANIFEST_VALIDATOR_H_
