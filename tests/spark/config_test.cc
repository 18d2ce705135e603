// plugins.spark / plugins.k8s parsing: defaults, Flyte's key names, the Helm
// list form, strict typing, unknown keys and type errors naming the path.
#include "config.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "flyteplug/sdk/json_writer.h"
#include "gtest/gtest.h"

namespace flyteplug::spark {

namespace json = ::flyteplug::sdk::json;
namespace {

TEST(SparkConfig, DefaultsMatchFlyte) {
  for (const char* empty :
       {"", "{}", "  ", R"({"spark": null, "k8s": null})"}) {
    std::vector<std::string> unknown;
    absl::StatusOr<ModuleConfig> config = ParseModuleConfig(empty, &unknown);
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_TRUE(unknown.empty());
    const K8sPluginConfig& k8s = config->k8s;
    EXPECT_EQ(
        k8s.default_annotations,
        (std::map<std::string, std::string>{
            {"cluster-autoscaler.kubernetes.io/safe-to-evict", "false"}}));
    EXPECT_EQ(k8s.default_cpus, "1000m");
    EXPECT_EQ(k8s.default_memory, "1024Mi");
    EXPECT_EQ(k8s.gpu_device_node_label, "k8s.amazonaws.com/accelerator");
    EXPECT_EQ(k8s.gpu_partition_size_node_label,
              "k8s.amazonaws.com/gpu-partition-size");
    EXPECT_EQ(k8s.gpu_resource_name, "nvidia.com/gpu");
    EXPECT_FALSE(k8s.enable_host_networking_pod.has_value());
    EXPECT_FALSE(k8s.inject_finalizer);
    EXPECT_TRUE(k8s.default_affinity.IsNull());
    EXPECT_TRUE(k8s.default_tolerations.IsArray());
    const SparkPluginConfig& spark = config->spark;
    EXPECT_TRUE(spark.spark_config_default.empty());
    EXPECT_TRUE(spark.features.empty());
    EXPECT_EQ(spark.spark_history_server_url, "");
    EXPECT_EQ(spark.spark_version, "3.5.0");
    EXPECT_TRUE(spark.validate_manifest);
    EXPECT_TRUE(spark.user_spark_conf_wins);
    EXPECT_TRUE(spark.sanitize_pod_name_prefix);
    EXPECT_TRUE(spark.enforce_platform_affinity);
    EXPECT_TRUE(spark.dedupe_overlay_containers);
    EXPECT_FALSE(spark.propagate_container_resources);
    EXPECT_FALSE(spark.enable_pod_template);
  }
}

TEST(SparkConfig, ParsesEveryKey) {
  std::vector<std::string> unknown;
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(R"json({
    "spark": {
      "spark-config-default": {"spark.a": "1", "spark.b": "2", "spark.c": "true"},
      "spark-history-server-url": "https://history.example.com",
      "features": [{"name": "f", "spark-config": {"k": "v"}}],
      "spark-version": "3.4.0",
      "validate-manifest": false,
      "propagate-container-resources": true,
      "Enable-Pod-Template": true
    },
    "k8s": {
      "default-annotations": {"a": "b"},
      "default-labels": {"l": "v"},
      "default-env-vars": {"E": "1"},
      "default-env-vars-from-env": {"F": "HOME"},
      "default-cpus": "2",
      "default-memory": "2Gi",
      "default-tolerations": [{"key": "t", "operator": "Exists"}],
      "default-node-selector": {"n": "s"},
      "default-affinity": {"nodeAffinity": {}},
      "scheduler-name": "sched",
      "interruptible-tolerations": [{"key": "i"}],
      "interruptible-node-selector": {"i": "1"},
      "interruptible-node-selector-requirement": {"key": "i", "operator": "In", "values": ["true"]},
      "non-interruptible-node-selector-requirement": {"key": "n", "operator": "DoesNotExist"},
      "resource-tolerations": {"nvidia.com/gpu": [{"key": "gpu"}]},
      "default-pod-security-context": {"runAsUser": 1},
      "default-security-context": {"privileged": false},
      "enable-host-networking-pod": false,
      "default-pod-dns-config": {"nameservers": ["1.1.1.1"]},
      "default-pod-template-name": "tmpl",
      "image-pull-policy": "Always",
      "gpu-device-node-label": "g",
      "gpu-partition-size-node-label": "p",
      "gpu-resource-name": "amd.com/gpu",
      "add-tolerations-for-extended-resources": ["amd.com/gpu"],
      "inject-finalizer": true,
      "co-pilot": {"name": "flyte-copilot-"},
      "create-container-error-grace-period": "3m"
    }
  })json",
                                                          &unknown);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(unknown.empty()) << unknown.front();
  const SparkPluginConfig& spark = config->spark;
  EXPECT_EQ(spark.spark_config_default,
            (std::map<std::string, std::string>{
                {"spark.a", "1"}, {"spark.b", "2"}, {"spark.c", "true"}}));
  EXPECT_EQ(spark.spark_history_server_url, "https://history.example.com");
  ASSERT_EQ(spark.features.size(), 1u);
  EXPECT_EQ(spark.features[0].name, "f");
  EXPECT_EQ(spark.features[0].spark_config.at("k"), "v");
  EXPECT_EQ(spark.spark_version, "3.4.0");
  EXPECT_FALSE(spark.validate_manifest);
  EXPECT_TRUE(spark.propagate_container_resources);
  EXPECT_TRUE(spark.enable_pod_template);
  const K8sPluginConfig& k8s = config->k8s;
  EXPECT_EQ(k8s.default_annotations.size(), 1u);
  EXPECT_EQ(k8s.default_cpus, "2");
  EXPECT_EQ(k8s.default_env_vars_from_env.at("F"), "HOME");
  EXPECT_EQ(k8s.default_tolerations.Size(), 1u);
  EXPECT_EQ(k8s.scheduler_name, "sched");
  EXPECT_EQ(sdk::json::Write(k8s.non_interruptible_node_selector_requirement),
            R"({"key":"n","operator":"DoesNotExist"})");
  EXPECT_EQ(k8s.resource_tolerations.MemberCount(), 1u);
  ASSERT_TRUE(k8s.enable_host_networking_pod.has_value());
  EXPECT_FALSE(*k8s.enable_host_networking_pod);
  EXPECT_EQ(k8s.gpu_resource_name, "amd.com/gpu");
  EXPECT_EQ(k8s.add_tolerations_for_extended_resources,
            std::vector<std::string>{"amd.com/gpu"});
  EXPECT_TRUE(k8s.inject_finalizer);
  EXPECT_EQ(k8s.image_pull_policy, "Always");
}

