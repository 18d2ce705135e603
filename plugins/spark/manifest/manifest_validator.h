// Validates SparkApplication manifests against the CRD's OpenAPI v3 schema
// with RapidJSON's JSON Schema validator.
//
// RapidJSON 1.1 ignores the keywords it does not know (`format`,
// `nullable`, `x-kubernetes-*`) and handles the schema's `anyOf`
// int-or-string unions and quantity `pattern`s, so the schema is used as
// published (the only `nullable` fields are in `status`, which manifests
// never carry).
#ifndef FLYTEPLUG_PLUGINS_SPARK_MANIFEST_VALIDATOR_H_
#define FLYTEPLUG_PLUGINS_SPARK_MANIFEST_VALIDATOR_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "rapidjson/schema.h"

namespace flyteplug::spark {

class ManifestValidator {
 public:
  // Compiles `schema_json` (an OpenAPI v3 object schema) once.
  // Errors: InvalidArgumentError when it is not JSON.
  static absl::StatusOr<std::unique_ptr<ManifestValidator>> Create(
      absl::string_view schema_json);
  // The embedded SparkApplication v1beta2 schema.
  static absl::StatusOr<std::unique_ptr<ManifestValidator>> CreateEmbedded();
  // The embedded schema compiled once per process, on the first call (about
  // 20 ms), and shared by every caller. LIFETIME: never destroyed (a
  // validation may run on another thread while the process exits).
  // THREADING: thread-safe; concurrent first calls compile once.
  static absl::StatusOr<const ManifestValidator*> Embedded();

  // OK, or InvalidArgumentError naming the first violation's JSON path and
  // keyword, e.g. "SparkApplication rejected by the CRD schema at
  // spec.driver.cores: must be >= 1 (minimum)". Thread-safe (each
  // concurrent call takes its own compiled schema, compiling one more when
  // none is idle).
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

  // The compiled schema allocates from a memory pool released as a whole
  // with it: RapidJSON 1.1's Schema leaks some strings it copies with the
  // default CrtAllocator (seen with LeakSanitizer); a pool frees them.
  using SchemaDocument =
      rapidjson::GenericSchemaDocument<rapidjson::Value,
                                       rapidjson::MemoryPoolAllocator<>>;
  using SchemaValidator = rapidjson::GenericSchemaValidator<SchemaDocument>;

  // A compiled schema for one validation at a time: RapidJSON 1.1's regex
  // matching (`pattern`) writes to state inside the compiled schema, so
  // concurrent validations must not share one. Returns it on destruction.
  class Lease;

  rapidjson::Document schema_json_;
  // Compiled schemas not in use: one after Create, one more for each
  // validation that finds none idle (at most one per concurrent caller).
  mutable std::mutex idle_mu_;
  mutable std::vector<std::unique_ptr<SchemaDocument>> idle_;
};

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_MANIFEST_VALIDATOR_H_
