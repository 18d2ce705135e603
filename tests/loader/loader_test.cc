// The loader with real modules, through the public C API (loader.h) and its
// C++ wrapper (loader_client.h).
#include "flyteplug/loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "flyteplug/loader_client.h"
#include "flyteplug/sdk/testing/fake_host.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "flyteplug/v1/task_context.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace flyteplug::testing {

std::string ContextFor(
    const std::string& type,
    const std::vector<std::pair<std::string, std::string>>& task_config) {
  flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type(type);
  for (const auto& [k, v] : task_config) {
    (*context.mutable_task_template()->mutable_config())[k] = v;
  }
  context.mutable_metadata()->set_generated_name("gen-name");
  return context.SerializeAsString();
}

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string TempDir() {
  char pattern[] = "/tmp/flyteplug_loader_test_XXXXXX";
  char* dir = ::mkdtemp(pattern);
  EXPECT_NE(dir, nullptr);
  return dir == nullptr ? "/tmp" : dir;
}

TEST(LoaderTest, LoadsK8sAndWebApiModulesTogether) {
  auto client = OpenOnly({ALPHA_SO, BETA_SO});
  ASSERT_TRUE(client.ok()) << client.status();
  auto modules = client->Modules();
  ASSERT_EQ(modules.size(), 2u);
  EXPECT_EQ(modules[0].id, "alpha");
  EXPECT_EQ(modules[0].family, FLYTEPLUG_FAMILY_K8S_RESOURCE);
  EXPECT_EQ(modules[0].task_types, "alpha");
  EXPECT_EQ(modules[0].abi_major, 1u);
  EXPECT_EQ(modules[1].id, "beta");
  EXPECT_EQ(modules[1].family, FLYTEPLUG_FAMILY_WEB_API);
  EXPECT_EQ(modules[1].task_types, "beta");
  EXPECT_EQ(modules[1].claimed_task_types, "beta,alpha?");
  EXPECT_EQ(*client->Resolve("alpha"), 0u);
  EXPECT_EQ(*client->Resolve("beta"), 1u);

  auto manifest = client->BuildResource(ContextFor("alpha"));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_THAT(*manifest, HasSubstr("\"module\":\"alpha\""));
  EXPECT_THAT(*manifest, HasSubstr("\"name\":\"gen-name\""));

  auto request = client->RenderRequest(ContextFor("beta"));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(*request, HasSubstr("\"module\":\"beta\""));
}

TEST(LoaderTest, UnknownTaskTypeListsServedTypes) {
  auto client = OpenOnly({ALPHA_SO, BETA_SO});
  ASSERT_TRUE(client.ok()) << client.status();
  auto resolved = client->Resolve("nope");
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(resolved.status().message(), HasSubstr("'nope'"));
  EXPECT_THAT(resolved.status().message(), HasSubstr("alpha, beta"));
  auto built = client->BuildResource(ContextFor("nope"));
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
}

