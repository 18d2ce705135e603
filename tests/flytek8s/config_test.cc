// ParseK8sPluginConfig as a third-party Kubernetes module calls it: read
// `plugins.k8s`, then apply it to a pod with ToK8sPodSpec (which applies the
// pod-level settings: env, node selector, scheduler...).
#include "flyteplug/flytek8s/config.h"

#include <string>
#include <vector>

#include "flyteplug/flytek8s/pod_spec.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace flyteplug::flytek8s {
namespace {

rapidjson::Document Parse(const char* json) {
  rapidjson::Document doc;
  doc.Parse(json);
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

TEST(ParseK8sPluginConfig, ReadsFlyteKeysAndAppliesThemToAPod) {
  rapidjson::Document section = Parse(R"({
      "default-labels": [{"team": "ml"}],
      "default-env-vars": [{"A": "1"}, {"B": "2"}],
      "default-node-selector": {"pool": "batch"},
      "scheduler-name": "volcano",
      "default-tolerations": [{"key": "gpu", "operator": "Exists"}],
      "co-pilot": {"name": "accepted-not-used"},
      "default-labls": {}})");
  std::vector<std::string> warnings;
  K8sPluginConfig config;
  ASSERT_TRUE(
      ParseK8sPluginConfig(section, "plugins.k8s", &warnings, &config).ok());
  EXPECT_EQ(config.default_labels.at("team"), "ml");
  EXPECT_EQ(config.default_env_vars.at("B"), "2");
  EXPECT_EQ(config.scheduler_name, "volcano");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "plugins.k8s.default-labls: unknown key, did you mean "
            "'default-labels'?");

  flyteplug::abi::flyteplug::v1::TaskContext context;
  context.mutable_metadata()->set_generated_name("pod-0");
  context.mutable_task_template()->mutable_container()->set_image("img:1");
  rapidjson::Document doc;
  absl::StatusOr<FlytePod> pod = ToK8sPodSpec(
      context, config, /*interruptible=*/false, doc.GetAllocator());
  ASSERT_TRUE(pod.ok()) << pod.status();
  const json::Value* scheduler = json::Find(pod->spec, "schedulerName");
  ASSERT_NE(scheduler, nullptr);
  EXPECT_STREQ(scheduler->GetString(), "volcano");
  const json::Value* selector = json::Find(pod->spec, "nodeSelector");
  ASSERT_NE(selector, nullptr);
  EXPECT_STREQ(json::Find(*selector, "pool")->GetString(), "batch");
  const json::Value* container = FindContainer(pod->spec, "pod-0");
  ASSERT_NE(container, nullptr);
  const json::Value* env = json::Find(*container, "env");
  ASSERT_TRUE(env != nullptr && env->IsArray());
  bool has_b = false;
  for (const json::Value& var : env->GetArray()) {
    has_b =
        has_b || (std::string(json::Find(var, "name")->GetString()) == "B" &&
                  std::string(json::Find(var, "value")->GetString()) == "2");
  }
  EXPECT_TRUE(has_b);
}

TEST(ParseK8sPluginConfig, WrongShapesNameThePath) {
  K8sPluginConfig config;
  rapidjson::Document bad = Parse(R"({"default-tolerations": [3]})");
  absl::Status status =
      ParseK8sPluginConfig(bad, "plugins.k8s", nullptr, &config);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("plugins.k8s.default-tolerations[0]"),
            std::string::npos)
      << status;
  rapidjson::Document requirement = Parse(
      R"({"interruptible-node-selector-requirement": {"operator": "In"}})");
  status = ParseK8sPluginConfig(requirement, "plugins.k8s", nullptr, &config);
  EXPECT_NE(
      status.message().find("interruptible-node-selector-requirement.key"),
      std::string::npos)
      << status;
}

}  // namespace
}  // namespace flyteplug::flytek8s
