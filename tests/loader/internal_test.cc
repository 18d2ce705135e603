// White-box tests of the loader internals: configuration parsing, registry
// rules, default host.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "config.h"
#include "config_lines.h"
#include "default_host.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"
#include "init_log_capture.h"
#include "proto_utf8.h"
#include "protobuf_log.h"
#include "registry.h"

namespace flyteplug::loader {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LoaderConfigTest, EmptyMeansDefaults) {
  auto config = LoaderConfig::Parse("  \n");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->enabled_plugins().empty());
  EXPECT_TRUE(config->default_for_task_types().empty());
  EXPECT_EQ(config->SectionsJson({"spark"}), "{}");
}

TEST(LoaderConfigTest, ReadsPropellerLayout) {
  auto config = LoaderConfig::Parse(R"({
    "tasks": {"task-plugins": {"enabled-plugins": ["spark", "databricks"],
              "default-for-task-types": {"spark": "spark"}}},
    "plugins": {"spark": {"x": 1}, "k8s": {"y": "z"}, "other": null}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->enabled_plugins(), ElementsAre("spark", "databricks"));
  EXPECT_EQ(config->default_for_task_types().at("spark"), "spark");
  EXPECT_EQ(config->SectionsJson({"k8s", "spark", "absent"}),
            R"({"k8s":{"y":"z"},"spark":{"x":1}})");
  auto warnings = config->UnknownKeyWarnings({"spark", "k8s"});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("plugins.other"));
}

TEST(LoaderConfigTest, TypeErrorsNamePaths) {
  EXPECT_THAT(LoaderConfig::Parse("[]").status().message(),
              HasSubstr("(top level): expected an object, got an array"));
  EXPECT_THAT(LoaderConfig::Parse(R"({"tasks": 1})").status().message(),
              HasSubstr("tasks: expected an object, got a number"));
  EXPECT_THAT(LoaderConfig::Parse(
                  R"({"tasks":{"task-plugins":{"enabled-plugins":[1]}}})")
                  .status()
                  .message(),
              HasSubstr("enabled-plugins[0]: expected a string, got a number"));
  EXPECT_THAT(LoaderConfig::Parse("{} x").status().message(),
              HasSubstr("invalid JSON"));
}

TEST(RegistryTest, RulesOfFlyte) {
  std::vector<RegistryModule> loaded = {
      {"spark", "/m/spark.so", {{"spark", false}}},
      {"databricks", "/m/db.so", {{"databricks", false}, {"spark", true}}},
      {"other", "/m/other.so", {{"spark", false}}},
  };
  std::vector<std::string> warnings;
  auto two = BuildRegistry(loaded, {0, 1}, {}, &warnings);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->served.at("spark"), 0u);
  EXPECT_EQ(two->served.at("databricks"), 1u);

  auto conflict = BuildRegistry(loaded, {0, 1, 2}, {}, &warnings);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(conflict.status().message(),
              HasSubstr("task type 'spark' is claimed by modules 'spark' "
                        "(/m/spark.so) and 'other' (/m/other.so)"));

  auto chosen =
      BuildRegistry(loaded, {0, 1, 2}, {{"spark", "databricks"}}, &warnings);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->served.at("spark"), 1u);

  EXPECT_THAT(SelectEnabled(loaded, {"other", "spark"}, &warnings),
              ElementsAre(0u, 2u));
  EXPECT_THAT(SelectEnabled(loaded, {}, &warnings), ElementsAre(0u, 1u, 2u));
  EXPECT_TRUE(warnings.empty());
}

// Deliberate change: unknown ids are warnings, not errors (propeller's
// behaviour for plugins it does not have).
TEST(RegistryTest, UnknownIdsAreWarnedOnceAndIgnored) {
  std::vector<RegistryModule> loaded = {
      {"spark", "/m/spark.so", {{"spark", false}}},
  };
  std::vector<std::string> warnings;
  EXPECT_THAT(
      SelectEnabled(loaded, {"container", "spark", "container"}, &warnings),
      ElementsAre(0u));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "config: tasks.task-plugins.enabled-plugins[0]: module "
            "'container' is not loaded, ignored (loaded: spark)");
  warnings.clear();
  auto registry = BuildRegistry(
      loaded, {0}, {{"container", "container"}, {"spark", "k8s-array"}},
      &warnings);
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_TRUE(registry->served.empty());  // 'spark' is mapped to an absent id
  EXPECT_EQ(registry->unserved.at("spark"), "k8s-array");
  EXPECT_EQ(registry->unserved.at("container"), "container");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[1],
              HasSubstr("default-for-task-types.spark: module 'k8s-array' is "
                        "not loaded; task type 'spark' is not served"));
}