TEST(LoaderTest, WrongFamilyIsFailedPrecondition) {
  auto client = OpenOnly({ALPHA_SO, BETA_SO});
  ASSERT_TRUE(client.ok());
  auto built = client->BuildResource(ContextFor("beta"));
  EXPECT_EQ(built.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(built.status().message(), HasSubstr("web-api"));
  auto created = client->Create(ContextFor("alpha"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(LoaderTest, GarbageTaskContextIsInvalidArgument) {
  auto client = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(client.ok());
  auto built = client->BuildResource(std::string("\xff\xff\xff\x01", 4));
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  auto empty = client->BuildResource("");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.status().message(), HasSubstr("taskTemplate.type"));
}

TEST(LoaderTest, WebApiCallsRouteByTaskType) {
  auto client = OpenOnly({BETA_SO});
  ASSERT_TRUE(client.ok());
  auto meta = client->Create(ContextFor("beta"));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(*meta, "meta-1");
  auto resource = client->Get("beta", *meta);
  ASSERT_TRUE(resource.ok());
  EXPECT_EQ(*resource, "state-of-meta-1");
  auto phase = client->WebApiStatus(ContextFor("beta"), *resource);
  ASSERT_TRUE(phase.ok());
  flyteplug::v1::PhaseInfo info;
  ASSERT_TRUE(info.ParseFromString(*phase));
  EXPECT_EQ(info.phase(), flyteplug::v1::SUCCESS);
  EXPECT_TRUE(client->Delete("beta", *meta).ok());
  auto json = LoaderClient::PhaseInfoToJson(*phase);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"phase\":\"SUCCESS\""));
  EXPECT_THAT(*json, HasSubstr("\"version\":0"));
}

TEST(LoaderTest, ModuleErrorsAreCopied) {
  auto client = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(client.ok());
  auto built = client->BuildResource(ContextFor("alpha", {{"fail", "bad x"}}));
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(built.status().message(), "bad x");
}

TEST(LoaderTest, ConflictNamesBothModulesFilesAndTaskType) {
  auto client = OpenOnly({ALPHA_SO, GAMMA_SO});
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(client.status().message());
  EXPECT_THAT(message, HasSubstr("task type 'alpha'"));
  EXPECT_THAT(message, HasSubstr("'alpha'"));
  EXPECT_THAT(message, HasSubstr("'gamma'"));
  EXPECT_THAT(message, HasSubstr("libloader_test_alpha.so"));
  EXPECT_THAT(message, HasSubstr("libloader_test_gamma.so"));
}

TEST(LoaderTest, DefaultForTaskTypesResolvesConflict) {
  auto client = OpenOnly(
      {ALPHA_SO, GAMMA_SO},
      R"({"tasks":{"task-plugins":{"default-for-task-types":{"alpha":"gamma"}}}})");
  ASSERT_TRUE(client.ok()) << client.status();
  auto built = client->BuildResource(ContextFor("alpha"));
  ASSERT_TRUE(built.ok());
  EXPECT_THAT(*built, HasSubstr("\"module\":\"gamma\""));
  EXPECT_EQ(client->Modules()[0].task_types, "");
  EXPECT_EQ(client->Modules()[1].task_types, "alpha,gamma");
}

TEST(LoaderTest, EnabledPluginsLeavesOthersOut) {
  auto client =
      OpenOnly({ALPHA_SO, GAMMA_SO},
               R"({"tasks":{"task-plugins":{"enabled-plugins":["gamma"]}}})");
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ(client->Modules().size(), 1u);
  EXPECT_EQ(client->Modules()[0].id, "gamma");
}

// Deliberate change: propeller ignores enabled-plugins entries it does not
// have; so does the loader, with one warning per distinct id.
TEST(LoaderTest, EnabledPluginNotLoadedIsWarnedAndIgnored) {
  sdk::testing::FakeHost host;
  auto client = OpenOnly(
      {ALPHA_SO, GAMMA_SO},
      R"({"tasks":{"task-plugins":{"enabled-plugins":["zeta","gamma","zeta"]}}})",
      host.api());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ(client->Modules().size(), 1u);
  EXPECT_EQ(client->Modules()[0].id, "gamma");
  const std::string all = host.LogText();
  EXPECT_THAT(all, HasSubstr("config: tasks.task-plugins.enabled-plugins[0]: "
                             "module 'zeta' is not loaded, ignored"));
  EXPECT_THAT(all, Not(HasSubstr("enabled-plugins[2]")));
  EXPECT_THAT(all, Not(HasSubstr("'gamma' is not loaded")));
}

TEST(LoaderTest, EnabledPluginsNamingNoLoadedModuleEnablesNone) {
  auto client = OpenOnly(
      {ALPHA_SO}, R"({"tasks":{"task-plugins":{"enabled-plugins":["zeta"]}}})");
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE(client->Modules().empty());
  EXPECT_EQ(client->Resolve("alpha").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(LoaderTest, OptInClaimServedOnlyThroughDefault) {
  // No config: beta's opt-in claim on "alpha" neither conflicts nor serves.
  {
    auto client = OpenOnly({ALPHA_SO, BETA_SO});
    ASSERT_TRUE(client.ok());
    EXPECT_EQ(*client->Resolve("alpha"), 0u);
  }
  // Beta alone: "alpha" is not served at all.
  {
    auto client = OpenOnly({BETA_SO});
    ASSERT_TRUE(client.ok());
    EXPECT_FALSE(client->Resolve("alpha").ok());
  }
  // The default routes "alpha" to beta (a web-API module).
  {
    auto client = OpenOnly(
        {ALPHA_SO, BETA_SO},
        R"({"tasks":{"task-plugins":{"default-for-task-types":{"alpha":"beta"}}}})");
    ASSERT_TRUE(client.ok()) << client.status();
    EXPECT_EQ(*client->Resolve("alpha"), 1u);
    EXPECT_EQ(client->Modules()[1].task_types, "beta,alpha");
    auto request = client->RenderRequest(ContextFor("alpha"));
    ASSERT_TRUE(request.ok()) << request.status();
    EXPECT_THAT(*request, HasSubstr("\"module\":\"beta\""));
  }
}

// Deliberate change: a default naming an absent module leaves its type
// unserved (with a warning) instead of failing the whole configuration.
TEST(LoaderTest, DefaultNamingAnAbsentModuleLeavesTheTypeUnserved) {
  sdk::testing::FakeHost host;
  auto client = OpenOnly(
      {ALPHA_SO},
      R"({"tasks":{"task-plugins":{"default-for-task-types":{"alpha":"zeta"}}}})",
      host.api());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_THAT(host.LogText(),
              HasSubstr("config: tasks.task-plugins.default-for-task-types."
                        "alpha: module 'zeta' is not loaded; task type "
                        "'alpha' is not served"));
  // The module still loads, but the type it claims is routed nowhere.
  ASSERT_EQ(client->Modules().size(), 1u);
  EXPECT_EQ(client->Modules()[0].task_types, "");
  auto built = client->BuildResource(ContextFor("alpha"));
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(),
              HasSubstr("task type 'alpha' is not served: "
                        "tasks.task-plugins.default-for-task-types.alpha "
                        "names module 'zeta', which is not loaded"));
}

TEST(LoaderTest, BadDefaultEntriesNameTheEntry) {
  auto no_claim = OpenOnly(
      {ALPHA_SO, BETA_SO},
      R"({"tasks":{"task-plugins":{"default-for-task-types":{"beta":"alpha"}}}})");
  ASSERT_FALSE(no_claim.ok());
  EXPECT_THAT(no_claim.status().message(), HasSubstr("module 'alpha'"));
  EXPECT_THAT(no_claim.status().message(),
              HasSubstr("does not claim task type 'beta'"));
  auto disabled =
      OpenOnly({ALPHA_SO, BETA_SO},
               R"({"tasks":{"task-plugins":{"enabled-plugins":["alpha"],
          "default-for-task-types":{"beta":"beta"}}}})");
  ASSERT_FALSE(disabled.ok());
  EXPECT_THAT(disabled.status().message(), HasSubstr("is not enabled"));
}