TEST(SparkConfig, HelmListFormOfSparkConfigDefault) {
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(R"json({"spark": {
    "spark-config-default": [
      {"spark.hadoop.fs.s3a.aws.credentials.provider": "com.amazonaws.auth.DefaultAWSCredentialsProviderChain"},
      {"spark.kubernetes.allocation.batch.size": "50"},
      {"spark.blacklist.enabled": "true"}
    ]}})json",
                                                          nullptr);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->spark.spark_config_default.size(), 3u);
  EXPECT_EQ(config->spark.spark_config_default.at(
                "spark.kubernetes.allocation.batch.size"),
            "50");
}

TEST(SparkConfig, UnknownKeysAreReportedWithTheirPath) {
  std::vector<std::string> unknown;
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(
      R"({"spark": {"foo": 1, "features": [{"name": "x", "bar": 2}]},
          "k8s": {"not-a-key": true}, "ray": {}})",
      &unknown);
  ASSERT_TRUE(config.ok()) << config.status();
  // plugins.ray is the loader's to report: it never reaches the module.
  EXPECT_EQ(unknown, (std::vector<std::string>{
                         "plugins.spark.foo: unknown key, ignored",
                         "plugins.spark.features[0].bar: unknown key, ignored",
                         "plugins.k8s.not-a-key: unknown key, ignored"}));
}

