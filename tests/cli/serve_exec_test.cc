// `flyteplug serve` runs the separate flyteplug-serve executable (docs/cli.md,
// "serve"): the lean CLI hands it the arguments by execv (same process), a
// missing sibling is a clear error, and the lean binary links none of the
// server's libraries.
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subprocess.h"

namespace flyteplug::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Dir(const std::string& file) {
  return file.substr(0, file.rfind('/'));
}

// The NEEDED entries of an ELF file's dynamic section (readelf -d).
std::vector<std::string> NeededLibraries(const std::string& elf) {
  ProcessResult r = RunProcess("/usr/bin/readelf", {"-d", elf});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> needed;
  for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
    if (!absl::StrContains(line, "(NEEDED)")) continue;
    size_t open = line.find('[');
    size_t close = line.rfind(']');
    if (open != absl::string_view::npos && close > open) {
      needed.emplace_back(line.substr(open + 1, close - open - 1));
    }
  }
  return needed;
}

// Libraries only `serve` needs; none may be linked by the lean CLI.
bool IsServerLibrary(const std::string& soname) {
  for (const char* part : {"grpc", "prometheus", "civetweb", "curl", "ssl",
                           "crypto", "yaml", "gpr", "upb", "cares", "re2"}) {
    if (absl::StrContains(soname, part)) return true;
  }
  return false;
}

TEST(ServeExecTest, LeanCliLinksNoServerLibrary) {
  std::vector<std::string> cli = NeededLibraries(FLYTEPLUG_BIN);
  ASSERT_THAT(cli, Not(IsEmpty()));
  std::vector<std::string> server_libraries;
  for (const std::string& soname : cli) {
    if (IsServerLibrary(soname)) server_libraries.push_back(soname);
  }
  EXPECT_THAT(server_libraries, IsEmpty());
  // The check can fail: the server itself links gRPC.
  std::vector<std::string> serve = NeededLibraries(FLYTEPLUG_SERVE_BIN);
  EXPECT_THAT(serve, ::testing::Contains(HasSubstr("libgrpc++")));
}

TEST(ServeExecTest, HelpListsServeAndServeHelpComesFromTheServer) {
  ProcessResult r = RunProcess(FLYTEPLUG_BIN, {"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("  serve [--address HOST:PORT]"));
  EXPECT_THAT(r.out, HasSubstr("COMMAND [ARGS]"));

  r = RunProcess(FLYTEPLUG_BIN, {"serve", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // flyteplug-serve's own usage (the lean CLI's says COMMAND).
  EXPECT_THAT(r.out, HasSubstr("serve [ARGS]"));
  EXPECT_THAT(r.out, HasSubstr("[--kubeconfig FILE] [--kube-context NAME]"));
  EXPECT_THAT(r.out, Not(HasSubstr("conformance")));
  EXPECT_EQ(r.err, "");
}

TEST(ServeExecTest, ArgumentsBeforeAndAfterServeReachTheServer) {
  ProcessResult r =
      RunProcess(FLYTEPLUG_BIN, {"serve", "--grace-period", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("--grace-period: 'soon' is not a number of seconds"));

  r = RunProcess(FLYTEPLUG_BIN, {"--log-level", "loud", "serve"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--log-level: 'loud' is not debug"));

  r = RunProcess(FLYTEPLUG_BIN, {"serve", "--task", "t.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("serve: takes no --task or --resource"));

  r = RunProcess(FLYTEPLUG_BIN, {"serve", "extra"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("serve: unexpected argument 'extra'"));

  // A serve flag with another command is still refused by the lean CLI.
  r = RunProcess(FLYTEPLUG_BIN, {"--address", "127.0.0.1:0", "plugins"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("belong to 'serve'"));
}

// The server runs in the process flyteplug started (execv, not a child):
// the pid the caller holds is flyteplug-serve's, and SIGTERM to it stops the
// server with exit 0.
TEST(ServeExecTest, ServerKeepsTheProcessAndItsSignals) {
  std::string exe_at_start;
  bool signalled = false;
  ProcessOptions options;
  options.env = {"FLYTEPLUG_PLUGIN_PATH"};
  options.deadline_seconds = 60;
  options.on_stderr = [&](pid_t pid, const std::string& err) {
    if (signalled || !absl::StrContains(err, "msg=serving")) return;
    std::error_code error;
    exe_at_start = std::filesystem::read_symlink(
                       "/proc/" + std::to_string(pid) + "/exe", error)
                       .string();
    signalled = true;
    ::kill(pid, SIGTERM);
  };
  ProcessResult r = RunProcess(
      FLYTEPLUG_BIN,
      {"--plugin-dir", Dir(ALPHA_SO), "serve", "--address", "127.0.0.1:0",
       "--metrics-address", "off", "--grace-period", "1"},
      options);
  ASSERT_TRUE(signalled) << r.err;
  EXPECT_EQ(exe_at_start, FLYTEPLUG_SERVE_BIN);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("grpc listening on 127.0.0.1:"));
}

TEST(ServeExecTest, MissingServerIsAClearLoadError) {
  char pattern[] = "/tmp/flyteplug_serve_exec_test_XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  const std::string lone_cli = dir + "/flyteplug";
  std::filesystem::copy_file(FLYTEPLUG_BIN, lone_cli);
  ProcessResult r = RunProcess(lone_cli, {"serve", "--address", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err,
              HasSubstr("serve: cannot run " + dir + "/flyteplug-serve"));
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
  EXPECT_THAT(r.err, HasSubstr("must be installed next to flyteplug"));
  // Every other command still works without it.
  r = RunProcess(lone_cli, {"--help"});
  EXPECT_EQ(r.exit_code, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flyteplug::testing
