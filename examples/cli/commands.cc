#include "commands.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "file_util.h"
#include "task_input.h"

namespace flyteplug::cli {
namespace {

const char* FamilyName(flyteplug_family family) {
  switch (family) {
    case FLYTEPLUG_FAMILY_K8S_RESOURCE:
      return "k8s-resource";
    case FLYTEPLUG_FAMILY_WEB_API:
      return "web-api";
    default:
      return "unknown";
  }
}

// Finds the module serving the task of `input`; prints the error.
absl::StatusOr<LoaderClient::ModuleInfo> ModuleFor(const LoaderClient& client,
                                                   const std::string& path,
                                                   const TaskInput& input,
                                                   int* exit_code) {
  const std::string& type = input.context.task_template().type();
  if (type.empty()) {
    *exit_code =
        Fail(kExitUsage, absl::StrCat(path, ": taskTemplate.type is empty"));
    return absl::InvalidArgumentError("no task type");
  }
  absl::StatusOr<uint32_t> index = client.Resolve(type);
  if (!index.ok()) {
    *exit_code = Fail(
        kExitUsage,
        absl::StrCat(path, ": taskTemplate.type: ", index.status().message()));
    return index.status();
  }
  std::vector<LoaderClient::ModuleInfo> modules = client.Modules();
  if (*index >= modules.size()) {
    *exit_code = Fail(kExitLoad, "module index out of range");
    return absl::InternalError("index");
  }
  return modules[*index];
}

}  // namespace

int RunPluginsCommand(const GlobalOptions& global) {
  int exit_code = kExitOk;
  absl::StatusOr<LoaderClient> client = OpenLoader(global, &exit_code);
  if (!client.ok()) return exit_code;
  std::vector<LoaderClient::ModuleInfo> modules = client->Modules();
  if (modules.empty()) {
    Fail(kExitOk,
         "no modules loaded (searched the shipped module directory, "
         "$FLYTEPLUG_PLUGIN_PATH and --plugin-dir)");
  }
  for (const LoaderClient::ModuleInfo& m : modules) {
    PrintStdout(
        absl::StrCat(m.id, "\tversion=", m.version, "\tabi=", m.abi_major, ".",
                     m.abi_minor, "\tfamily=", FamilyName(m.family),
                     "\ttask-types=", m.task_types.empty() ? "-" : m.task_types,
                     "\tclaims=", m.claimed_task_types, "\tpath=", m.path));
  }
  return kExitOk;
}

int RunBuildCommand(const GlobalOptions& global, const std::string& task_path) {
  absl::StatusOr<TaskInput> input = ReadTaskInput(task_path);
  if (!input.ok()) return Fail(kExitUsage, input.status().message());
  int exit_code = kExitOk;
  absl::StatusOr<LoaderClient> client = OpenLoader(global, &exit_code);
  if (!client.ok()) return exit_code;
  absl::StatusOr<LoaderClient::ModuleInfo> module =
      ModuleFor(*client, task_path, *input, &exit_code);
  if (!module.ok()) return exit_code;
  absl::StatusOr<std::string> output =
      module->family == FLYTEPLUG_FAMILY_K8S_RESOURCE
          ? client->BuildResource(input->serialized)
          : client->RenderRequest(input->serialized);
  if (!output.ok()) {
    return Fail(ExitCodeForCallError(output.status()),
                absl::StrCat(task_path, ": module '", module->id,
                             "': ", output.status().message()));
  }
  PrintStdout(PrettyJson(*output));
  return kExitOk;
}

int RunPhaseCommand(const GlobalOptions& global, const std::string& task_path,
                    const std::string& resource_path) {
  absl::StatusOr<TaskInput> input = ReadTaskInput(task_path);
  if (!input.ok()) return Fail(kExitUsage, input.status().message());
  absl::StatusOr<std::string> resource = ReadFile(resource_path);
  if (!resource.ok()) return Fail(kExitUsage, resource.status().message());
  int exit_code = kExitOk;
  absl::StatusOr<LoaderClient> client = OpenLoader(global, &exit_code);
  if (!client.ok()) return exit_code;
  absl::StatusOr<LoaderClient::ModuleInfo> module =
      ModuleFor(*client, task_path, *input, &exit_code);
  if (!module.ok()) return exit_code;
  absl::StatusOr<std::string> phase =
      module->family == FLYTEPLUG_FAMILY_K8S_RESOURCE
          ? client->GetTaskPhase(input->serialized, *resource)
          : client->WebApiStatus(input->serialized, *resource);
  if (!phase.ok()) {
    return Fail(ExitCodeForCallError(phase.status()),
                absl::StrCat(resource_path, ": module '", module->id,
                             "': ", phase.status().message()));
  }
  absl::StatusOr<std::string> json = LoaderClient::PhaseInfoToJson(*phase);
  if (!json.ok()) {
    return Fail(kExitLoad, absl::StrCat("module '", module->id,
                                        "' returned a bad PhaseInfo: ",
                                        json.status().message()));
  }
  PrintStdout(PrettyJson(*json));
  return kExitOk;
}

}  // namespace flyteplug::cli