TEST(LoaderTest, ConfigSectionsRouteToTheirModules) {
  auto client = OpenOnly({ALPHA_SO, BETA_SO}, R"({
      "plugins": {"alpha": {"a": 1}, "k8s": {"default-env-vars": {"X": "1"}},
                  "beta": {"b": [true]}}})");
  ASSERT_TRUE(client.ok()) << client.status();
  auto alpha = client->BuildResource(ContextFor("alpha"));
  ASSERT_TRUE(alpha.ok());
  EXPECT_THAT(
      *alpha,
      HasSubstr(
          R"("config":{"alpha":{"a":1},"k8s":{"default-env-vars":{"X":"1"}}})"));
  auto beta = client->RenderRequest(ContextFor("beta"));
  ASSERT_TRUE(beta.ok());
  EXPECT_THAT(*beta, HasSubstr(R"("config":{"beta":{"b":[true]}})"));
}

TEST(LoaderTest, AbsentSectionsAreOmitted) {
  auto client = OpenOnly({ALPHA_SO}, R"({"plugins":{"k8s":{}}})");
  ASSERT_TRUE(client.ok());
  auto alpha = client->BuildResource(ContextFor("alpha"));
  ASSERT_TRUE(alpha.ok());
  EXPECT_THAT(*alpha, HasSubstr(R"("config":{"k8s":{}})"));
}

TEST(LoaderTest, UnknownKeysAreWarnedThroughTheHost) {
  sdk::testing::FakeHost host;
  auto client = OpenOnly({ALPHA_SO}, R"({
      "bogus": 1,
      "tasks": {"task-plugins": {"enabled-plugins": [], "extra": 2}},
      "plugins": {"alpha": {}, "zzz": {}}})",
                         host.api());
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string all = host.LogText();
  EXPECT_THAT(all, HasSubstr("config: bogus: unknown key, ignored"));
  EXPECT_THAT(all, HasSubstr("config: tasks.task-plugins.extra"));
  EXPECT_THAT(all, HasSubstr("config: plugins.zzz"));
  EXPECT_THAT(all, Not(HasSubstr("plugins.alpha")));
}