TEST(DefaultHostTest, LevelParsing) {
  EXPECT_EQ(DefaultHost::ParseLevel("debug"), FLYTEPLUG_LOG_DEBUG);
  EXPECT_EQ(DefaultHost::ParseLevel("INFO"), FLYTEPLUG_LOG_INFO);
  EXPECT_EQ(DefaultHost::ParseLevel("error"), FLYTEPLUG_LOG_ERROR);
  EXPECT_EQ(DefaultHost::ParseLevel(""), FLYTEPLUG_LOG_WARNING);
  EXPECT_EQ(DefaultHost::ParseLevel("loud"), FLYTEPLUG_LOG_WARNING);
  ::setenv("FLYTEPLUG_LOG_LEVEL", "error", 1);
  DefaultHost host;
  ::unsetenv("FLYTEPLUG_LOG_LEVEL");
  EXPECT_EQ(
      host.api()->log_enabled(host.api()->host_data, FLYTEPLUG_LOG_WARNING), 0);
  EXPECT_EQ(host.api()->log_enabled(host.api()->host_data, FLYTEPLUG_LOG_ERROR),
            1);
  EXPECT_GT(host.api()->now_unix_nanos(host.api()->host_data),
            int64_t{1600000000} * 1000000000);
}

TEST(DefaultHostTest, SecretsEnvThenFileNeverInErrors) {
  char pattern[] = "/tmp/flyteplug_secrets_XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  std::ofstream(dir + "/TOKEN") << "file-token\r\n";
  ::setenv("FLYTE_SECRETS_DIR", dir.c_str(), 1);
  EXPECT_EQ(*DefaultHost::LookupSecret("TOKEN"), "file-token");
  ::setenv("FLYTE_SECRET_TOKEN", "env-token", 1);
  EXPECT_EQ(*DefaultHost::LookupSecret("TOKEN"), "env-token");
  ::unsetenv("FLYTE_SECRET_TOKEN");
  for (const char* bad : {"", "a/b", "..", "x..y"}) {
    auto s = DefaultHost::LookupSecret(bad);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  auto missing = DefaultHost::LookupSecret("NOPE");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(dir + "/NOPE"));
  EXPECT_THAT(missing.status().message(),
              ::testing::Not(HasSubstr("file-token")));
  // The C entry point scrubs and releases the value.
  DefaultHost host;
  flyteplug_buffer value{};
  ASSERT_EQ(host.api()->get_secret(host.api()->host_data, "TOKEN", 5, &value,
                                   nullptr),
            FLYTEPLUG_OK);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(value.data), value.size),
            "file-token");
  value.release(&value);
  EXPECT_EQ(value.release, nullptr);
  ::unsetenv("FLYTE_SECRETS_DIR");
  std::remove((dir + "/TOKEN").c_str());
  ::rmdir(dir.c_str());
}

TEST(ProtobufLogTest, LibraryLinesGoThroughTheHostLogAtTheMappedLevel) {
  InstallProtobufLogRouting();
  InstallProtobufLogRouting();  // idempotent
  sdk::testing::FakeHost host;
  {
    ProtobufLogHost to_host(host.api());
    GOOGLE_LOG(WARNING) << "careful";
    GOOGLE_LOG(ERROR) << "bad bytes";
    {
      ProtobufLogExplained explained;
      GOOGLE_LOG(ERROR) << "reported by the caller";
    }
    // Another thread has no scope: its lines do not reach this host.
    ::testing::internal::CaptureStderr();
    std::thread([] { GOOGLE_LOG(ERROR) << "elsewhere"; }).join();
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(err, "flyteplug ERROR: protobuf: elsewhere\n");
  }
  GOOGLE_LOG(INFO) << "after the scope";  // default host: below WARNING
  std::vector<sdk::testing::LogLine> logs = host.logs();
  ASSERT_EQ(logs.size(), 3u) << host.LogText();
  EXPECT_EQ(logs[0].level, FLYTEPLUG_LOG_WARNING);
  EXPECT_EQ(logs[0].message, "protobuf: careful");
  EXPECT_EQ(logs[1].level, FLYTEPLUG_LOG_ERROR);
  EXPECT_EQ(logs[1].message, "protobuf: bad bytes");
  EXPECT_EQ(logs[2].level, FLYTEPLUG_LOG_DEBUG);
  EXPECT_EQ(logs[2].message, "protobuf: reported by the caller");
}

