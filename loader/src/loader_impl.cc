#include "loader_impl.h"

#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "call_scope.h"
#include "config.h"
#include "config_lines.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/sized_struct.h"
#include "flyteplug/sdk/boundary/status.h"
#include "flyteplug/v1/task_context.pb.h"
#include "module_discovery.h"
#include "module_output.h"
#include "proto_utf8.h"
#include "protobuf_log.h"
#include "registry.h"
#include "task_type.h"
#include "task_type_scan.h"

namespace flyteplug::loader {
namespace {

using sdk::boundary::AbiStatus;
using sdk::boundary::BytesOf;
using sdk::boundary::ErrorCapture;

const char* FamilyName(flyteplug_family family) {
  return family == FLYTEPLUG_FAMILY_K8S_RESOURCE ? "k8s-resource" : "web-api";
}

// Turns a module call's outcome into a status, releasing any buffer the
// module handed over on failure. `out` may be NULL for calls without output.
absl::StatusOr<ModuleOutput> Finish(const ModuleSlot& slot, const char* call,
                                    flyteplug_status_code code,
                                    const ErrorCapture& capture,
                                    flyteplug_buffer* out) {
  if (code != FLYTEPLUG_OK) {
    sdk::boundary::ReleaseBuffer(out);
    std::string message =
        capture.message().empty()
            ? absl::StrCat("module '", slot.file->id(), "': ", call,
                           " failed with code ", code, " and no message")
            : capture.message();
    if (!sdk::boundary::IsKnownAbiCode(code)) {
      return AbiStatus(
          FLYTEPLUG_INTERNAL,
          absl::StrCat(message, " (module '", slot.file->id(),
                       "' returned unknown status code ", code, ")"));
    }
    return AbiStatus(code, message);
  }
  if (out == nullptr) return ModuleOutput();
  if (out->release == nullptr) {
    return AbiStatus(
        FLYTEPLUG_ABI_CONTRACT_VIOLATION,
        absl::StrCat("module '", slot.file->id(), "' (", slot.file->path(),
                     "): ", call, " returned OK without an owned buffer"));
  }
  if (out->data == nullptr && out->size != 0) {
    const size_t size = out->size;
    sdk::boundary::ReleaseBuffer(out);
    return AbiStatus(
        FLYTEPLUG_ABI_CONTRACT_VIOLATION,
        absl::StrCat("module '", slot.file->id(), "' (", slot.file->path(),
                     "): ", call, " returned a buffer with NULL data and size ",
                     size));
  }
  return ModuleOutput(out, !slot.file->unloadable());
}

// Loads every file in order; a module id defined by two files is an error.
absl::StatusOr<std::vector<std::unique_ptr<ModuleFile>>> LoadModuleFiles(
    const std::vector<std::string>& paths) {
  std::vector<std::unique_ptr<ModuleFile>> loaded;
  for (const std::string& path : paths) {
    absl::StatusOr<std::unique_ptr<ModuleFile>> file = LoadModuleFile(path);
    if (!file.ok()) return file.status();
    for (const auto& other : loaded) {
      if (other->id() == (*file)->id()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "module id '", other->id(), "' is defined by two files: ",
            other->path(), " and ", (*file)->path()));
      }
    }
    loaded.push_back(*std::move(file));
  }
  return loaded;
}

// Appends to `*warnings` the configuration keys no loaded module reads.
void AppendUnknownKeyWarnings(
    const LoaderConfig& config,
    const std::vector<std::unique_ptr<ModuleFile>>& loaded,
    std::vector<std::string>* warnings) {
  std::set<std::string> requested_sections;
  for (const auto& file : loaded) {
    requested_sections.insert(file->config_sections().begin(),
                              file->config_sections().end());
  }
  for (std::string& warning : config.UnknownKeyWarnings(requested_sections)) {
    warnings->push_back(std::move(warning));
  }
}

// The configuration JSON of `options`: config_json, or config_document
// converted (errors name config_source_name); `*lines` gets the document's
// key lines.
absl::StatusOr<std::string> ConfigJsonOf(const Loader::Options& options,
                                         KeyLines* lines) {
  if (!options.config_document.has_value()) return options.config_json;
  absl::StatusOr<std::string> json = ConfigToJson(
      *options.config_document, options.config_format,
      options.config_source_name.empty() ? "config"
                                         : options.config_source_name,
      /*warnings=*/nullptr);  // LoaderConfig reports every unknown key
  if (json.ok()) *lines = YamlKeyLines(*options.config_document);
  return json;
}

