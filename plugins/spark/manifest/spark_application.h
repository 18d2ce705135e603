// BuildResource for the Spark module: a TaskContext in, a SparkApplication
// (sparkoperator.k8s.io/v1beta2) manifest out, exactly as Flyte v1's Go
// plugin builds it (docs/flyte-compatibility.md) plus the documented
// improvements (README.md).
#ifndef FLYTEPLUG_PLUGINS_SPARK_SPARK_APPLICATION_H_
#define FLYTEPLUG_PLUGINS_SPARK_SPARK_APPLICATION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "manifest_validator.h"
#include "rapidjson/document.h"

namespace flyteplug::spark {

inline constexpr char kSparkApiVersion[] = "sparkoperator.k8s.io/v1beta2";
inline constexpr char kSparkKind[] = "SparkApplication";

class SparkApplicationBuilder {
 public:
  // Takes the parsed configuration; with `validate-manifest` on, checks the
  // Kubernetes objects of plugins.k8s (tolerations, affinity, requirements,
  // security contexts, DNS config) against the CRD schema. The schema is
  // compiled once per process (ManifestValidator::Embedded()), at the first
  // check or build that needs it. Errors: InvalidArgumentError naming the
  // key (e.g. "plugins.k8s.default-tolerations[0].tolerationSeconds:
  // violates type ..."); INTERNAL if the embedded schema does not compile
  // (here or from BuildResource).
  static absl::StatusOr<std::unique_ptr<SparkApplicationBuilder>> Create(
      ModuleConfig config);

  // The manifest as compact JSON with sorted keys. `now_unix_nanos` is the
  // host clock (spark.kubernetes.driverEnv.FLYTE_START_TIME). Errors:
  // InvalidArgumentError for a bad task (message names the field, with
  // Flyte's wording where it has one) or a manifest the CRD would reject.
  // Thread-safe.
  absl::StatusOr<std::string> BuildResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      int64_t now_unix_nanos) const;

  // Same, into `*manifest` (replaced), before serialization.
  absl::Status BuildResourceDocument(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      int64_t now_unix_nanos, rapidjson::Document* manifest) const;

  // {"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication"}.
  static std::string BuildIdentityResource();

  const ModuleConfig& config() const { return config_; }

 private:
  // Checks the Kubernetes objects of plugins.k8s against the CRD schema.
  absl::Status CheckPlatformObjects() const;

  explicit SparkApplicationBuilder(ModuleConfig config)
      : config_(std::move(config)) {}

  // ManifestValidator::Embedded(), its error as INTERNAL.
  static absl::StatusOr<const ManifestValidator*> Validator();

  ModuleConfig config_;
};

// Flyte's ConvertToDNS1123SubdomainCompatibleString.
std::string ToDns1123Subdomain(absl::string_view name);

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_SPARK_APPLICATION_H_