TEST(ProtoUtf8Test, NamesNestedAndMapFieldsAndIgnoresValidInput) {
  flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type("spark");
  (*context.mutable_metadata()->mutable_labels())["team"] = "ZZ";
  std::string bytes = context.SerializeAsString();
  EXPECT_EQ(
      DescribeInvalidUtf8(*flyteplug::v1::TaskContext::descriptor(), bytes),
      "");
  bytes.replace(bytes.find("ZZ"), 2, "\xed\xa0");  // a surrogate half
  EXPECT_THAT(
      DescribeInvalidUtf8(*flyteplug::v1::TaskContext::descriptor(), bytes),
      ::testing::StartsWith(
          "string field 'flyteplug.v1.TaskExecutionMetadata.LabelsEntry.value' "
          "(at "
          "metadata.labels.value) holds invalid UTF-8 (its 2 bytes start at "
          "byte "));
  EXPECT_EQ(DescribeInvalidUtf8(*flyteplug::v1::TaskContext::descriptor(),
                                std::string("\x0a\xff\xff", 3)),
            "");  // broken wire format: nothing to name
}

TEST(ConfigLines, YamlKeysAndListItemsHaveTheirLines) {
  KeyLines lines = YamlKeyLines(
      "tasks:\n"
      "  task-plugins:\n"
      "    enabled-plugins:\n"
      "      - spark\n"
      "      - container\n"
      "plugins:\n"
      "  spark:\n"
      "    spark-config-defaults: {a: 1}\n");
  EXPECT_EQ(lines["tasks"], 1);
  EXPECT_EQ(lines["tasks.task-plugins.enabled-plugins"], 3);
  EXPECT_EQ(lines["tasks.task-plugins.enabled-plugins[1]"], 5);
  EXPECT_EQ(lines["plugins.spark.spark-config-defaults"], 8);
  EXPECT_EQ(lines["plugins.spark.spark-config-defaults.a"], 8);
  EXPECT_TRUE(YamlKeyLines("a: [\n").empty());  // unreadable: no lines
}

TEST(ConfigLines, LocatorNamesSourceAndLine) {
  WarningLocator locator("c.yaml", YamlKeyLines("plugins:\n  spark:\n"
                                                "    x: 1\n"));
  EXPECT_EQ(locator.LocateHostWarning("config: plugins.spark: ignored"),
            "c.yaml:2: plugins.spark: ignored");
  EXPECT_EQ(locator.LocateHostWarning("config: absent: ignored"),
            "c.yaml: absent: ignored");
  // A deeper path than the document knows takes its closest ancestor.
  EXPECT_EQ(
      locator.LocateModuleWarning(
          "spark: configuration: plugins.spark.x.y[0]: unknown key"),
      "c.yaml:3: spark: configuration: plugins.spark.x.y[0]: unknown key");
  EXPECT_EQ(locator.LocateModuleWarning("spark: something else"),
            "spark: something else");
  WarningLocator unnamed("", {});
  EXPECT_EQ(unnamed.LocateHostWarning("config: a: b"), "config: a: b");
}

// The table modules keep from init must carry the ABI 1.1 call control:
// modules read the deadline and cancellation on every later call.
TEST(InitLogCapture, ForwardsTheCurrentCallsDeadlineAndCancellation) {
  sdk::testing::FakeHost host;
  host.SetCallDeadlineUnixNanos(1234567890);
  host.SetCallCancelled(true);
  InitLogCapture capture(host.api(), WarningLocator("", {}), /*strict=*/false);
  const flyteplug_host_api* api = capture.api();
  ASSERT_NE(api->call_deadline_unix_nanos, nullptr);
  ASSERT_NE(api->call_cancelled, nullptr);
  EXPECT_EQ(api->call_deadline_unix_nanos(api->host_data), 1234567890);
  EXPECT_EQ(api->call_cancelled(api->host_data), 1);
  host.SetCallCancelled(false);
  EXPECT_EQ(api->call_cancelled(api->host_data), 0);
}

}  // namespace
}  // namespace flyteplug::loader
