// The flyteplug CLI as a subprocess: exit codes, output, bad input, module
// search paths, run with timeout and signals.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "flyteidl/core/tasks.pb.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subprocess.h"

namespace flyteplug::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Dir(const std::string& file) {
  return file.substr(0, file.rfind('/'));
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/flyteplug_cli_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    tmp_ = pattern;
  }
  void TearDown() override {
    for (const std::string& f : files_) std::remove(f.c_str());
    ::rmdir(tmp_.c_str());
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = tmp_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path;
  }

  // Runs flyteplug with the shipped modules hidden (FLYTEPLUG_PLUGIN_PATH
  // unset) unless the test passes its own environment.
  ProcessResult Run(std::vector<std::string> args,
                    ProcessOptions options = {}) {
    options.env.insert(options.env.begin(), "FLYTEPLUG_PLUGIN_PATH");
    return RunProcess(FLYTEPLUG_BIN, args, options);
  }

  std::vector<std::string> WithTestModules(std::vector<std::string> args) {
    std::vector<std::string> all = {"--plugin-dir", Dir(ALPHA_SO),
                                    "--plugin-dir", Dir(BETA_SO)};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }

  std::string tmp_;
  std::vector<std::string> files_;
};

TEST_F(CliTest, PluginsListsModulesFromPluginDirAndEnvironment) {
  ProcessOptions options;
  options.env = {absl::StrCat("FLYTEPLUG_PLUGIN_PATH=", Dir(BETA_SO))};
  ProcessResult r = RunProcess(
      FLYTEPLUG_BIN, {"--plugin-dir", Dir(ALPHA_SO), "plugins"}, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  std::string alpha, beta;
  for (const auto& line : lines) {
    if (absl::StartsWith(line, "alpha\t")) alpha = line;
    if (absl::StartsWith(line, "beta\t")) beta = line;
  }
  EXPECT_THAT(alpha, HasSubstr("version=0.0.1"));
  EXPECT_THAT(alpha, HasSubstr("abi=1.1"));  // the negotiated minor (ABI 1.1)
  EXPECT_THAT(alpha, HasSubstr("family=k8s-resource"));
  EXPECT_THAT(alpha, HasSubstr("task-types=alpha"));
  EXPECT_THAT(beta, HasSubstr("family=web-api"));
  EXPECT_THAT(beta, HasSubstr("task-types=beta"));
  EXPECT_THAT(beta, HasSubstr("claims=beta,alpha?"));
}

TEST_F(CliTest, UsageErrorsExitTwoWithOneLine) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"build"},
           {"phase", "--task", "x.json"},
           {"plugins", "--bogus"},
           {"run", "--task", "x", "--poll-interval", "zero"},
           {"build", "--task"},
           {"conformance"},
           {"plugins", "--timeout", "3"}}) {
    ProcessResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("flyteplug: "));
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(CliTest, HelpExitsZero) {
  ProcessResult r = Run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("usage: flyteplug"));
}

