// Command-line scanning shared by `flyteplug` (main.cc) and `flyteplug-serve`
// (serve_main.cc): flag/value splitting, the global options, the usage texts.
#ifndef FLYTEPLUG_EXAMPLES_CLI_CLI_ARGS_H_
#define FLYTEPLUG_EXAMPLES_CLI_CLI_ARGS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "cli_util.h"

namespace flyteplug::cli {

// The serve executable, installed in the same directory as `flyteplug`.
inline constexpr char kServeExecutableName[] = "flyteplug-serve";

// The flags of `serve`, each taking a value. `flyteplug` accepts them (and
// hands them on unread); `flyteplug-serve` parses them.
inline constexpr const char* kServeValueFlags[] = {
    "--address",      "--metrics-address", "--tls-cert",   "--tls-key",
    "--grace-period", "--log-level",       "--kubeconfig", "--kube-context"};

// argv[1..] with a cursor. Accepts "--flag value" and "--flag=value".
class Args {
 public:
  Args(int argc, char** argv) : args_(argv + 1, argv + argc) {}

  bool Done() const { return pos_ >= args_.size(); }
  // Index in argv of the current argument (argv[0] excluded, so pos + 1).
  size_t ArgvIndex() const { return pos_ + 1; }
  const std::string& Peek() const { return args_[pos_]; }
  std::string Next() { return args_[pos_++]; }

  // If the current argument is `flag` (or `flag=...`), consumes it and its
  // value into `*value`. Returns false when it is not this flag; sets
  // `*missing` when the value is absent.
  bool TakeValue(const std::string& flag, std::string* value, bool* missing);

 private:
  std::vector<std::string> args_;
  size_t pos_ = 0;
};

// Parses a number of seconds in [0, 1e7] into `*out`; false if it is not one.
bool ParseSeconds(const std::string& text, double* out);

// If the current argument is --plugin-dir, --config or --strict-config,
// consumes it into `*global` and returns true; `*error` is then set to a
// usage message when its value is missing or empty. Returns false (and
// consumes nothing) for any other argument.
bool TakeGlobalFlag(Args& args, GlobalOptions* global, std::string* error);

// Prints "flyteplug: <message>" and `usage` on stderr; returns kExitUsage.
int UsageError(const std::string& usage, const std::string& message);

// Returns main_fn(argc, argv); an escaping exception becomes "internal
// error" on stderr and kExitLoad.
int RunMain(int (*main_fn)(int, char**), int argc, char** argv);

// `flyteplug --help`: every command, `serve` included.
std::string CliUsage();

// `flyteplug serve --help` (= `flyteplug-serve --help`).
std::string ServeUsage();

}  // namespace flyteplug::cli

#endif  // FLYTEPLUG_EXAMPLES_CLI_CLI_ARGS_H_