// The document is named, each warning carries its YAML line, and each is
// logged exactly once.
TEST(LoaderTest, DocumentWarningsNameFileAndLineOnce) {
  sdk::testing::FakeHost host;
  auto client = OpenWithDocument({ALPHA_SO},
                                 "tasks:\n"
                                 "  task-plugins:\n"
                                 "    enabled-plugins: [container, alpha]\n"
                                 "plugins:\n"
                                 "  alpha:\n"
                                 "    warn-me: 1\n"
                                 "  sparkk: {}\n",
                                 "site.yaml", /*strict=*/false, host.api());
  ASSERT_TRUE(client.ok()) << client.status();
  const std::string all = host.LogText();
  for (const char* expected :
       {"site.yaml:3: tasks.task-plugins.enabled-plugins[0]: module "
        "'container' is not loaded, ignored",
        "site.yaml:7: plugins.sparkk: no loaded module reads this section, "
        "did you mean 'spark'?",
        "site.yaml:6: alpha: configuration: plugins.alpha.warn-me: unknown "
        "key, did you mean 'warm'?"}) {
    size_t count = 0;
    for (size_t at = all.find(expected); at != std::string::npos;
         at = all.find(expected, at + 1)) {
      ++count;
    }
    EXPECT_EQ(count, 1u) << expected << "\nlogs:\n" << all;
  }
}

TEST(LoaderTest, StrictConfigFailsOnHostOwnedWarnings) {
  sdk::testing::FakeHost host;
  auto client = OpenWithDocument({ALPHA_SO}, "taskz: {}\nplugins: {}\n",
                                 "site.yaml", /*strict=*/true, host.api());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(LoaderClient::AbiCode(client.status()), FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(client.status().message(),
              HasSubstr("strict configuration: site.yaml:1: taskz: unknown "
                        "key, did you mean 'tasks'?"));
  EXPECT_EQ(host.LogText(), "");  // reported in the error, not logged
  // The same document without strict loads, with the warning logged.
  auto relaxed = OpenWithDocument({ALPHA_SO}, "taskz: {}\n", "site.yaml",
                                  /*strict=*/false, host.api());
  ASSERT_TRUE(relaxed.ok()) << relaxed.status();
  EXPECT_TRUE(host.LogsContain("site.yaml:1: taskz: unknown key"));
}

TEST(LoaderTest, StrictConfigFailsOnModuleSectionWarnings) {
  sdk::testing::FakeHost host;
  // A host that records only errors: the loader still sees the warning.
  host.SetLogThreshold(FLYTEPLUG_LOG_ERROR);
  auto client =
      OpenWithDocument({ALPHA_SO}, "plugins:\n  alpha:\n    warn-me: 1\n",
                       "site.yaml", /*strict=*/true, host.api());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(LoaderClient::AbiCode(client.status()), FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(client.status().message(),
              HasSubstr("strict configuration: module 'alpha': site.yaml:3: "
                        "alpha: configuration: plugins.alpha.warn-me: "
                        "unknown key"));
  // A clean document passes strict mode.
  auto clean = OpenWithDocument({ALPHA_SO}, "plugins:\n  alpha: {}\n",
                                "site.yaml", /*strict=*/true, host.api());
  EXPECT_TRUE(clean.ok()) << clean.status();
}

TEST(LoaderTest, StrictConfigAppliesToConfigJsonToo) {
  LoaderClient::Options options;
  options.module_paths = {ALPHA_SO};
  options.skip_default_paths = true;
  options.config_json = R"({"plugins":{"alpha":{"warn-me":1}}})";
  options.strict_config = true;
  auto client = LoaderClient::Open(options);
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(client.status().message(),
              HasSubstr("module 'alpha': alpha: configuration: "
                        "plugins.alpha.warn-me: unknown key"));
}

TEST(LoaderTest, DocumentErrorsNameTheSource) {
  auto bad = OpenWithDocument({ALPHA_SO}, "plugins:\n  alpha: [\n", "site.yaml",
                              /*strict=*/false);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("site.yaml:"));
  // config_json and config_document together are refused.
  LoaderClient::Options options;
  options.module_paths = {ALPHA_SO};
  options.skip_default_paths = true;
  options.config_json = "{}";
  options.config_document = "{}";
  auto both = LoaderClient::Open(options);
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(both.status().message(), HasSubstr("both set"));
}

TEST(LoaderTest, OlderHostTableIsZeroExtended) {
  // A host table from before get_secret existed: the module must see NULL
  // there (not whatever follows the caller's struct).
  struct {
    flyteplug_host_api api;
  } host{};
  sdk::testing::FakeHost capturing;
  host.api = *capturing.api();
  host.api.struct_size = offsetof(flyteplug_host_api, get_secret);
  host.api.get_secret = reinterpret_cast<decltype(host.api.get_secret)>(
      static_cast<uintptr_t>(0xdead));
  auto client = OpenOnly({ALPHA_SO}, "", &host.api);
  ASSERT_TRUE(client.ok()) << client.status();
  auto built = client->BuildResource(ContextFor("alpha", {{"secret", "K"}}));
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(built.status().message(), HasSubstr("no secret lookup"));
}

TEST(LoaderTest, WrongConfigTypesNameThePath) {
  auto a = OpenOnly(
      {ALPHA_SO}, R"({"tasks":{"task-plugins":{"enabled-plugins":"alpha"}}})");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      a.status().message(),
      HasSubstr("tasks.task-plugins.enabled-plugins: expected an array"));
  auto b = OpenOnly(
      {ALPHA_SO},
      R"({"tasks":{"task-plugins":{"default-for-task-types":{"alpha":3}}}})");
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(),
              HasSubstr("default-for-task-types.alpha: expected a string"));
  // [] is an empty map (Flyte's weak decoding), so a string is the error.
  auto c = OpenOnly({ALPHA_SO}, R"({"plugins": "x"})");
  EXPECT_THAT(c.status().message(),
              HasSubstr("plugins: expected a map or a list of maps"));
  auto d = OpenOnly({ALPHA_SO}, R"({"plugins": )");
  EXPECT_THAT(d.status().message(), HasSubstr("config: invalid JSON"));
}

