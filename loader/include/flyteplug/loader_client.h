// flyteplug/loader_client.h: a C++ RAII wrapper over loader.h for C++ hosts.
//
// Header-only; links flyteplug::loader. Every fallible call returns
// absl::Status / absl::StatusOr. ABI-specific codes (>= 1000, plugin.h) have
// no absl equivalent: they come back as kFailedPrecondition or kInternal with
// the exact code attached as a payload (the one rule of
// flyteplug/sdk/boundary/status.h); LoaderClient::AbiCode recovers it.
//
// THREADING: a LoaderClient may be used from many threads at once once
// opened; destruction (or move-assignment over it) must run alone.
#ifndef FLYTEPLUG_LOADER_CLIENT_H_
#define FLYTEPLUG_LOADER_CLIENT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "flyteplug/loader.h"
#include "flyteplug/sdk/boundary/status.h"

namespace flyteplug {

class LoaderClient {
 public:
  struct Options {
    // Module files or directories, loaded after the default paths.
    std::vector<std::string> module_paths;
    // Skip the shipped module directory and $FLYTEPLUG_PLUGIN_PATH.
    bool skip_default_paths = false;
    // Configuration JSON (propeller layout); empty = defaults.
    std::string config_json;
    // NULL = the default host (loader.h). Must outlive the client.
    const flyteplug_host_api* host = nullptr;
  };

  // A copy of flyteplug_module_info with owned strings.
  struct ModuleInfo {
    std::string id;
    std::string version;
    std::string description;
    std::string path;
    uint32_t abi_major = 0;
    uint32_t abi_minor = 0;
    flyteplug_family family = 0;
    std::string task_types;          // served, comma-separated
    std::string claimed_task_types;  // claimed, opt-in ones end in '?'
  };

  static constexpr absl::string_view kAbiCodePayloadUrl =
      sdk::boundary::kAbiCodePayloadUrl;

  // The flyteplug status code behind `status` (exact for ABI codes).
  static flyteplug_status_code AbiCode(const absl::Status& status) {
    return sdk::boundary::AbiCodeOf(status);
  }

  static absl::StatusOr<LoaderClient> Open(const Options& options) {
    std::vector<const char*> paths;
    paths.reserve(options.module_paths.size());
    for (const std::string& p : options.module_paths)
      paths.push_back(p.c_str());
    flyteplug_loader_options o{};
    o.struct_size = sizeof(o);
    o.flags = options.skip_default_paths
                  ? uint32_t{FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS}
                  : uint32_t{0};
    o.module_paths = paths.empty() ? nullptr : paths.data();
    o.module_path_count = static_cast<uint32_t>(paths.size());
    o.config_json = Bytes(options.config_json);
    o.host = options.host;
    Status status;
    flyteplug_loader* loader = nullptr;
    flyteplug_loader_open(&o, &loader, &status.s);
    if (status.s.code != FLYTEPLUG_OK) return status.ToAbsl();
    return LoaderClient(loader);
  }

  LoaderClient(LoaderClient&& other) noexcept
      : loader_(std::exchange(other.loader_, nullptr)) {}
  LoaderClient& operator=(LoaderClient&& other) noexcept {
    if (this != &other) {
      flyteplug_loader_close(loader_);
      loader_ = std::exchange(other.loader_, nullptr);
    }
    return *this;
  }
  LoaderClient(const LoaderClient&) = delete;
  LoaderClient& operator=(const LoaderClient&) = delete;
  ~LoaderClient() { flyteplug_loader_close(loader_); }

  // The C handle, for calls this wrapper does not cover. Owned by this.
  flyteplug_loader* get() const { return loader_; }

  std::vector<ModuleInfo> Modules() const {
    std::vector<ModuleInfo> modules;
    uint32_t count = flyteplug_loader_module_count(loader_);
    for (uint32_t i = 0; i < count; ++i) {
      flyteplug_module_info info{};
      info.struct_size = sizeof(info);
      Status status;
      if (flyteplug_loader_module_info(loader_, i, &info, &status.s) !=
          FLYTEPLUG_OK) {
        continue;
      }
      ModuleInfo m;
      m.id = Str(info.id);
      m.version = Str(info.version);
      m.description = Str(info.description);
      m.path = Str(info.path);
      m.abi_major = info.abi_major;
      m.abi_minor = info.abi_minor;
      m.family = info.family;
      m.task_types = Str(info.task_types);
      m.claimed_task_types = Str(info.claimed_task_types);
      modules.push_back(std::move(m));
    }
    return modules;
  }

  // Index (into Modules()) of the module serving `task_type`.
  absl::StatusOr<uint32_t> Resolve(const std::string& task_type) const {
    Status status;
    uint32_t index = 0;
    flyteplug_loader_resolve(loader_, task_type.c_str(), &index, &status.s);
    if (status.s.code != FLYTEPLUG_OK) return status.ToAbsl();
    return index;
  }

