#include "agents.h"

#include "deprecated_fields.h"
#include "gtest/gtest.h"

namespace flyteplug::connector {
namespace {

LoaderClient::ModuleInfo Module(const std::string& id, flyteplug_family family,
                                const std::string& served) {
  LoaderClient::ModuleInfo m;
  m.id = id;
  m.family = family;
  m.task_types = served;
  return m;
}

TEST(BuildAgentsTest, OneAgentPerServingWebApiModule) {
  std::vector<flyteidl::admin::Agent> agents = BuildAgents(
      {
          Module("spark", FLYTEPLUG_FAMILY_K8S_RESOURCE, "spark"),
          Module("databricks", FLYTEPLUG_FAMILY_WEB_API, "databricks,spark"),
          Module("idle", FLYTEPLUG_FAMILY_WEB_API, ""),
          Module("third", FLYTEPLUG_FAMILY_WEB_API, "job"),
      },
      /*include_k8s_resources=*/false);
  ASSERT_EQ(agents.size(), 2u);
  const flyteidl::admin::Agent& db = agents[0];
  EXPECT_EQ(db.name(), "databricks");
  EXPECT_FALSE(db.is_sync());
  ASSERT_EQ(db.supported_task_categories_size(), 2);
  EXPECT_EQ(db.supported_task_categories(0).name(), "databricks");
  EXPECT_EQ(db.supported_task_categories(0).version(), 0);
  EXPECT_EQ(db.supported_task_categories(1).name(), "spark");
  ASSERT_EQ(DeprecatedTaskTypeCount(db), 2);
  EXPECT_EQ(DeprecatedTaskTypeAt(db, 0), "databricks");
  EXPECT_EQ(DeprecatedTaskTypeAt(db, 1), "spark");
  EXPECT_EQ(agents[1].name(), "third");
}

TEST(BuildAgentsTest, NoModulesNoAgents) {
  EXPECT_TRUE(BuildAgents({}, /*include_k8s_resources=*/false).empty());
  EXPECT_TRUE(BuildAgents({}, /*include_k8s_resources=*/true).empty());
}

TEST(BuildAgentsTest, KubernetesResourceModulesAreAgentsWithKubernetesAccess) {
  std::vector<flyteidl::admin::Agent> agents = BuildAgents(
      {
          Module("spark", FLYTEPLUG_FAMILY_K8S_RESOURCE, "spark"),
          Module("idle-k8s", FLYTEPLUG_FAMILY_K8S_RESOURCE, ""),
          Module("k8s-job", FLYTEPLUG_FAMILY_K8S_RESOURCE, "batch-job"),
          Module("third", FLYTEPLUG_FAMILY_WEB_API, "job"),
      },
      /*include_k8s_resources=*/true);
  ASSERT_EQ(agents.size(), 3u);
  EXPECT_EQ(agents[0].name(), "spark");
  ASSERT_EQ(agents[0].supported_task_categories_size(), 1);
  EXPECT_EQ(agents[0].supported_task_categories(0).name(), "spark");
  EXPECT_EQ(DeprecatedTaskTypeAt(agents[0], 0), "spark");
  EXPECT_FALSE(agents[0].is_sync());
  EXPECT_EQ(agents[1].name(), "k8s-job");
  EXPECT_EQ(agents[1].supported_task_categories(0).name(), "batch-job");
  EXPECT_EQ(agents[2].name(), "third");
}

}  // namespace
}  // namespace flyteplug::connector
