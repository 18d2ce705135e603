// Opens a loader holding only the ABI 1.0 test module (legacy_1_0_module.c).
#ifndef FLYTEPLUG_TESTS_CONNECTOR_LEGACY_MODULE_H_
#define FLYTEPLUG_TESTS_CONNECTOR_LEGACY_MODULE_H_

#include <memory>

#include "flyteplug/loader_client.h"
#include "gtest/gtest.h"

namespace flyteplug::testing {

// The loader, or null after a gtest failure naming the error.
inline std::unique_ptr<LoaderClient> OpenLegacyModule() {
  LoaderClient::Options options;
  options.module_paths = {LEGACY_1_0_SO};
  options.skip_default_paths = true;
  absl::StatusOr<LoaderClient> loader = LoaderClient::Open(options);
  EXPECT_TRUE(loader.ok()) << loader.status();
  if (!loader.ok()) return nullptr;
  return std::make_unique<LoaderClient>(*std::move(loader));
}

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_CONNECTOR_LEGACY_MODULE_H_