  // JSON (TaskContext or bare TaskTemplate) -> serialized TaskContext.
  static absl::StatusOr<std::string> TaskContextFromJson(
      absl::string_view json) {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_task_context_from_json(Bytes(json), out, s);
    });
  }

  // Serialized PhaseInfo -> proto3 JSON.
  static absl::StatusOr<std::string> PhaseInfoToJson(
      absl::string_view phase_info) {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_phase_info_to_json(Bytes(phase_info), out, s);
    });
  }

  // A configuration document (JSON or YAML, FLYTEPLUG_CONFIG_FORMAT_*) ->
  // the JSON config_json takes (flyteplug_config_to_json). Misspelled-key
  // warnings ("<key path>: unknown key, did you mean '<closest>'?") are
  // appended to `*warnings` if it is not null.
  static absl::StatusOr<std::string> ConfigToJson(
      absl::string_view config, int32_t format,
      std::vector<std::string>* warnings = nullptr) {
    Status status;
    flyteplug_buffer out{};
    flyteplug_config_to_json(Bytes(config), format, &out, &status.s);
    if (status.s.code != FLYTEPLUG_OK) {
      flyteplug_buffer_release(&out);
      return status.ToAbsl();
    }
    std::string result(reinterpret_cast<const char*>(out.data), out.size);
    flyteplug_buffer_release(&out);
    if (warnings != nullptr && status.s.message != nullptr) {
      for (absl::string_view line :
           absl::StrSplit(status.s.message, '\n', absl::SkipEmpty())) {
        warnings->emplace_back(line);
      }
    }
    return result;
  }

  absl::StatusOr<std::string> BuildResource(
      absl::string_view task_context) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_build_resource(loader_, Bytes(task_context), out, s);
    });
  }

  absl::StatusOr<std::string> BuildIdentityResource(
      absl::string_view task_context) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_build_identity_resource(loader_, Bytes(task_context),
                                               out, s);
    });
  }

  // Returns a serialized PhaseInfo.
  absl::StatusOr<std::string> GetTaskPhase(
      absl::string_view task_context, absl::string_view resource_json) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_get_task_phase(loader_, Bytes(task_context),
                                      Bytes(resource_json), out, s);
    });
  }

  // The web-API calls take an optional flyteplug_call_options (loader.h,
  // loader 1.1): the caller's deadline and cancel signal. NULL = none.

  // Returns the resource meta to persist.
  absl::StatusOr<std::string> Create(
      absl::string_view task_context,
      const flyteplug_call_options* options = nullptr) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_webapi_create_with_options(loader_, options,
                                                  Bytes(task_context), out, s);
    });
  }

  absl::StatusOr<std::string> Get(
      const std::string& task_type, absl::string_view resource_meta,
      const flyteplug_call_options* options = nullptr) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_webapi_get_with_options(
          loader_, options, task_type.c_str(), Bytes(resource_meta), out, s);
    });
  }

  absl::Status Delete(const std::string& task_type,
                      absl::string_view resource_meta,
                      const flyteplug_call_options* options = nullptr) const {
    Status status;
    flyteplug_webapi_delete_with_options(loader_, options, task_type.c_str(),
                                         Bytes(resource_meta), &status.s);
    return status.ToAbsl();
  }

  // Returns a serialized PhaseInfo.
  absl::StatusOr<std::string> WebApiStatus(absl::string_view task_context,
                                           absl::string_view resource) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_webapi_status(loader_, Bytes(task_context),
                                     Bytes(resource), out, s);
    });
  }

  absl::StatusOr<std::string> RenderRequest(
      absl::string_view task_context) const {
    return Take([&](flyteplug_buffer* out, flyteplug_status* s) {
      return flyteplug_webapi_render_request(loader_, Bytes(task_context), out,
                                             s);
    });
  }

 private:
  explicit LoaderClient(flyteplug_loader* loader) : loader_(loader) {}

  // Owns a flyteplug_status for one call.
  struct Status {
    flyteplug_status s{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
    ~Status() { flyteplug_status_clear(&s); }
    absl::Status ToAbsl() const {
      if (s.code == FLYTEPLUG_OK) return absl::OkStatus();
      return sdk::boundary::AbiStatus(s.code,
                                      s.message == nullptr ? "" : s.message);
    }
  };

  static flyteplug_bytes Bytes(absl::string_view s) {
    return flyteplug_bytes{reinterpret_cast<const uint8_t*>(s.data()),
                           s.size()};
  }
  static std::string Str(const char* s) { return s == nullptr ? "" : s; }

  template <typename Call>
  static absl::StatusOr<std::string> Take(Call&& call) {
    Status status;
    flyteplug_buffer out{};
    call(&out, &status.s);
    if (status.s.code != FLYTEPLUG_OK) {
      flyteplug_buffer_release(&out);
      return status.ToAbsl();
    }
    std::string result(reinterpret_cast<const char*>(out.data), out.size);
    flyteplug_buffer_release(&out);
    return result;
  }

  flyteplug_loader* loader_ = nullptr;  // owned
};

}  // namespace flyteplug

#endif  // FLYTEPLUG_LOADER_CLIENT_H_