TEST(SparkConfig, UnknownKeyNamesTheClosestKnownKey) {
  std::vector<std::string> unknown;
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(
      R"({"spark": {"spark-verison": "3.4.0"},
          "k8s": {"default-env-var": {"A": "b"}}})",
      &unknown);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(unknown, (std::vector<std::string>{
                         "plugins.spark.spark-verison: unknown key, did you "
                         "mean 'spark-version'?",
                         "plugins.k8s.default-env-var: unknown key, did you "
                         "mean 'default-env-vars'?"}));
}

TEST(SparkConfig, KeysMatchInAnyCaseAndNullKeepsTheDefault) {
  std::vector<std::string> unknown;
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(
      R"({"SPARK": {"Spark-Version": "3.1.0", "validate-manifest": null},
          "k8s": {"Default-CPUs": "3", "default-memory": null}})",
      &unknown);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(unknown.empty());
  EXPECT_EQ(config->spark.spark_version, "3.1.0");
  EXPECT_TRUE(config->spark.validate_manifest);
  EXPECT_EQ(config->k8s.default_cpus, "3");
  EXPECT_EQ(config->k8s.default_memory, "1024Mi");
}

// Flyte's weak decoding where a map is expected: the Helm charts' list of
// one-entry maps, and [] for an empty map, for every map-valued key (only
// spark-config-default took the list form before).
TEST(SparkConfig, EveryMapKeyTakesAListOfMapsOrAnEmptyList) {
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(
      R"({"k8s": {"default-env-vars": [{"A": "1"}, {"B": "2"}],
                  "default-annotations": [],
                  "resource-tolerations": [{"gpu": [{"key": "g"}]}]},
          "spark": {"features": [{"name": "f", "spark-config": [{"k": "v"}]}]}})",
      nullptr);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->k8s.default_env_vars,
            (std::map<std::string, std::string>{{"A", "1"}, {"B", "2"}}));
  EXPECT_TRUE(config->k8s.default_annotations.empty());
  EXPECT_EQ(sdk::json::Write(config->k8s.resource_tolerations),
            R"({"gpu":[{"key":"g"}]})");
  EXPECT_EQ(config->spark.features[0].spark_config.at("k"), "v");
}

