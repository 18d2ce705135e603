// init-deinit-twice: instances come and go independently.
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "checks.h"
#include "flyteplug/plugin.h"
#include "module_harness.h"
#include "test_host.h"

namespace flyteplug::conformance {

absl::StatusOr<std::string> CheckInitDeinitTwice(const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module* module = *loaded;
  if (module->init == nullptr || module->deinit == nullptr) {
    return absl::FailedPreconditionError("init or deinit is NULL");
  }
  TestHost host;
  for (int round = 1; round <= 2; ++round) {
    auto instance = Instance::Create(module, host, "{}");
    if (!instance.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("init #", round, " (after ", round - 1,
                       " init/deinit): ", instance.status().message()));
    }
  }  // each deinitialised at the end of its round

  {
    auto a = Instance::Create(module, host, "{}");
    if (!a.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "init of the first of two live instances: ", a.status().message()));
    }
    auto b = Instance::Create(module, host, "{}");
    if (!b.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("init of a second instance while the first is alive: ",
                       b.status().message()));
    }
    if (a->get() == b->get()) {
      return absl::FailedPreconditionError(
          "two inits returned the same instance pointer");
    }
    a->Reset();  // deinit out of creation order
  }

  // NULL arguments: errors, no crash.
  {
    sdk::boundary::ErrorCapture capture;
    flyteplug_instance* instance = nullptr;
    flyteplug_status_code code =
        module->init(nullptr, &instance, capture.sink());
    if (code == FLYTEPLUG_OK) {
      if (instance != nullptr) module->deinit(instance);
      return absl::FailedPreconditionError("init returned OK for NULL args");
    }
    if (capture.calls() != 1 || capture.message().empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "init(NULL args) returned ", CodeName(code),
          " without one non-empty message through the error sink"));
    }
    flyteplug_init_args args;
    std::memset(&args, 0, sizeof(args));
    args.struct_size = sizeof(args);
    args.host = host.api();
    static const std::string kConfig = "{}";
    args.config_json = BytesOf(kConfig);
    sdk::boundary::ErrorCapture capture2;
    if (module->init(&args, nullptr, capture2.sink()) == FLYTEPLUG_OK) {
      return absl::FailedPreconditionError(
          "init returned OK with a NULL instance pointer");
    }
  }
  return std::string();
}

}  // namespace flyteplug::conformance
