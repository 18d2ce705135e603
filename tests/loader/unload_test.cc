// The loader's libprotobuf log handler outlives a dlclose of the loader: a
// host that loads the loader with dlopen and closes it again must not leave
// libprotobuf calling into unmapped code. This binary does not link the
// loader, so dlclose would really unmap it without the pin.
#include <dlfcn.h>

#include <string>

#include "flyteplug/loader.h"
#include "gmock/gmock.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"

namespace {

TEST(LoaderUnloadTest, ProtobufLinesStillRouteAfterDlclose) {
  void* loader = dlopen(LOADER_SO, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(loader, nullptr) << dlerror();
  using PhaseInfoToJson = decltype(&flyteplug_phase_info_to_json);
  auto to_json = reinterpret_cast<PhaseInfoToJson>(
      dlsym(loader, "flyteplug_phase_info_to_json"));
  ASSERT_NE(to_json, nullptr);
  // Any entry point installs the handler; NULL output is a plain error.
  EXPECT_EQ(to_json({nullptr, 0}, nullptr, nullptr),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(dlclose(loader), 0);

  ::testing::internal::CaptureStderr();
  GOOGLE_LOG(ERROR) << "after dlclose";
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "flyteplug ERROR: protobuf: after dlclose\n");
}

}  // namespace
