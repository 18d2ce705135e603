// A module built with the SDK and flyteplug_add_module whose behaviour the
// test picks per call, to exercise the SDK's C boundary (sdk.cc): the mode is
// the TaskContext's metadata.generatedName (or the resource meta for get and
// delete):
//   "ok" (or anything else)  success
//   "throw"                  throws std::runtime_error("plugin exploded")
//   "throw_int"              throws an int
//   "bad_alloc"              throws std::bad_alloc
//   "code:N"                 returns absl::Status(N, "status N from plugin")
//   "code:N:empty"           the same with an empty message
//   "secret"                 looks up secret "token" through the host
// Initialisation reads {"mode": "..."} from the configuration the same way.
// SDK_TEST_WEBAPI selects the web-API family.
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "flyteplug/sdk/sdk.h"

namespace {

using flyteplug::sdk::Host;

// Runs the mode's behaviour; `value` is what "ok" returns.
absl::StatusOr<std::string> Act(absl::string_view mode, const Host& host,
                                std::string value) {
  if (mode == "throw") throw std::runtime_error("plugin exploded");
  if (mode == "throw_int") throw 42;
  if (mode == "bad_alloc") throw std::bad_alloc();
  if (absl::ConsumePrefix(&mode, "code:")) {
    bool empty = absl::ConsumeSuffix(&mode, ":empty");
    int code = 0;
    if (!absl::SimpleAtoi(mode, &code)) code = 2;
    return absl::Status(
        static_cast<absl::StatusCode>(code),
        empty ? "" : absl::StrCat("status ", code, " from plugin"));
  }
  if (mode == "secret") {
    auto secret = host.GetSecret("token");
    if (!secret.ok()) return secret.status();
    return absl::StrCat(R"({"secretBytes":)", secret->size(), "}");
  }
  return value;
}

absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> Phase(
    absl::string_view mode, const Host& host, absl::string_view reason) {
  auto acted = Act(mode, host, "");
  if (!acted.ok()) return acted.status();
  flyteplug::abi::flyteplug::v1::PhaseInfo phase;
  phase.set_phase(flyteplug::abi::flyteplug::v1::RUNNING);
  phase.set_reason(std::string(reason));
  return phase;
}

std::string ModeOf(const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  return context.metadata().generated_name();
}

class K8sPlugin : public flyteplug::sdk::K8sResourcePlugin {
 public:
  explicit K8sPlugin(const Host* host) : host_(host) {}
  absl::StatusOr<std::string> BuildResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Act(
        ModeOf(context), *host_,
        absl::StrCat(R"({"kind":"Test","name":")", ModeOf(context), R"("})"));
  }
  absl::StatusOr<std::string> BuildIdentityResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Act(ModeOf(context), *host_, R"({"kind":"Test"})");
  }
  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> GetTaskPhase(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource_json) const override {
    return Phase(ModeOf(context), *host_, resource_json);
  }

 private:
  const Host* host_;
};

class WebPlugin : public flyteplug::sdk::WebApiPlugin {
 public:
  explicit WebPlugin(const Host* host) : host_(host) {}
  absl::StatusOr<std::string> Create(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Act(ModeOf(context), *host_, "meta:" + ModeOf(context));
  }
  absl::StatusOr<std::string> Get(
      absl::string_view resource_meta) const override {
    return Act(resource_meta, *host_, absl::StrCat("state-of:", resource_meta));
  }
  absl::Status Delete(absl::string_view resource_meta) const override {
    return Act(resource_meta, *host_, "").status();
  }
  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> Status(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource) const override {
    return Phase(ModeOf(context), *host_, resource);
  }
  absl::StatusOr<std::string> RenderCreateRequest(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Act(
        ModeOf(context), *host_,
        R"({"method":"POST","url":"https://x.invalid","headers":{},"body":{}})");
  }

 private:
  const Host* host_;
};

// The init mode: the value of "mode" in the configuration JSON, if any.
std::string InitMode(absl::string_view config) {
  size_t at = config.find(R"("mode":")");
  if (at == absl::string_view::npos) return "ok";
  absl::string_view rest = config.substr(at + 8);
  return std::string(rest.substr(0, rest.find('"')));
}

template <typename Plugin, typename Base>
absl::StatusOr<std::unique_ptr<Base>> Make(
    const flyteplug::sdk::InitContext& context) {
  std::string mode = InitMode(context.config);
  if (mode == "null") return std::unique_ptr<Base>();
  auto acted = Act(mode, *context.host, "");
  if (!acted.ok()) return acted.status();
  context.host->Log(FLYTEPLUG_LOG_INFO, "sdk test instance created");
  return std::unique_ptr<Base>(std::make_unique<Plugin>(context.host));
}

const flyteplug::sdk::ModuleDefinition& Definition() {
  static const auto* definition = [] {
    auto* d = new flyteplug::sdk::ModuleDefinition();
#ifdef SDK_TEST_WEBAPI
    d->id = "sdk_test_webapi";
    d->make_webapi = &Make<WebPlugin, flyteplug::sdk::WebApiPlugin>;
#else
    d->id = "sdk_test_k8s";
    d->make_k8s = &Make<K8sPlugin, flyteplug::sdk::K8sResourcePlugin>;
#endif
    d->version = "2.3.4";
    d->description = "SDK boundary test module";
    d->task_types = {{"sdk_test", false}, {"sdk_test_opt", true}};
    d->config_sections = {"sdk_test", "k8s"};
    d->unloadable = true;
    return d;
  }();
  return *definition;
}

}  // namespace

FLYTEPLUG_DEFINE_MODULE(Definition)