// Calls the module's init with its configuration sections.
absl::StatusOr<flyteplug_instance*> InitInstance(
    const ModuleFile& file, const LoaderConfig& config,
    const flyteplug_host_api* host) {
  std::string sections = config.SectionsJson(file.config_sections());
  flyteplug_init_args args{};
  args.struct_size = sizeof(args);
  args.host = host;
  args.config_json = BytesOf(sections);
  ErrorCapture capture;
  flyteplug_instance* instance = nullptr;
  flyteplug_status_code code =
      file.descriptor().init(&args, &instance, capture.sink());
  if (code != FLYTEPLUG_OK) {
    return AbiStatus(code, absl::StrCat("module '", file.id(), "' (",
                                        file.path(), "): init failed: ",
                                        capture.message().empty()
                                            ? absl::StrCat("code ", code)
                                            : capture.message()));
  }
  if (instance == nullptr) {
    return AbiStatus(FLYTEPLUG_ABI_CONTRACT_VIOLATION,
                     absl::StrCat("module '", file.id(), "' (", file.path(),
                                  "): init returned OK with a NULL "
                                  "instance"));
  }
  return instance;
}

// Fills the slot's claimed_csv and served_csv; `index` is its file's index
// in the registry.
void DescribeClaims(const std::map<std::string, size_t>& registry, size_t index,
                    ModuleSlot* slot) {
  std::vector<std::string> claimed;
  std::vector<std::string> served;
  for (const TaskTypeClaim& claim : slot->file->claims()) {
    claimed.push_back(claim.opt_in ? absl::StrCat(claim.name, "?")
                                   : claim.name);
    auto it = registry.find(claim.name);
    if (it != registry.end() && it->second == index)
      served.push_back(claim.name);
  }
  slot->claimed_csv = absl::StrJoin(claimed, ",");
  slot->served_csv = absl::StrJoin(served, ",");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Loader>> Loader::Open(const Options& options) {
  std::unique_ptr<Loader> loader(new Loader());
  if (absl::Status s = loader->BindHost(options.host); !s.ok()) return s;

  KeyLines lines;
  absl::StatusOr<std::string> config_json = ConfigJsonOf(options, &lines);
  if (!config_json.ok()) return config_json.status();
  absl::StatusOr<LoaderConfig> config = LoaderConfig::Parse(*config_json);
  if (!config.ok()) return config.status();
  loader->WatchConfigWarnings(options, std::move(lines));

  absl::StatusOr<std::vector<std::string>> files = DiscoverModuleFiles(
      SearchPaths(options.module_paths, options.skip_default_paths));
  if (!files.ok()) return files.status();
  absl::StatusOr<std::vector<std::unique_ptr<ModuleFile>>> loaded =
      LoadModuleFiles(*files);
  if (!loaded.ok()) return loaded.status();

  std::vector<RegistryModule> described;
  for (const auto& file : *loaded) {
    described.push_back({file->id(), file->path(), file->claims()});
  }
  std::vector<std::string> warnings;
  AppendUnknownKeyWarnings(*config, *loaded, &warnings);
  std::vector<size_t> enabled =
      SelectEnabled(described, config->enabled_plugins(), &warnings);
  absl::StatusOr<Registry> registry = BuildRegistry(
      described, enabled, config->default_for_task_types(), &warnings);
  if (!registry.ok()) return registry.status();

  if (absl::Status s =
          loader->ReportConfigWarnings(warnings, options.strict_config);
      !s.ok()) {
    return s;
  }
  loader->unserved_.insert(registry->unserved.begin(),
                           registry->unserved.end());
  if (absl::Status s = loader->InitEnabled(*config, registry->served, enabled,
                                           *std::move(loaded));
      !s.ok()) {
    return s;  // ~Loader deinitialises the instances created so far
  }
  return loader;
}

absl::Status Loader::BindHost(const flyteplug_host_api* host) {
  if (host == nullptr) {
    default_host_ = std::make_unique<DefaultHost>();
    host_ = default_host_->api();
    return absl::OkStatus();
  }
  // Modules get a copy of the host table in this loader's layout.
  if (absl::Status s = sdk::boundary::ReadSizedStruct(
          host,
          {"flyteplug_loader_options.host", "loader",
           offsetof(flyteplug_host_api, log_enabled),
           FLYTEPLUG_INVALID_ARGUMENT},
          &host_copy_);
      !s.ok()) {
    return s;
  }
  host_copy_.struct_size = sizeof(flyteplug_host_api);
  FillCallControl(&host_copy_);  // a 1.0 table gets the loader's (ABI 1.1)
  host_ = &host_copy_;
  return absl::OkStatus();
}

void Loader::WatchConfigWarnings(const Options& options, KeyLines lines) {
  strict_config_ = options.strict_config;
  if (!options.config_document.has_value() && !options.strict_config) return;
  std::string source;
  if (options.config_document.has_value()) {
    source = options.config_source_name.empty() ? "config"
                                                : options.config_source_name;
  }
  capture_ = std::make_unique<InitLogCapture>(
      host_, WarningLocator(std::move(source), std::move(lines)),
      options.strict_config);
}

absl::Status Loader::ReportConfigWarnings(
    const std::vector<std::string>& warnings, bool strict) const {
  std::vector<std::string> located;
  for (const std::string& warning : warnings) {
    located.push_back(capture_ != nullptr
                          ? capture_->locator().LocateHostWarning(warning)
                          : warning);
  }
  if (strict && !located.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("strict configuration: ", absl::StrJoin(located, "; ")));
  }
  if (host_->log == nullptr) return absl::OkStatus();
  for (const std::string& warning : located) {
    host_->log(host_->host_data, FLYTEPLUG_LOG_WARNING, warning.data(),
               warning.size());
  }
  return absl::OkStatus();
}

