// Small SDK-built modules for the loader tests. Compiled once per variant:
//   TEST_MODULE_ALPHA  k8s-resource "alpha": claims alpha; sections alpha, k8s
//   TEST_MODULE_BETA   web-api "beta": claims beta and opt-in alpha;
//                      section beta
//   TEST_MODULE_GAMMA  k8s-resource "gamma": claims alpha and gamma (so it
//                      conflicts with "alpha")
// Each call echoes what the module saw as JSON so tests can check routing
// and configuration. Task config keys understood:
//   "secret": name of a secret to fetch; its length is reported.
//   "fail":   return InvalidArgument with this text.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/sdk.h"

namespace {

#if defined(TEST_MODULE_ALPHA)
constexpr char kId[] = "alpha";
#elif defined(TEST_MODULE_BETA)
constexpr char kId[] = "beta";
#elif defined(TEST_MODULE_GAMMA)
constexpr char kId[] = "gamma";
#else
#error "define one TEST_MODULE_* variant"
#endif

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// What every call reports: module id, task type, generated name, the init
// configuration, and the length of a requested secret.
absl::StatusOr<std::string> Echo(
    const flyteplug::sdk::Host& host, const std::string& config,
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    absl::string_view call) {
  const auto& task_config = context.task_template().config();
  if (auto it = task_config.find("fail"); it != task_config.end()) {
    return absl::InvalidArgumentError(it->second);
  }
  std::string secret_part;
  if (auto it = task_config.find("secret"); it != task_config.end()) {
    auto secret = host.GetSecret(it->second);
    if (!secret.ok()) return secret.status();
    secret_part = absl::StrCat(",\"secret_length\":", secret->size());
  }
  return absl::StrCat("{\"module\":", Quote(kId), ",\"call\":", Quote(call),
                      ",\"type\":", Quote(context.task_template().type()),
                      ",\"name\":", Quote(context.metadata().generated_name()),
                      ",\"config\":", config, secret_part, "}");
}

flyteplug::abi::flyteplug::v1::PhaseInfo Running(absl::string_view reason) {
  flyteplug::abi::flyteplug::v1::PhaseInfo info;
  info.set_phase(flyteplug::abi::flyteplug::v1::RUNNING);
  info.set_version(1);
  info.set_reason(std::string(reason));
  return info;
}

class K8sModule : public flyteplug::sdk::K8sResourcePlugin {
 public:
  K8sModule(const flyteplug::sdk::Host* host, std::string config)
      : host_(host), config_(std::move(config)) {}
  absl::StatusOr<std::string> BuildResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Echo(*host_, config_, context, "build_resource");
  }
  absl::StatusOr<std::string> BuildIdentityResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Echo(*host_, config_, context, "build_identity_resource");
  }
  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> GetTaskPhase(
      const flyteplug::abi::flyteplug::v1::TaskContext&,
      absl::string_view resource_json) const override {
    return Running(resource_json);
  }

 private:
  const flyteplug::sdk::Host* host_;
  std::string config_;
};

class WebModule : public flyteplug::sdk::WebApiPlugin {
 public:
  WebModule(const flyteplug::sdk::Host* host, std::string config)
      : host_(host), config_(std::move(config)) {}
  absl::StatusOr<std::string> Create(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    auto echo = Echo(*host_, config_, context, "create");
    if (!echo.ok()) return echo.status();
    return std::string("meta-1");
  }
  absl::StatusOr<std::string> Get(
      absl::string_view resource_meta) const override {
    return absl::StrCat("state-of-", resource_meta);
  }
  absl::Status Delete(absl::string_view) const override {
    return absl::OkStatus();
  }
  // The phase is taken from task config "phase" (a Phase name), default
  // SUCCESS, so host tests can drive runs that never finish or fail.
  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> Status(
      const flyteplug::abi::flyteplug::v1::TaskContext& context,
      absl::string_view resource) const override {
    flyteplug::abi::flyteplug::v1::PhaseInfo info;
    flyteplug::abi::flyteplug::v1::Phase phase =
        flyteplug::abi::flyteplug::v1::SUCCESS;
    const auto& task_config = context.task_template().config();
    if (auto it = task_config.find("phase"); it != task_config.end()) {
      if (!flyteplug::abi::flyteplug::v1::Phase_Parse(it->second, &phase)) {
        return absl::InvalidArgumentError("taskTemplate.config.phase");
      }
    }
    info.set_phase(phase);
    info.set_reason(std::string(resource));
    if (phase == flyteplug::abi::flyteplug::v1::PERMANENT_FAILURE) {
      info.mutable_error()->set_code("TestFailure");
      info.mutable_error()->set_message("the test module failed the task");
    }
    return info;
  }
  absl::StatusOr<std::string> RenderCreateRequest(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    return Echo(*host_, config_, context, "render_create_request");
  }

 private:
  const flyteplug::sdk::Host* host_;
  std::string config_;
};

const flyteplug::sdk::ModuleDefinition& Definition() {
  static const auto* definition = [] {
    auto* d = new flyteplug::sdk::ModuleDefinition();
    d->id = kId;
    d->version = "0.0.1";
    d->description = "loader test module";
#if defined(TEST_MODULE_ALPHA)
    d->task_types = {{"alpha", false}};
    d->config_sections = {"alpha", "k8s"};
#elif defined(TEST_MODULE_BETA)
    d->task_types = {{"beta", false}, {"alpha", true}};
    d->config_sections = {"beta"};
#else
    d->task_types = {{"alpha", false}, {"gamma", false}};
    d->config_sections = {"gamma"};
#endif
#if defined(TEST_MODULE_BETA)
    d->make_webapi = [](const flyteplug::sdk::InitContext& init)
        -> absl::StatusOr<std::unique_ptr<flyteplug::sdk::WebApiPlugin>> {
      return std::make_unique<WebModule>(init.host, std::string(init.config));
    };
#else
    d->make_k8s = [](const flyteplug::sdk::InitContext& init)
        -> absl::StatusOr<std::unique_ptr<flyteplug::sdk::K8sResourcePlugin>> {
      if (init.config.find("\"reject\"") != absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(kId, ": config key 'reject' is not allowed"));
      }
      if (init.config.find("\"warn-me\"") != absl::string_view::npos) {
        // A configuration warning in the SDK's form, as a module whose
        // ConfigReader met an unknown key logs it.
        flyteplug::sdk::LogConfigWarnings(
            init.host, kId,
            {absl::StrCat("plugins.", kId,
                          ".warn-me: unknown key, did you mean 'warm'?")});
      }
      return std::make_unique<K8sModule>(init.host, std::string(init.config));
    };
#endif
    return d;
  }();
  return *definition;
}

}  // namespace

FLYTEPLUG_DEFINE_MODULE(Definition)