TEST_F(CliTest, MissingPluginDirExitsTwoNamingIt) {
  ProcessResult r = Run({"--plugin-dir", "/nonexistent/mods", "plugins"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/mods"));
}

TEST_F(CliTest, BadModuleExitsThree) {
  ProcessResult r = Run({"--plugin-dir", RAW_BAD_ID_SO, "plugins"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("flyteplug_module.id"));
  EXPECT_THAT(r.err, HasSubstr("libloader_test_raw_bad_id.so"));
}

TEST_F(CliTest, RegistryConflictExitsThreeNamingBoth) {
  ProcessResult r =
      Run({"--plugin-dir", ALPHA_SO, "--plugin-dir", GAMMA_SO, "plugins"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("task type 'alpha'"));
  EXPECT_THAT(r.err, HasSubstr("'gamma'"));
}

TEST_F(CliTest, BadConfigExitsTwoNamingFile) {
  std::string config = Write("config.json", "{\"tasks\": [");
  ProcessResult r = Run(WithTestModules({"--config", config, "plugins"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(config));
  EXPECT_THAT(r.err, HasSubstr("invalid JSON"));
  std::string typed = Write(
      "typed.json", R"({"tasks":{"task-plugins":{"enabled-plugins":3}}})");
  r = Run(WithTestModules({"--config", typed, "plugins"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("tasks.task-plugins.enabled-plugins"));
  r = Run(WithTestModules({"--config", tmp_ + "/absent.json", "plugins"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("absent.json"));
}

size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Deliberate change: propeller's built-in plugin ids in enabled-plugins and
// default-for-task-types are warned about once each and ignored.
TEST_F(CliTest, UnknownPluginIdsAreWarnedOnceAndIgnored) {
  std::string config = Write("stock.yaml",
                             "tasks:\n"
                             "  task-plugins:\n"
                             "    enabled-plugins: [container, sidecar, "
                             "k8s-array, alpha]\n"
                             "    default-for-task-types:\n"
                             "      container: container\n"
                             "      container_array: k8s-array\n");
  ProcessResult r = Run(WithTestModules({"--config", config, "plugins"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("alpha\t"));
  EXPECT_THAT(r.out, Not(HasSubstr("beta\t")));
  for (const char* id : {"container", "sidecar", "k8s-array"}) {
    EXPECT_EQ(Occurrences(r.err, absl::StrCat("module '", id,
                                              "' is not loaded, ignored")),
              1u)
        << id << ": " << r.err;
  }
  EXPECT_EQ(Occurrences(r.err,
                        "default-for-task-types.container: module "
                        "'container' is not loaded"),
            1u)
      << r.err;
  EXPECT_EQ(Occurrences(r.err,
                        "default-for-task-types.container_array: "
                        "module 'k8s-array' is not loaded"),
            1u)
      << r.err;
}

TEST_F(CliTest, BadTaskInputExitsTwoNamingFileAndField) {
  ProcessResult r =
      Run(WithTestModules({"build", "--task", tmp_ + "/missing.json"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing.json"));

  std::string bad_json = Write("bad.json", "{\"type\": \"alpha\",");
  r = Run(WithTestModules({"build", "--task", bad_json}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad.json: task JSON: invalid JSON at offset"));

  std::string unserved = Write("unserved.json", R"({"type": "nope"})");
  r = Run(WithTestModules({"build", "--task", unserved}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unserved.json: taskTemplate.type"));
  EXPECT_THAT(r.err, HasSubstr("'nope'"));

  std::string wrong_field =
      Write("wrong.json", R"({"taskTemplate": {"type": {"x": 1}}})");
  r = Run(WithTestModules({"build", "--task", wrong_field}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("wrong.json"));
  EXPECT_THAT(r.err, HasSubstr("type"));

  std::string garbage = Write("garbage.bin", std::string("\x08\xff\xff", 3));
  r = Run(WithTestModules({"build", "--task", garbage}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("garbage.bin"));

  std::string failing =
      Write("failing.json",
            R"({"type": "alpha", "config": {"fail": "custom.x bad"}})");
  r = Run(WithTestModules({"build", "--task", failing}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("failing.json: module 'alpha': custom.x bad"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(CliTest, InvalidUtf8InABinaryTemplateNamesTheFieldInOneLine) {
  flyteidl::core::TaskTemplate task_template;
  task_template.set_type("alpha");
  task_template.mutable_container()->set_image("IMG");
  std::string bytes = task_template.SerializeAsString();
  bytes.replace(bytes.find("IMG"), 3, "\xc0\xaf!");  // overlong '/'
  std::string path = Write("bad_utf8.pb", bytes);
  ProcessResult r = Run(WithTestModules({"build", "--task", path}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("bad_utf8.pb: neither JSON"));
  EXPECT_THAT(r.err, HasSubstr("string field 'flyteidl.core.Container.image' "
                               "(at container.image) holds invalid UTF-8"));
  EXPECT_THAT(r.err, Not(HasSubstr("libprotobuf")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(CliTest, BuildAcceptsJsonAndBinaryContextsAndTemplates) {
  flyteidl::core::TaskTemplate task_template;
  task_template.set_type("alpha");
  task_template.mutable_id()->set_name("my.task");
  task_template.mutable_container()->set_image("img");
  flyteplug::v1::TaskContext context;
  *context.mutable_task_template() = task_template;
  context.mutable_metadata()->set_generated_name("given-name");

  std::string json_template =
      Write("template.json", R"({"id": {"name": "my.task"}, "type": "alpha"})");
  std::string json_context = Write("context.json",
                                   R"({"taskTemplate": {"type": "alpha"},
          "metadata": {"generatedName": "given-name"}})");
  std::string bin_template =
      Write("template.pb", task_template.SerializeAsString());
  std::string bin_context = Write("context.pb", context.SerializeAsString());

  ProcessResult a = Run(WithTestModules({"build", "--task", json_template}));
  ProcessResult b = Run(WithTestModules({"build", "--task", bin_template}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(a.out, HasSubstr("\"module\": \"alpha\""));
  // JSON and binary templates get the same default context.
  EXPECT_EQ(a.out, b.out);
  EXPECT_THAT(a.out, Not(HasSubstr("given-name")));

  ProcessResult c = Run(WithTestModules({"build", "--task", json_context}));
  ProcessResult d = Run(WithTestModules({"build", "--task", bin_context}));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(c.out, HasSubstr("\"name\": \"given-name\""));
  EXPECT_THAT(d.out, HasSubstr("\"name\": \"given-name\""));
}

TEST_F(CliTest, BuildOfWebApiTaskPrintsTheRequest) {
  std::string task = Write("beta.json", R"({"type": "beta"})");
  ProcessResult r = Run(WithTestModules({"build", "--task", task}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"call\": \"render_create_request\""));
}

TEST_F(CliTest, PhasePrintsPhaseInfoJson) {
  std::string task = Write("alpha.json", R"({"type": "alpha"})");
  std::string resource = Write("resource.json", R"({"status": {}})");
  ProcessResult r =
      Run(WithTestModules({"phase", "--task", task, "--resource", resource}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"phase\": \"RUNNING\""));
  EXPECT_THAT(r.out, HasSubstr("\"version\": 1"));
  r = Run(WithTestModules(
      {"phase", "--task", task, "--resource", tmp_ + "/nope.json"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("nope.json"));
}

TEST_F(CliTest, RunSucceedsAndReportsPhases) {
  std::string task = Write("beta.json", R"({"type": "beta"})");
  ProcessResult r =
      Run(WithTestModules({"run", "--task", task, "--poll-interval", "0.05"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"phase\": \"SUCCESS\""));
  EXPECT_THAT(r.err, HasSubstr("phase: SUCCESS (state-of-meta-1)"));
}

TEST_F(CliTest, RunFailureExitsOne) {
  std::string task =
      Write("fail.json",
            R"({"type": "beta", "config": {"phase": "PERMANENT_FAILURE"}})");
  ProcessResult r =
      Run(WithTestModules({"run", "--task", task, "--poll-interval", "0.05"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"phase\": \"PERMANENT_FAILURE\""));
  EXPECT_THAT(r.err, HasSubstr("the test module failed the task"));
}

TEST_F(CliTest, RunOfK8sTaskIsUsageError) {
  std::string task = Write("alpha.json", R"({"type": "alpha"})");
  ProcessResult r = Run(WithTestModules({"run", "--task", task}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("web-API modules only"));
}

TEST_F(CliTest, RunTimeoutCancelsAndExitsOne) {
  std::string task = Write(
      "forever.json", R"({"type": "beta", "config": {"phase": "RUNNING"}})");
  ProcessResult r = Run(WithTestModules(
      {"run", "--task", task, "--poll-interval", "0.05", "--timeout", "0.3"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("phase: RUNNING"));
  EXPECT_THAT(r.err, HasSubstr("timed out"));
  EXPECT_THAT(r.out, HasSubstr("\"phase\": \"ABORTED\""));
}

TEST_F(CliTest, RunSignalCancelsAndPrintsAborted) {
  for (int signo : {SIGTERM, SIGINT}) {
    std::string task = Write(
        "forever.json", R"({"type": "beta", "config": {"phase": "RUNNING"}})");
    ProcessOptions options;
    bool sent = false;
    options.on_stderr = [&](pid_t pid, const std::string& err) {
      if (!sent && absl::StrContains(err, "phase: RUNNING")) {
        ::kill(pid, signo);
        sent = true;
      }
    };
    options.deadline_seconds = 30;
    ProcessResult r =
        Run(WithTestModules({"run", "--task", task, "--poll-interval", "0.05"}),
            options);
    EXPECT_TRUE(sent);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.out, HasSubstr("\"phase\": \"ABORTED\""));
    EXPECT_THAT(r.err, HasSubstr(signo == SIGTERM ? "SIGTERM" : "SIGINT"));
  }
}

#if defined(HAVE_SHIPPED_MODULES)
// The README's main job, exactly as documented.
TEST_F(CliTest, ShippedModulesAndExamples) {
  ProcessResult plugins = Run({"plugins"});
  ASSERT_EQ(plugins.exit_code, 0) << plugins.err;
  EXPECT_THAT(plugins.out, HasSubstr("spark\t"));
  EXPECT_THAT(plugins.out, HasSubstr("databricks\t"));
  const std::string config = EXAMPLES_DIR "/config/flyteplug.json";
  ProcessResult spark =
      Run({"build", "--task", EXAMPLES_DIR "/tasks/pyspark_task.json",
           "--config", config});
  ASSERT_EQ(spark.exit_code, 0) << spark.err;
  EXPECT_THAT(spark.out, HasSubstr("\"kind\": \"SparkApplication\""));
  EXPECT_TRUE(spark.err.empty()) << spark.err;
  ProcessResult databricks =
      Run({"build", "--task", EXAMPLES_DIR "/tasks/databricks_task.json",
           "--config", config});
  ASSERT_EQ(databricks.exit_code, 0) << databricks.err;
  EXPECT_THAT(databricks.out, HasSubstr("\"method\": \"POST\""));
  EXPECT_THAT(databricks.out, HasSubstr("/api/2.1/jobs/runs/submit"));
}

// A typo inside spark's section: one warning with the file, the line and a
// did-you-mean; --strict-config turns it into exit 2 naming the key.
TEST_F(CliTest, ModuleSectionTypoWarnsOnceWithLineAndStrictFails) {
  std::string config = Write("site.yaml",
                             "plugins:\n"
                             "  spark:\n"
                             "    spark-config-defaults:\n"
                             "      spark.driver.cores: \"1\"\n"
                             "  sparkk: {}\n");
  const std::string module_warning =
      config +
      ":3: spark: configuration: plugins.spark.spark-config-defaults: "
      "unknown key, did you mean 'spark-config-default'?";
  const std::string host_warning =
      config + ":5: plugins.sparkk: no loaded module reads this section";
  ProcessResult r = Run({"--config", config, "plugins"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Occurrences(r.err, module_warning), 1u) << r.err;
  EXPECT_EQ(Occurrences(r.err, host_warning), 1u) << r.err;
  for (const char* command : {"plugins", "build"}) {
    std::vector<std::string> args = {"--strict-config", "--config", config,
                                     command};
    if (std::string(command) == "build") {
      args.insert(args.end(),
                  {"--task", EXAMPLES_DIR "/tasks/pyspark_task.json"});
    }
    ProcessResult strict = Run(args);
    EXPECT_EQ(strict.exit_code, 2) << command << ": " << strict.err;
    EXPECT_THAT(strict.err, HasSubstr("strict configuration"));
    EXPECT_THAT(strict.err, HasSubstr(host_warning)) << command;
    EXPECT_TRUE(strict.out.empty()) << strict.out;
  }
  // Only the module-section typo left: strict names it.
  std::string module_only = Write("module_only.yaml",
                                  "plugins:\n"
                                  "  spark:\n"
                                  "    spark-config-defaults: {}\n");
  ProcessResult strict =
      Run({"--strict-config", "--config", module_only, "plugins"});
  EXPECT_EQ(strict.exit_code, 2) << strict.err;
  EXPECT_THAT(strict.err,
              HasSubstr("module 'spark': " + module_only +
                        ":3: spark: configuration: "
                        "plugins.spark.spark-config-defaults: unknown key"));
  EXPECT_EQ(Occurrences(strict.err, "spark-config-defaults"), 1u) << strict.err;
  // A clean configuration passes strict mode.
  ProcessResult clean =
      Run({"--strict-config", "--config",
           Write("clean.yaml", "plugins:\n  spark: {}\n"), "plugins"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
}

// A stock propeller plugin list: only spark is here, so only spark serves.
TEST_F(CliTest, StockPropellerPluginListLoads) {
  std::string config = Write(
      "propeller.json", R"({"tasks":{"task-plugins":{"enabled-plugins":)"
                        R"(["container","sidecar","k8s-array","spark"]}}})");
  ProcessResult plugins = Run({"--config", config, "plugins"});
  ASSERT_EQ(plugins.exit_code, 0) << plugins.err;
  EXPECT_THAT(plugins.out, HasSubstr("spark\t"));
  EXPECT_THAT(plugins.out, Not(HasSubstr("databricks\t")));
  // Deliberate change: configuration warnings name the file (the CLI hands
  // the document to the loader), not "config".
  EXPECT_THAT(plugins.err,
              HasSubstr(config + ":1: tasks.task-plugins.enabled-plugins[0]: "
                                 "module 'container' is not loaded, ignored"));
  ProcessResult spark =
      Run({"build", "--task", EXAMPLES_DIR "/tasks/pyspark_task.json",
           "--config", config});
  ASSERT_EQ(spark.exit_code, 0) << spark.err;
  EXPECT_THAT(spark.out, HasSubstr("\"kind\": \"SparkApplication\""));
  EXPECT_THAT(spark.err, HasSubstr("'k8s-array' is not loaded, ignored"));
}
#endif

}  // namespace
}  // namespace flyteplug::testing