// Initialises one module, watching its configuration warnings when a
// capture is installed; with strict configuration a warning fails the init
// (the instance is deinitialised).
absl::StatusOr<flyteplug_instance*> Loader::InitWatched(
    const ModuleFile& file, const LoaderConfig& config) {
  if (capture_ == nullptr) return InitInstance(file, config, host_);
  capture_->Begin(file.id());
  absl::StatusOr<flyteplug_instance*> instance =
      InitInstance(file, config, capture_->api());
  std::vector<std::string> warnings = capture_->End();
  if (!instance.ok() || !strict_config_ || warnings.empty()) return instance;
  file.descriptor().deinit(*instance);
  return AbiStatus(FLYTEPLUG_INVALID_ARGUMENT,
                   absl::StrCat("strict configuration: module '", file.id(),
                                "': ", absl::StrJoin(warnings, "; ")));
}

absl::Status Loader::InitEnabled(
    const LoaderConfig& config, const std::map<std::string, size_t>& registry,
    const std::vector<size_t>& enabled,
    std::vector<std::unique_ptr<ModuleFile>> loaded) {
  std::map<size_t, size_t> slot_of;  // loaded index -> slot index
  std::vector<bool> is_enabled(loaded.size(), false);
  for (size_t index : enabled) is_enabled[index] = true;
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!is_enabled[i]) {
      disabled_.push_back(std::move(loaded[i]));
      continue;
    }
    auto slot = std::make_unique<ModuleSlot>();
    slot->file = std::move(loaded[i]);
    absl::StatusOr<flyteplug_instance*> instance =
        InitWatched(*slot->file, config);
    if (!instance.ok()) return instance.status();
    slot->instance = *instance;
    DescribeClaims(registry, i, slot.get());
    slot_of[i] = slots_.size();
    slots_.push_back(std::move(slot));
  }
  for (const auto& [type, index] : registry) {
    registry_[type] = slot_of.at(index);
  }
  return absl::OkStatus();
}

Loader::~Loader() {
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
    ModuleSlot& slot = **it;
    if (slot.instance != nullptr) {
      slot.file->descriptor().deinit(slot.instance);
      slot.instance = nullptr;
    }
  }
  // ModuleFile destructors dlclose only modules declared unloadable.
  slots_.clear();
  disabled_.clear();
}

absl::StatusOr<size_t> Loader::Resolve(absl::string_view task_type) const {
  if (absl::Status s = CheckTaskType(task_type); !s.ok()) return s;
  auto it = registry_.find(std::string(task_type));
  if (it != registry_.end()) return it->second;
  if (auto absent = unserved_.find(task_type); absent != unserved_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "task type '", task_type,
        "' is not served: tasks.task-plugins.default-for-task-types.",
        task_type, " names module '", absent->second,
        "', which is not loaded"));
  }
  std::vector<std::string> served;
  for (const auto& [type, index] : registry_) served.push_back(type);
  return absl::NotFoundError(absl::StrCat(
      "task type '", task_type, "' is served by no loaded module (served: ",
      served.empty() ? std::string("none") : absl::StrJoin(served, ", "), ")"));
}

absl::StatusOr<ModuleSlot*> Loader::RouteType(absl::string_view task_type,
                                              flyteplug_family family,
                                              const char* call) const {
  if (task_type.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(call, ": task type is empty"));
  }
  absl::StatusOr<size_t> index = Resolve(task_type);
  if (!index.ok()) return index.status();
  ModuleSlot* slot = slots_[*index].get();
  if (slot->file->descriptor().family != family) {
    return absl::FailedPreconditionError(absl::StrCat(
        call, ": task type '", task_type, "' is served by module '",
        slot->file->id(), "' of family ",
        FamilyName(slot->file->descriptor().family), ", not ",
        FamilyName(family)));
  }
  return slot;
}

