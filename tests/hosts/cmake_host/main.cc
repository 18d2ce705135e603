// A minimal C++ host: opens the loader with the given module paths, prints
// one line per module, and prints the manifest for a task JSON file.
// usage: cmake_host TASK.json [MODULE_PATH...]
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "flyteplug/loader_client.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: cmake_host TASK.json [MODULE_PATH...]\n";
    return 2;
  }
  flyteplug::LoaderClient::Options options;
  for (int i = 2; i < argc; ++i) options.module_paths.push_back(argv[i]);
  auto loader = flyteplug::LoaderClient::Open(options);
  if (!loader.ok()) {
    std::cerr << loader.status() << "\n";
    return 3;
  }
  for (const auto& module : loader->Modules()) {
    std::cout << module.id << " " << module.task_types << "\n";
  }
  std::ifstream in(argv[1]);
  std::stringstream task;
  task << in.rdbuf();
  auto context = flyteplug::LoaderClient::TaskContextFromJson(task.str());
  if (!context.ok()) {
    std::cerr << argv[1] << ": " << context.status() << "\n";
    return 2;
  }
  auto manifest = loader->BuildResource(*context);
  if (!manifest.ok()) {
    std::cerr << manifest.status() << "\n";
    return 1;
  }
  std::cout << *manifest << "\n";
  return 0;
}
