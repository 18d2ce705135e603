// The k8s-job module: the C++ plugin class and the module definition.
// This is the only file that knows about the SDK; the translation logic in
// job_manifest.cc and job_status.cc is plain C++.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/sdk.h"
#include "job_config.h"
#include "job_manifest.h"
#include "job_status.h"

namespace k8s_job {
namespace {

// THREADING: immutable after construction, so every method is safe to call
// concurrently, as the ABI requires.
class JobPlugin : public flyteplug::sdk::K8sResourcePlugin {
 public:
  JobPlugin(const flyteplug::sdk::Host* host, JobConfig config)
      : host_(host), config_(std::move(config)) {}

  absl::StatusOr<std::string> BuildResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& context)
      const override {
    auto job = BuildJob(context, config_);
    if (!job.ok()) return job.status();
    if (host_->LogEnabled(FLYTEPLUG_LOG_DEBUG)) {
      host_->Log(FLYTEPLUG_LOG_DEBUG,
                 "k8s-job: built Job " + context.metadata().generated_name());
    }
    return ToJson(*job);
  }

  absl::StatusOr<std::string> BuildIdentityResource(
      const flyteplug::abi::flyteplug::v1::TaskContext& /*context*/)
      const override {
    return ToJson(JobIdentity());
  }

  absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo> GetTaskPhase(
      const flyteplug::abi::flyteplug::v1::TaskContext& /*context*/,
      absl::string_view resource_json) const override {
    return JobPhase(resource_json);
  }

 private:
  const flyteplug::sdk::Host* host_;  // not owned; outlives the instance
  const JobConfig config_;
};

const flyteplug::sdk::ModuleDefinition& Definition() {
  static const flyteplug::sdk::ModuleDefinition* definition = [] {
    auto* d = new flyteplug::sdk::ModuleDefinition();
    d->id = "k8s-job";
    d->version = "1.0.0";
    d->description =
        "Runs a container task as a Kubernetes batch/v1 Job (example "
        "third-party module)";
    d->task_types = {{"batch-job", false}};
    d->config_sections = {kConfigSection};
    d->make_k8s = [](const flyteplug::sdk::InitContext& init)
        -> absl::StatusOr<std::unique_ptr<flyteplug::sdk::K8sResourcePlugin>> {
      std::vector<std::string> warnings;
      auto config = ParseJobConfig(init.config, &warnings);
      if (!config.ok()) return config.status();
      flyteplug::sdk::LogConfigWarnings(init.host, "k8s-job", warnings);
      return std::make_unique<JobPlugin>(init.host, *std::move(config));
    };
    return d;
  }();
  return *definition;
}

}  // namespace
}  // namespace k8s_job

FLYTEPLUG_DEFINE_MODULE(k8s_job::Definition)