absl::StatusOr<ModuleSlot*> Loader::Route(absl::string_view task_context,
                                          flyteplug_family family,
                                          const char* call) const {
  if (task_context.size() <= static_cast<size_t>(INT32_MAX)) {
    // The common case: well-formed bytes, only the type is read.
    if (std::optional<absl::string_view> type = ScanTaskType(task_context)) {
      return RouteParsedType(*type, family, call);
    }
  }
  // Malformed or unusual bytes: the full parse decides and explains.
  flyteplug::v1::TaskContext context;
  ProtobufLogExplained explained;
  if (task_context.size() > static_cast<size_t>(INT32_MAX) ||
      !context.ParseFromArray(task_context.data(),
                              static_cast<int>(task_context.size()))) {
    const std::string why = DescribeInvalidUtf8(
        *flyteplug::v1::TaskContext::descriptor(), task_context);
    return absl::InvalidArgumentError(absl::StrCat(
        call,
        ": task_context is not a valid serialized "
        "flyteplug.v1.TaskContext (",
        task_context.size(), " bytes)", why.empty() ? "" : ": ", why));
  }
  return RouteParsedType(context.task_template().type(), family, call);
}

absl::StatusOr<ModuleSlot*> Loader::RouteParsedType(absl::string_view type,
                                                    flyteplug_family family,
                                                    const char* call) const {
  if (type.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(call, ": task_context.taskTemplate.type is empty"));
  }
  return RouteType(type, family, call);
}

absl::StatusOr<ModuleOutput> Loader::BuildResource(
    absl::string_view task_context) {
  auto slot =
      Route(task_context, FLYTEPLUG_FAMILY_K8S_RESOURCE, "build_resource");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code = (*slot)->file->k8s()->build_resource(
      (*slot)->instance, BytesOf(task_context), &out, capture.sink());
  return Finish(**slot, "build_resource", code, capture, &out);
}

absl::StatusOr<ModuleOutput> Loader::BuildIdentityResource(
    absl::string_view task_context) {
  auto slot = Route(task_context, FLYTEPLUG_FAMILY_K8S_RESOURCE,
                    "build_identity_resource");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code = (*slot)->file->k8s()->build_identity_resource(
      (*slot)->instance, BytesOf(task_context), &out, capture.sink());
  return Finish(**slot, "build_identity_resource", code, capture, &out);
}

absl::StatusOr<ModuleOutput> Loader::GetTaskPhase(
    absl::string_view task_context, absl::string_view resource_json) {
  auto slot =
      Route(task_context, FLYTEPLUG_FAMILY_K8S_RESOURCE, "get_task_phase");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code = (*slot)->file->k8s()->get_task_phase(
      (*slot)->instance, BytesOf(task_context), BytesOf(resource_json), &out,
      capture.sink());
  return Finish(**slot, "get_task_phase", code, capture, &out);
}

absl::StatusOr<ModuleOutput> Loader::WebApiCreate(
    absl::string_view task_context) {
  auto slot = Route(task_context, FLYTEPLUG_FAMILY_WEB_API, "create");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code = (*slot)->file->webapi()->create(
      (*slot)->instance, BytesOf(task_context), &out, capture.sink());
  return Finish(**slot, "create", code, capture, &out);
}

absl::StatusOr<ModuleOutput> Loader::WebApiGet(
    absl::string_view task_type, absl::string_view resource_meta) {
  auto slot = RouteType(task_type, FLYTEPLUG_FAMILY_WEB_API, "get");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code = (*slot)->file->webapi()->get(
      (*slot)->instance, BytesOf(resource_meta), &out, capture.sink());
  return Finish(**slot, "get", code, capture, &out);
}

absl::Status Loader::WebApiDelete(absl::string_view task_type,
                                  absl::string_view resource_meta) {
  auto slot = RouteType(task_type, FLYTEPLUG_FAMILY_WEB_API, "delete");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_status_code code = (*slot)->file->webapi()->delete_resource(
      (*slot)->instance, BytesOf(resource_meta), capture.sink());
  return Finish(**slot, "delete", code, capture, nullptr).status();
}

absl::StatusOr<ModuleOutput> Loader::WebApiStatus(
    absl::string_view task_context, absl::string_view resource) {
  auto slot = Route(task_context, FLYTEPLUG_FAMILY_WEB_API, "status");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code =
      (*slot)->file->webapi()->status((*slot)->instance, BytesOf(task_context),
                                      BytesOf(resource), &out, capture.sink());
  return Finish(**slot, "status", code, capture, &out);
}

absl::StatusOr<ModuleOutput> Loader::WebApiRenderRequest(
    absl::string_view task_context) {
  auto slot =
      Route(task_context, FLYTEPLUG_FAMILY_WEB_API, "render_create_request");
  if (!slot.ok()) return slot.status();
  ErrorCapture capture;
  flyteplug_buffer out{};
  flyteplug_status_code code = (*slot)->file->webapi()->render_create_request(
      (*slot)->instance, BytesOf(task_context), &out, capture.sink());
  return Finish(**slot, "render_create_request", code, capture, &out);
}

}  // namespace flyteplug::loader
