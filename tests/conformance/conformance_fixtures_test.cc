// Runs the suite on every fixture module and checks that each defect is
// caught by the right check (and only the checks it must break), that the
// correct fixtures pass everything, and that the shipped modules pass.
#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conformance.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "module_paths.h"

namespace flyteplug::conformance {
namespace {

using ::testing::HasSubstr;

struct Expectation {
  const char* name;
  const char* path;
  // The checks that must fail; every other check must pass.
  std::set<std::string> failing;
  // The check whose detail must name the problem, and what it must say.
  std::string main_check;
  std::vector<std::string> detail;
  int timeout_seconds = 20;
};

std::set<std::string> All() {
  std::vector<std::string> names = CheckNames();
  return {names.begin(), names.end()};
}

std::set<std::string> AllBut(const std::string& check) {
  std::set<std::string> names = All();
  names.erase(check);
  return names;
}

std::vector<Expectation> Expectations() {
  return {
      {"good_k8s", FIXTURE_good_k8s, {}, "", {}},
      {"good_webapi", FIXTURE_good_webapi, {}, "", {}},
      {"exports_everything",
       FIXTURE_exports_everything,
       {"exports-only-entry"},
       "exports-only-entry",
       {"symbols besides flyteplug_module_entry_v1", "std",
        "flyteplug_add_module"}},
      {"own_proto_copy",
       FIXTURE_own_proto_copy,
       All(),
       "exports-only-entry",
       {"own copy of flyteidl/flyteplug generated",
        "flyteplug/sdk/messages.h"}},
      {"needs_public_proto",
       FIXTURE_needs_public_proto,
       {"exports-only-entry"},
       "exports-only-entry",
       {"libflyteplug_proto.so", "DT_NEEDED", "flyteplug/sdk/messages.h"}},
      {"no_entry",
       FIXTURE_no_entry,
       All(),
       "exports-only-entry",
       {"flyteplug_module_entry"}},
      {"undefined_symbol",
       FIXTURE_undefined_symbol,
       AllBut("exports-only-entry"),
       "loads-rtld-now-local",
       {"RTLD_NOW", "flyteplug_fixture_function_that_does_not_exist"}},
      {"accepts_any_major",
       FIXTURE_accepts_any_major,
       {"negotiation-matrix"},
       "negotiation-matrix",
       {"major 2", "accepted"}},
      {"bad_descriptor",
       FIXTURE_bad_descriptor,
       {"descriptor-sane"},
       "descriptor-sane",
       {"\"conformance_fixture\" is listed twice"}},
      {"missing_slot",
       FIXTURE_missing_slot,
       {"family-slots"},
       "family-slots",
       {"k8s.get_task_phase is NULL"}},
      {"reinit_fails",
       FIXTURE_reinit_fails,
       {"init-deinit-twice"},
       "init-deinit-twice",
       {"init #2", "only once"}},
      {"crash_on_garbage",
       FIXTURE_crash_on_garbage,
       {"hostile-inputs"},
       "hostile-inputs",
       {"crashed",
        "while running build_resource(task_context: 1 MiB of random bytes)"}},
      {"hangs",
       FIXTURE_hangs,
       {"hostile-inputs"},
       "hostile-inputs",
       {"timed out after 3s while running build_resource(task_context: 1 MiB "
        "of random bytes)"},
       /*timeout_seconds=*/3},
      {"double_release",
       FIXTURE_double_release,
       {"hostile-inputs", "owned-outputs-released-once"},
       "owned-outputs-released-once",
       {"release() left buffer->release non-NULL"}},
      {"racy",
       FIXTURE_racy,
       {"concurrent-8-threads"},
       "concurrent-8-threads",
       {"differed from the single-threaded result", "build_resource"}},
      {"writes_stdout",
       FIXTURE_writes_stdout,
       {"hostile-inputs", "owned-outputs-released-once", "concurrent-8-threads",
        "host-api-respected"},
       "host-api-respected",
       {"stdout/stderr", "fixture: building a resource"}},
      {"calls_exit",
       FIXTURE_calls_exit,
       {"hostile-inputs", "host-api-respected"},
       "host-api-respected",
       {"called exit()",
        "while running build_resource(minimal task context) "
        "with an empty task context"}},
      {"signal_handler",
       FIXTURE_signal_handler,
       {"init-deinit-twice", "hostile-inputs", "owned-outputs-released-once",
        "concurrent-8-threads", "host-api-respected"},
       "host-api-respected",
       {"signal handlers", "SIGUSR1"}},
      {"secret_in_log",
       FIXTURE_secret_in_log,
       {"host-api-respected"},
       "host-api-respected",
       {"a log message carried a secret value"}},
  };
}

void PrintTo(const Expectation& e, std::ostream* os) { *os << e.name; }

class FixtureTest : public ::testing::TestWithParam<Expectation> {};

TEST_P(FixtureTest, CaughtByTheRightChecks) {
  const Expectation& e = GetParam();
  Options options;
  options.timeout_seconds_per_check = e.timeout_seconds;
  std::ostringstream out;
  std::vector<CheckResult> results = RunSuite({e.path}, options, out);
  ASSERT_EQ(results.size(), CheckNames().size()) << out.str();

  std::set<std::string> failing;
  for (const CheckResult& r : results) {
    EXPECT_EQ(r.module_path, e.path);
    if (!r.passed) failing.insert(r.check);
    if (r.check == e.main_check) {
      EXPECT_FALSE(r.passed) << out.str();
      for (const std::string& needle : e.detail) {
        EXPECT_THAT(r.detail, HasSubstr(needle)) << out.str();
      }
    }
  }
  EXPECT_EQ(failing, e.failing) << out.str();
  // One line per check plus the summary, each naming the module.
  std::string report = out.str();
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'),
            static_cast<long>(CheckNames().size() + 1))
      << report;
  EXPECT_THAT(report, HasSubstr(e.failing.empty() ? "0 failed" : "(failing: "));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest,
                         ::testing::ValuesIn(Expectations()),
                         [](const ::testing::TestParamInfo<Expectation>& info) {
                           return std::string(info.param.name);
                         });

TEST(ConformanceSuite, CheckNamesInRunOrder) {
  EXPECT_EQ(CheckNames(), (std::vector<std::string>{
                              "exports-only-entry", "loads-rtld-now-local",
                              "negotiation-matrix", "descriptor-sane",
                              "family-slots", "init-deinit-twice",
                              "hostile-inputs", "owned-outputs-released-once",
                              "concurrent-8-threads", "host-api-respected"}));
}

TEST(ConformanceSuite, ReportLinesAndOnlyCheck) {
  Options options;
  options.only_check = "negotiation-matrix";
  std::ostringstream out;
  std::vector<CheckResult> results =
      RunSuite({FIXTURE_good_k8s, FIXTURE_accepts_any_major}, options, out);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
  EXPECT_THAT(out.str(), HasSubstr(std::string("PASS negotiation-matrix ") +
                                   FIXTURE_good_k8s));
  EXPECT_THAT(out.str(), HasSubstr(std::string("FAIL negotiation-matrix ") +
                                   FIXTURE_accepts_any_major + ": "));
  EXPECT_THAT(
      out.str(),
      HasSubstr("conformance: 2 checks on 2 modules: 1 passed, 1 failed"));
}

TEST(ConformanceSuite, UnknownCheckIsReported) {
  Options options;
  options.only_check = "no-such-check";
  std::ostringstream out;
  std::vector<CheckResult> results = RunSuite({FIXTURE_good_k8s}, options, out);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_THAT(results[0].detail, HasSubstr("no such check"));
  EXPECT_THAT(results[0].detail, HasSubstr("hostile-inputs"));
}

TEST(ConformanceSuite, MissingFileFailsEveryCheckWithoutCrashing) {
  std::ostringstream out;
  std::vector<CheckResult> results =
      RunSuite({"/nonexistent/libnothing.so"}, Options(), out);
  ASSERT_EQ(results.size(), CheckNames().size());
  for (const CheckResult& r : results) EXPECT_FALSE(r.passed) << r.check;
  EXPECT_THAT(results[0].detail, HasSubstr("cannot open"));
}

TEST(ConformanceSuite, InProcessModeRunsGoodModule) {
  Options options;
  options.in_process = true;
  std::ostringstream out;
  std::vector<CheckResult> results =
      RunSuite({FIXTURE_good_webapi}, options, out);
  for (const CheckResult& r : results) {
    EXPECT_TRUE(r.passed) << r.check << ": " << r.detail;
  }
}

[[maybe_unused]] void ExpectAllPass(const char* path) {
  std::ostringstream out;
  std::vector<CheckResult> results = RunSuite({path}, Options(), out);
  for (const CheckResult& r : results) {
    EXPECT_TRUE(r.passed) << r.check << ": " << r.detail;
  }
}

TEST(ShippedModules, SparkPassesEveryCheck) {
#ifdef SHIPPED_MODULE_spark
  ExpectAllPass(SHIPPED_MODULE_spark);
#else
  GTEST_SKIP() << "flyteplug_spark is not part of this build";
#endif
}

TEST(ShippedModules, DatabricksPassesEveryCheck) {
#ifdef SHIPPED_MODULE_databricks
  ExpectAllPass(SHIPPED_MODULE_databricks);
#else
  GTEST_SKIP() << "flyteplug_databricks is not part of this build";
#endif
}

// The third-party example module, built the way an outsider would.
TEST(ShippedModules, ThirdPartyExamplePassesEveryCheck) {
#ifdef SHIPPED_MODULE_k8s_job_intree
  ExpectAllPass(SHIPPED_MODULE_k8s_job_intree);
#else
  GTEST_SKIP() << "flyteplug_k8s_job is not part of this build";
#endif
}

}  // namespace
}  // namespace flyteplug::conformance
