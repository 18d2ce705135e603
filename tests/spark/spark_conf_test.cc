#include "spark_conf.h"

#include "gtest/gtest.h"

namespace flyteplug::spark {
namespace {

TEST(SparkConf, FeatureToggleRegexWithUnescapedDots) {
  EXPECT_EQ(FeatureToggleName("spark.flyte.feature1.enabled"), "feature1");
  EXPECT_EQ(FeatureToggleName("spark.flyteorg.a.b.enabled"), "a.b");
  EXPECT_EQ(FeatureToggleName("sparkXflyteYfZenabled"), "f");
  // "flyteorg" fails (nothing left for the name), "flyte" matches.
  EXPECT_EQ(FeatureToggleName("spark.flyteorgX.enabled"), "rgX");
  EXPECT_EQ(FeatureToggleName("spark.flyte..enabled"), std::nullopt);
  EXPECT_EQ(FeatureToggleName("spark.flyte.x.enabledX"), std::nullopt);
  EXPECT_EQ(FeatureToggleName("spark.other.x.enabled"), std::nullopt);
  EXPECT_EQ(FeatureToggleName("xspark.flyte.x.enabled"), std::nullopt);
}

TEST(SparkConf, PodNamePrefixSanitized) {
  EXPECT_EQ(SanitizePodNamePrefix("abc-n0-0"), "abc-n0-0");
  EXPECT_EQ(SanitizePodNamePrefix("My_Task.Name"), "my-task-name");
  EXPECT_EQ(SanitizePodNamePrefix("--__--").rfind("spark-", 0), 0u);
  EXPECT_EQ(SanitizePodNamePrefix("--__--").size(), 14u);
  std::string long_name(60, 'a');
  std::string sanitized = SanitizePodNamePrefix(long_name);
  EXPECT_EQ(sanitized.size(), 47u);
  EXPECT_NE(sanitized, SanitizePodNamePrefix(long_name + "b"));
  for (char c : sanitized) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
}

TEST(SparkConf, ParseSparkIntLikeGo) {
  std::string values[] = {"3",    "+3", "-3",         "0", "0.5",
                          "500m", "",   "2147483648", " 3"};
  EXPECT_EQ(ParseSparkInt(&values[0]), 3);
  EXPECT_EQ(ParseSparkInt(&values[1]), 3);
  EXPECT_EQ(ParseSparkInt(&values[2]), -3);
  EXPECT_EQ(ParseSparkInt(&values[3]), std::nullopt);
  EXPECT_EQ(ParseSparkInt(&values[4]), std::nullopt);
  EXPECT_EQ(ParseSparkInt(&values[5]), std::nullopt);
  EXPECT_EQ(ParseSparkInt(&values[6]), std::nullopt);
  EXPECT_EQ(ParseSparkInt(&values[7]), std::nullopt);
  EXPECT_EQ(ParseSparkInt(&values[8]), std::nullopt);
  EXPECT_EQ(ParseSparkInt(nullptr), std::nullopt);
}

// User keys land between, before and after the default keys (the hinted
// insertion), overriding equal ones, whichever `user_spark_conf_wins` says.
TEST(SparkConf, UserKeysInterleavedWithDefaults) {
  SparkJobSpec job;
  job.spark_conf = {{"a", "u"}, {"b", "u"}, {"c", "u"},
                    {"e", "u"}, {"f", "u"}, {"g", "u"}};
  for (bool user_wins : {true, false}) {
    SparkPluginConfig config;
    config.user_spark_conf_wins = user_wins;
    config.sanitize_pod_name_prefix = false;
    config.spark_config_default = {{"b", "d"}, {"d", "d"}, {"f", "d"}};
    std::map<std::string, std::string> want = {
        {"a", "u"},
        {"b", "u"},
        {"c", "u"},
        {"d", "d"},
        {"e", "u"},
        {"f", "u"},
        {"g", "u"},
        {"spark.kubernetes.driverEnv.FLYTE_START_TIME", "5000"},
        {"spark.kubernetes.executor.podNamePrefix", "gen"}};
    EXPECT_EQ(AssembleSparkConf(job, config, "gen", 5'000'000'123), want)
        << "user_spark_conf_wins=" << user_wins;
  }
}

TEST(SparkConf, AssemblyOrder) {
  SparkJobSpec job;
  job.executor_path = "/py";
  job.spark_conf = {{"spark.executor.cores", "2"}, {"x", "user"}};
  SparkPluginConfig config;
  config.spark_config_default = {{"x", "default"}, {"y", "default"}};
  auto conf = AssembleSparkConf(job, config, "gen-name", 5'000'000'123);
  EXPECT_EQ(conf.at("x"), "user");
  EXPECT_EQ(conf.at("y"), "default");
  EXPECT_EQ(conf.at("spark.pyspark.python"), "/py");
  EXPECT_EQ(conf.at("spark.pyspark.driver.python"), "/py");
  EXPECT_EQ(conf.at("spark.kubernetes.executor.limit.cores"), "2");
  EXPECT_EQ(conf.count("spark.kubernetes.driver.limit.cores"), 0u);
  EXPECT_EQ(conf.at("spark.kubernetes.executor.podNamePrefix"), "gen-name");
  EXPECT_EQ(conf.at("spark.kubernetes.driverEnv.FLYTE_START_TIME"), "5000");
  config.sanitize_pod_name_prefix = false;
  EXPECT_EQ(AssembleSparkConf(job, config, "Gen_Name", 0)
                .at("spark.kubernetes.executor.podNamePrefix"),
            "Gen_Name");
}

}  // namespace
}  // namespace flyteplug::spark