TEST(LoaderTest, InitFailureNamesModuleAndIsAllOrNothing) {
  auto client = OpenOnly({ALPHA_SO, GAMMA_SO},
                         R"({"tasks":{"task-plugins":{
                              "default-for-task-types":{"alpha":"alpha"}}},
                            "plugins":{"gamma":{"reject":true}}})");
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(client.status().message(), HasSubstr("module 'gamma'"));
  EXPECT_THAT(client.status().message(), HasSubstr("init failed"));
  EXPECT_THAT(client.status().message(), HasSubstr("'reject'"));
}

TEST(LoaderTest, MissingPathIsNotFound) {
  auto client = OpenOnly({"/nonexistent/flyteplug/mod.so"});
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(client.status().message(),
              HasSubstr("module_paths[0] '/nonexistent/flyteplug/mod.so'"));
}

TEST(LoaderTest, SharedObjectWithoutEntrySymbol) {
  auto client = OpenOnly({NO_ENTRY_SO});
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(LoaderClient::AbiCode(client.status()),
            FLYTEPLUG_ABI_CONTRACT_VIOLATION);
  EXPECT_THAT(client.status().message(),
              HasSubstr("flyteplug_module_entry_v1"));
  EXPECT_THAT(client.status().message(), HasSubstr("libloader_test_no_entry"));
}

