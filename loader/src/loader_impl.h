// The loader proper: opens modules, builds the registry, routes calls.
// The C functions of loader.h (c_api.cc) are a thin barrier over this class.
#ifndef FLYTEPLUG_LOADER_SRC_LOADER_IMPL_H_
#define FLYTEPLUG_LOADER_SRC_LOADER_IMPL_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config.h"
#include "config_to_json.h"
#include "default_host.h"
#include "flyteplug/plugin.h"
#include "init_log_capture.h"
#include "module_file.h"
#include "module_output.h"

namespace flyteplug::loader {

// One enabled, initialised module.
struct ModuleSlot {
  std::unique_ptr<ModuleFile> file;
  flyteplug_instance* instance = nullptr;  // owned; deinit in ~Loader
  std::string served_csv;   // task types it serves, comma-separated
  std::string claimed_csv;  // every claim, opt-in ones with a trailing '?'
};

// THREADING: Open and the destructor run alone; everything else is const
// with respect to the registry and may run concurrently from any thread.
class Loader {
 public:
  struct Options {
    std::vector<std::string> module_paths;
    bool skip_default_paths = false;
    std::string config_json;
    // The document as written (loader.h, config_document): replaces
    // config_json when set; read as ConfigToJson reads `config_format`.
    std::optional<std::string> config_document;
    ConfigFormat config_format = ConfigFormat::kAuto;
    // Names the document in errors and warnings; empty: "config".
    std::string config_source_name;
    // Every configuration warning is an error (FLYTEPLUG_LOADER_STRICT_CONFIG).
    bool strict_config = false;
    // Not owned; must outlive the loader. NULL selects the default host.
    const flyteplug_host_api* host = nullptr;
  };

  // All or nothing: on error, every instance initialised so far is
  // deinitialised. Errors carry ABI codes (flyteplug/sdk/boundary/status.h).
  static absl::StatusOr<std::unique_ptr<Loader>> Open(const Options& options);

  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  size_t module_count() const { return slots_.size(); }
  // The host every module of this loader uses. LIFETIME: the loader.
  const flyteplug_host_api* host() const { return host_; }
  const ModuleSlot& module(size_t index) const { return *slots_[index]; }

  // NotFound listing the served types.
  absl::StatusOr<size_t> Resolve(absl::string_view task_type) const;

  // Routed calls: the module's output (module_output.h) or its error.
  absl::StatusOr<ModuleOutput> BuildResource(absl::string_view task_context);
  absl::StatusOr<ModuleOutput> BuildIdentityResource(
      absl::string_view task_context);
  absl::StatusOr<ModuleOutput> GetTaskPhase(absl::string_view task_context,
                                            absl::string_view resource_json);
  absl::StatusOr<ModuleOutput> WebApiCreate(absl::string_view task_context);
  absl::StatusOr<ModuleOutput> WebApiGet(absl::string_view task_type,
                                         absl::string_view resource_meta);
  absl::Status WebApiDelete(absl::string_view task_type,
                            absl::string_view resource_meta);
  absl::StatusOr<ModuleOutput> WebApiStatus(absl::string_view task_context,
                                            absl::string_view resource);
  absl::StatusOr<ModuleOutput> WebApiRenderRequest(
      absl::string_view task_context);

 private:
  Loader() = default;

  // Uses `host` (NULL: a DefaultHost) for every module, copied by the
  // struct_size rule.
  absl::Status BindHost(const flyteplug_host_api* host);
  // Initialises the enabled ones of `loaded` (indexes in `enabled`) into
  // slots, keeps the others in disabled_, and maps `registry` (task type ->
  // loaded index) to slot indexes.
  // Puts an InitLogCapture between the host and the modules when warnings
  // are located (a document) or strict.
  void WatchConfigWarnings(const Options& options, KeyLines lines);
  // Logs the loader's own configuration warnings, located; with strict
  // configuration, returns them as InvalidArgument instead.
  absl::Status ReportConfigWarnings(const std::vector<std::string>& warnings,
                                    bool strict) const;
  absl::StatusOr<flyteplug_instance*> InitWatched(const ModuleFile& file,
                                                  const LoaderConfig& config);
  absl::Status InitEnabled(const LoaderConfig& config,
                           const std::map<std::string, size_t>& registry,
                           const std::vector<size_t>& enabled,
                           std::vector<std::unique_ptr<ModuleFile>> loaded);

  // The slot serving the task type of `task_context`, checked to be of
  // `family` (FailedPrecondition otherwise). Reads only the type from
  // well-formed bytes (task_type_scan.h); parses in full to explain others.
  absl::StatusOr<ModuleSlot*> Route(absl::string_view task_context,
                                    flyteplug_family family,
                                    const char* call) const;
  // RouteType for the type read from a task context: empty is
  // InvalidArgument "<call>: task_context.taskTemplate.type is empty".
  absl::StatusOr<ModuleSlot*> RouteParsedType(absl::string_view type,
                                              flyteplug_family family,
                                              const char* call) const;
  absl::StatusOr<ModuleSlot*> RouteType(absl::string_view task_type,
                                        flyteplug_family family,
                                        const char* call) const;

  std::unique_ptr<DefaultHost> default_host_;
  flyteplug_host_api host_copy_{};  // the caller's table, normalised
  const flyteplug_host_api* host_ = nullptr;
  // Wraps host_ for modules when configuration warnings are watched; NULL
  // otherwise. Outlives the instances (they keep the table).
  std::unique_ptr<InitLogCapture> capture_;
  bool strict_config_ = false;
  std::vector<std::unique_ptr<ModuleSlot>> slots_;
  // Loaded but not enabled: kept so their handles follow the unload rule.
  std::vector<std::unique_ptr<ModuleFile>> disabled_;
  std::map<std::string, size_t, std::less<>> registry_;
  // Task type -> the absent module its default-for-task-types entry names.
  std::map<std::string, std::string, std::less<>> unserved_;
};

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_LOADER_IMPL_H_
