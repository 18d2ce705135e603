// A bare driver for the suite, for debugging fixtures:
//   conformance_run [--in-process] [--timeout N] [--only CHECK] MODULE.so...
// (The user-facing entry point is `flyteplug conformance`.)
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "conformance.h"

int main(int argc, char** argv) {
  flyteplug::conformance::Options options;
  std::vector<std::string> modules;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--in-process") == 0) {
      options.in_process = true;
    } else if (std::strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      options.timeout_seconds_per_check = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      options.only_check = argv[++i];
    } else {
      modules.push_back(argv[i]);
    }
  }
  if (modules.empty()) {
    std::cerr << "usage: conformance_run [--in-process] [--timeout N] "
                 "[--only CHECK] MODULE.so...\n";
    return 2;
  }
  auto results = flyteplug::conformance::RunSuite(modules, options, std::cout);
  for (const auto& r : results) {
    if (!r.passed) return 1;
  }
  return 0;
}