TEST(LoaderTest, NotASharedObject) {
  std::string dir = TempDir();
  std::string path = dir + "/garbage.so";
  std::ofstream(path) << "not an ELF file";
  auto client = OpenOnly({dir});
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(LoaderClient::AbiCode(client.status()),
            FLYTEPLUG_ABI_CONTRACT_VIOLATION);
  EXPECT_THAT(client.status().message(), HasSubstr("garbage.so"));
  EXPECT_THAT(client.status().message(), HasSubstr("dlopen failed"));
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(LoaderTest, DirectoryIsScannedAndSymlinksDeduplicated) {
  std::string dir = TempDir();
  std::string link1 = dir + "/a.so";
  std::string link2 = dir + "/b.so";
  ASSERT_EQ(::symlink(ALPHA_SO, link1.c_str()), 0);
  ASSERT_EQ(::symlink(ALPHA_SO, link2.c_str()), 0);
  std::ofstream(dir + "/README.txt") << "ignored: not *.so";
  auto client = OpenOnly({dir, ALPHA_SO, ALPHA_DIR});
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ(client->Modules().size(), 1u);
  EXPECT_EQ(client->Modules()[0].id, "alpha");
  // The reported path is the real one, not the symlink.
  char* real = ::realpath(ALPHA_SO, nullptr);
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(client->Modules()[0].path, real);
  std::free(real);
  std::remove(link1.c_str());
  std::remove(link2.c_str());
  std::remove((dir + "/README.txt").c_str());
  ::rmdir(dir.c_str());
}

TEST(LoaderTest, DuplicateModuleIdAcrossFilesNamesBothFiles) {
  auto client = OpenOnly({ALPHA_SO, ALPHA_COPY_SO});
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(client.status().message(), HasSubstr("module id 'alpha'"));
  EXPECT_THAT(client.status().message(),
              HasSubstr("alpha/libloader_test_alpha"));
  EXPECT_THAT(client.status().message(),
              HasSubstr("alpha_copy/libloader_test_alpha_copy"));
}

TEST(LoaderTest, PluginPathEnvironmentIsSearched) {
  std::string dir = TempDir();
  ASSERT_EQ(::symlink(BETA_SO, (dir + "/beta.so").c_str()), 0);
  ::setenv("FLYTEPLUG_PLUGIN_PATH", (":" + dir + ":").c_str(), 1);
  LoaderClient::Options options;
  options.module_paths = {ALPHA_SO};
  auto client = LoaderClient::Open(options);
  ::unsetenv("FLYTEPLUG_PLUGIN_PATH");
  ASSERT_TRUE(client.ok()) << client.status();
  bool has_alpha = false, has_beta = false;
  for (const auto& m : client->Modules()) {
    has_alpha = has_alpha || m.id == "alpha";
    has_beta = has_beta || m.id == "beta";
  }
  EXPECT_TRUE(has_alpha);
  EXPECT_TRUE(has_beta);
  // Skipping default paths ignores the variable.
  ::setenv("FLYTEPLUG_PLUGIN_PATH", "/nonexistent/dir", 1);
  auto skipped = OpenOnly({ALPHA_SO});
  EXPECT_TRUE(skipped.ok()) << skipped.status();
  auto strict = LoaderClient::Open(options);
  ::unsetenv("FLYTEPLUG_PLUGIN_PATH");
  ASSERT_FALSE(strict.ok());
  EXPECT_THAT(strict.status().message(),
              HasSubstr("$FLYTEPLUG_PLUGIN_PATH entry '/nonexistent/dir'"));
  std::remove((dir + "/beta.so").c_str());
  ::rmdir(dir.c_str());
}

TEST(LoaderTest, EightThreadsBuildConcurrently) {
  auto client = OpenOnly({ALPHA_SO, BETA_SO});
  ASSERT_TRUE(client.ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        flyteplug::v1::TaskContext context;
        context.mutable_task_template()->set_type(i % 2 ? "alpha" : "beta");
        const std::string name = absl::StrCat("t", t, "-", i);
        context.mutable_metadata()->set_generated_name(name);
        const std::string bytes = context.SerializeAsString();
        auto out =
            i % 2 ? client->BuildResource(bytes) : client->RenderRequest(bytes);
        if (!out.ok() ||
            !absl::StrContains(*out, absl::StrCat("\"name\":\"", name, "\""))) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(LoaderTest, DefaultHostServesSecretsFromEnvAndFiles) {
  std::string dir = TempDir();
  std::ofstream(dir + "/FILEKEY") << "from-file-value\n";
  ::setenv("FLYTE_SECRET_ENVKEY", "env-secret-value-123", 1);
  ::setenv("FLYTE_SECRETS_DIR", dir.c_str(), 1);
  auto client = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(client.ok());
  auto env = client->BuildResource(ContextFor("alpha", {{"secret", "ENVKEY"}}));
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_THAT(*env, HasSubstr("\"secret_length\":20"));
  EXPECT_THAT(*env, Not(HasSubstr("env-secret-value-123")));
  auto file =
      client->BuildResource(ContextFor("alpha", {{"secret", "FILEKEY"}}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(*file, HasSubstr("\"secret_length\":15"));  // newline trimmed
  auto missing =
      client->BuildResource(ContextFor("alpha", {{"secret", "MISSING"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("FLYTE_SECRET_MISSING"));
  auto traversal =
      client->BuildResource(ContextFor("alpha", {{"secret", "../FILEKEY"}}));
  ASSERT_FALSE(traversal.ok());
  EXPECT_EQ(traversal.status().code(), absl::StatusCode::kInvalidArgument);
  for (const auto& status : {missing.status(), traversal.status()}) {
    EXPECT_THAT(status.message(), Not(HasSubstr("env-secret-value-123")));
    EXPECT_THAT(status.message(), Not(HasSubstr("from-file-value")));
  }
  ::unsetenv("FLYTE_SECRET_ENVKEY");
  ::unsetenv("FLYTE_SECRETS_DIR");
  std::remove((dir + "/FILEKEY").c_str());
  ::rmdir(dir.c_str());
}

TEST(LoaderCApiTest, NullArgumentsAreErrorsNotCrashes) {
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  flyteplug_loader* loader = nullptr;
  EXPECT_EQ(flyteplug_loader_open(nullptr, &loader, &status),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(status.message, nullptr);
  flyteplug_status_clear(&status);
  EXPECT_EQ(status.message, nullptr);
  flyteplug_buffer out{};
  EXPECT_EQ(flyteplug_build_resource(nullptr, {nullptr, 0}, &out, &status),
            FLYTEPLUG_INVALID_ARGUMENT);
  flyteplug_status_clear(&status);
  EXPECT_EQ(flyteplug_task_context_from_json({nullptr, 5}, &out, &status),
            FLYTEPLUG_INVALID_ARGUMENT);
  flyteplug_status_clear(&status);
  flyteplug_loader_close(nullptr);
  flyteplug_buffer_release(nullptr);
  flyteplug_status_clear(nullptr);
  EXPECT_EQ(flyteplug_loader_module_count(nullptr), 0u);
}

TEST(LoaderCApiTest, OptionsStructSizeRule) {
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  struct {
    flyteplug_loader_options options;
    uint64_t tail;
  } extended{};
  extended.options.struct_size = sizeof(extended);
  extended.options.flags = FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS;
  extended.tail = 0;
  flyteplug_loader* loader = nullptr;
  EXPECT_EQ(flyteplug_loader_open(&extended.options, &loader, &status),
            FLYTEPLUG_OK);
  flyteplug_loader_close(loader);
  extended.tail = 1;
  EXPECT_EQ(flyteplug_loader_open(&extended.options, &loader, &status),
            FLYTEPLUG_ABI_STRUCT_TOO_NEW);
  flyteplug_status_clear(&status);
  flyteplug_loader_options bad{};
  bad.struct_size = sizeof(bad);
  bad.reserved0 = 1;
  EXPECT_EQ(flyteplug_loader_open(&bad, &loader, &status),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_THAT(status.message, HasSubstr("reserved0"));
  flyteplug_status_clear(&status);
}

TEST(LoaderCApiTest, ModuleInfoOutOfRange) {
  auto client = OpenOnly({ALPHA_SO});
  ASSERT_TRUE(client.ok());
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  flyteplug_module_info info{};
  info.struct_size = sizeof(info);
  EXPECT_EQ(flyteplug_loader_module_info(client->get(), 1, &info, &status),
            FLYTEPLUG_OUT_OF_RANGE);
  flyteplug_status_clear(&status);
  EXPECT_EQ(flyteplug_loader_module_info(client->get(), 0, &info, &status),
            FLYTEPLUG_OK);
  EXPECT_STREQ(info.id, "alpha");
  EXPECT_STREQ(info.version, "0.0.1");
}

#if defined(SHIPPED_SPARK_SO) && defined(SHIPPED_DATABRICKS_SO)
// docs/design.md, "Known hazards": both shipped modules in one process must not
// abort with protobuf's "File already exists in database".
TEST(ShippedModulesTest, BothLoadInOneProcess) {
  auto client = OpenOnly({SHIPPED_SPARK_SO, SHIPPED_DATABRICKS_SO});
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_EQ(client->Modules().size(), 2u);
  auto spark = client->Resolve("spark");
  ASSERT_TRUE(spark.ok()) << spark.status();
  EXPECT_EQ(client->Modules()[*spark].id, "spark");
  auto databricks = client->Resolve("databricks");
  ASSERT_TRUE(databricks.ok()) << databricks.status();
  EXPECT_EQ(client->Modules()[*databricks].id, "databricks");
}

TEST(ShippedModulesTest, SparkRoutesToDatabricksByDefaultEntry) {
  auto client = OpenOnly(
      {SHIPPED_SPARK_SO, SHIPPED_DATABRICKS_SO},
      R"({"tasks":{"task-plugins":{"default-for-task-types":{"spark":"databricks"}}}})");
  ASSERT_TRUE(client.ok()) << client.status();
  auto spark = client->Resolve("spark");
  ASSERT_TRUE(spark.ok());
  EXPECT_EQ(client->Modules()[*spark].id, "databricks");
}
#endif

TEST(LoaderTest, InvalidUtf8IsNamedByFieldWithoutLibraryChatter) {
  sdk::testing::FakeHost host;
  auto client = OpenOnly({ALPHA_SO}, "", host.api());
  ASSERT_TRUE(client.ok()) << client.status();
  flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type("alpha");
  context.mutable_task_template()->mutable_container()->set_image("ok");
  std::string bytes = context.SerializeAsString();
  bytes.replace(bytes.find("ok"), 2, "\xff\xfe");

  flyteplug::v1::PhaseInfo info;
  info.set_reason("rr");
  std::string phase = info.SerializeAsString();
  phase.replace(phase.find("rr"), 2, "\xc3\x28");

  ::testing::internal::CaptureStderr();
  auto built = client->BuildResource(bytes);
  auto json = LoaderClient::PhaseInfoToJson(phase);
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(built.status().message(),
              HasSubstr("string field 'flyteidl.core.Container.image' (at "
                        "task_template.container.image) holds invalid UTF-8"));
  ASSERT_FALSE(json.ok());
  EXPECT_THAT(json.status().message(),
              HasSubstr("string field 'flyteplug.v1.PhaseInfo.reason' (at "
                        "reason) holds invalid UTF-8 (its 2 bytes start at "
                        "byte 2)"));
  EXPECT_THAT(err, Not(HasSubstr("libprotobuf"))) << err;
  EXPECT_THAT(err, Not(HasSubstr("protobuf:"))) << err;  // DEBUG only
  // The library's own line went to the loader's host, lowered to DEBUG.
  bool routed = false;
  for (const sdk::testing::LogLine& line : host.logs()) {
    if (absl::StartsWith(line.message, "protobuf: String field")) {
      EXPECT_EQ(line.level, FLYTEPLUG_LOG_DEBUG);
      routed = true;
    }
  }
  EXPECT_TRUE(routed) << host.LogText();
}

TEST(LoaderTest, TaskContextFromJsonIsByteIdenticalAcrossCalls) {
  // Map fields (labels, annotations, environment, task config) with many
  // keys: hash order would differ between map instances.
  std::string labels, config;
  flyteplug::v1::TaskContext reference;
  reference.mutable_task_template()->set_type("alpha");
  for (int i = 63; i >= 0; --i) {  // inserted in reverse order
    const std::string key = absl::StrCat("key-", i);
    (*reference.mutable_metadata()->mutable_labels())[key] = "v";
    (*reference.mutable_metadata()->mutable_annotations())[key] = "a";
    (*reference.mutable_task_template()->mutable_config())[key] = "c";
  }
  for (int i = 0; i < 64; ++i) {
    absl::StrAppend(&labels, i == 0 ? "" : ",", "\"key-", i, "\":\"v\"");
    absl::StrAppend(&config, i == 0 ? "" : ",", "\"key-", i, "\":\"c\"");
  }
  const std::string json = absl::StrCat(
      R"({"taskTemplate":{"type":"alpha","config":{)", config,
      R"(}},"metadata":{"labels":{)", labels, R"(},"annotations":{)",
      absl::StrReplaceAll(labels, {{"\"v\"", "\"a\""}}), "}}}");
  std::string expected;
  {
    google::protobuf::io::StringOutputStream stream(&expected);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    ASSERT_TRUE(reference.SerializeToCodedStream(&coded));
  }
  for (int call = 0; call < 20; ++call) {
    auto bytes = LoaderClient::TaskContextFromJson(json);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    ASSERT_EQ(*bytes, expected) << "call " << call;
  }
}

}  // namespace
}  // namespace flyteplug::testing