// Values are never converted between types (booleans and numbers used to be
// accepted as strings, and strings as booleans).
TEST(SparkConfig, ValuesAreNotConvertedBetweenTypes) {
  struct Case {
    const char* config;
    const char* message;
  } cases[] = {
      {R"({"spark": {"validate-manifest": "true"}})",
       "plugins.spark.validate-manifest: expected a boolean, got a string"},
      {R"({"spark": {"validate-manifest": 1}})",
       "plugins.spark.validate-manifest: expected a boolean, got a number"},
      {R"({"k8s": {"default-cpus": 2}})",
       "plugins.k8s.default-cpus: expected a string, got a number"},
      {R"({"k8s": {"default-memory": true}})",
       "plugins.k8s.default-memory: expected a string, got a boolean"},
      // Both are Kubernetes quantities, as in Flyte's K8sPluginConfig.
      {R"({"k8s": {"default-cpus": "12345 cores"}})",
       "plugins.k8s.default-cpus: expected a Kubernetes quantity such as "
       "\"1000m\" or \"1Gi\""},
      {R"({"k8s": {"default-memory": "lots"}})",
       "plugins.k8s.default-memory: expected a Kubernetes quantity such as "
       "\"1000m\" or \"1Gi\""},
      {R"({"spark": {"spark-config-default": {"spark.c": true}}})",
       "plugins.spark.spark-config-default.spark.c: expected a string, got a "
       "boolean"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ModuleConfig> config = ParseModuleConfig(c.config, nullptr);
    ASSERT_FALSE(config.ok()) << c.config;
    EXPECT_EQ(config.status().message(), c.message) << c.config;
  }
}

TEST(SparkConfig, DuplicateKeysAreErrors) {
  for (const char* json :
       {R"({"k8s": {"default-cpus": "1", "default-cpus": "2"}})",
        R"({"k8s": {"default-cpus": "1", "DEFAULT-CPUS": "2"}})",
        R"({"k8s": {"default-env-vars": {"A": "1", "A": "2"}}})"}) {
    absl::StatusOr<ModuleConfig> config = ParseModuleConfig(json, nullptr);
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_TRUE(absl::StrContains(config.status().message(), "duplicate key"))
        << config.status();
    EXPECT_TRUE(absl::StrContains(config.status().message(), "plugins.k8s."))
        << config.status();
  }
}

TEST(SparkConfig, WrongTypesNameThePath) {
  struct Case {
    const char* config;
    const char* message;
  } cases[] = {
      {R"({"spark": []})", "plugins.spark: expected an object, got an array"},
      {R"({"spark": {"spark-config-default": "x"}})",
       "plugins.spark.spark-config-default: expected a map or a list of maps, "
       "got a string"},
      {R"({"spark": {"spark-config-default": [{"a": {"b": 1}}]}})",
       "plugins.spark.spark-config-default[0].a: expected a string, got an "
       "object"},
      {R"({"spark": {"features": {}}})",
       "plugins.spark.features: expected an array, got an object"},
      {R"({"spark": {"features": [{"spark-config": "x"}]}})",
       "plugins.spark.features[0].spark-config: expected a map or a list of "
       "maps, got a string"},
      {R"({"spark": {"validate-manifest": "maybe"}})",
       "plugins.spark.validate-manifest: expected a boolean, got a string"},
      {R"({"k8s": {"default-tolerations": {"key": "x"}}})",
       "plugins.k8s.default-tolerations: expected an array, got an object"},
      {R"({"k8s": {"default-tolerations": ["x"]}})",
       "plugins.k8s.default-tolerations[0]: expected an object, got a string"},
      {R"({"k8s": {"default-affinity": []}})",
       "plugins.k8s.default-affinity: expected an object, got an array"},
      {R"({"k8s": {"interruptible-node-selector-requirement": {"operator": "In"}}})",
       "plugins.k8s.interruptible-node-selector-requirement.key: a node "
       "selector requirement needs a string key"},
      {R"({"k8s": {"resource-tolerations": {"gpu": {}}}})",
       "plugins.k8s.resource-tolerations.gpu: expected an array, got an "
       "object"},
      {R"({"k8s": {"enable-host-networking-pod": []}})",
       "plugins.k8s.enable-host-networking-pod: expected a boolean, got an "
       "array"},
      {R"({"k8s": {"scheduler-name": {}}})",
       "plugins.k8s.scheduler-name: expected a string, got an object"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ModuleConfig> config = ParseModuleConfig(c.config, nullptr);
    ASSERT_FALSE(config.ok()) << c.config;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(config.status().message(), c.message) << c.config;
  }
}

TEST(SparkConfig, MalformedJson) {
  absl::StatusOr<ModuleConfig> config =
      ParseModuleConfig("{\"spark\": ", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::StrContains(config.status().message(), "not valid JSON"));
  config = ParseModuleConfig("[]", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "plugins: expected an object, got an array");
}

TEST(SparkConfig, DeepNestingIsRefusedNotACrash) {
  std::string deep = R"({"k8s": {"default-affinity": )";
  for (int i = 0; i < 100000; ++i) deep += "[";
  for (int i = 0; i < 100000; ++i) deep += "]";
  deep += "}}";
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(deep, nullptr);
  ASSERT_FALSE(config.ok());
  // The SDK's shared input limit (sdk/input_limits.h).
  EXPECT_TRUE(
      absl::StartsWith(config.status().message(),
                       "plugins: JSON nested deeper than 64 levels at offset "))
      << config.status().message();
  std::string fine = R"({"k8s": {"default-affinity": {"x": )";
  for (int i = 0; i < 20; ++i) fine += "[";
  for (int i = 0; i < 20; ++i) fine += "]";
  fine += "}}}";
  EXPECT_TRUE(ParseModuleConfig(fine, nullptr).ok());
}

TEST(SparkConfig, LogsSectionIsDelegated) {
  std::vector<std::string> unknown;
  absl::StatusOr<ModuleConfig> config = ParseModuleConfig(
      R"({"spark": {"logs": {"mixed": {"kubernetes-enabled": true}}}})",
      &unknown);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->spark.logs.mixed.kubernetes_enabled);
}

}  // namespace
}  // namespace flyteplug::spark
