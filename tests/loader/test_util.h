// Helpers shared by the loader tests.
#ifndef FLYTEPLUG_TESTS_LOADER_TEST_UTIL_H_
#define FLYTEPLUG_TESTS_LOADER_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flyteplug/loader_client.h"

namespace flyteplug::testing {

inline absl::StatusOr<LoaderClient> OpenOnly(
    std::vector<std::string> paths, std::string config = "",
    const flyteplug_host_api* host = nullptr) {
  LoaderClient::Options options;
  options.module_paths = std::move(paths);
  options.skip_default_paths = true;
  options.config_json = std::move(config);
  options.host = host;
  return LoaderClient::Open(options);
}

// Opens `paths` only with `document` (YAML or JSON) as config_document,
// named `source_name`.
inline absl::StatusOr<LoaderClient> OpenWithDocument(
    std::vector<std::string> paths, std::string document,
    std::string source_name, bool strict,
    const flyteplug_host_api* host = nullptr) {
  LoaderClient::Options options;
  options.module_paths = std::move(paths);
  options.skip_default_paths = true;
  options.config_document = std::move(document);
  options.config_source_name = std::move(source_name);
  options.strict_config = strict;
  options.host = host;
  return LoaderClient::Open(options);
}

// A serialized TaskContext for `type` with optional task config entries.
std::string ContextFor(
    const std::string& type,
    const std::vector<std::pair<std::string, std::string>>& task_config = {});

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_LOADER_TEST_UTIL_H_
