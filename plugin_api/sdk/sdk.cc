// The C boundary of every module built with the SDK: the only place in a
// module with extern "C" reachability and catch-all barriers.
#include "flyteplug/sdk/sdk.h"

#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/exception_guard.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "flyteplug/sdk/boundary/sized_struct.h"
#include "flyteplug/sdk/boundary/status.h"

namespace flyteplug::sdk {

flyteplug_status_code ToAbiCode(absl::StatusCode code) {
  const auto abi = static_cast<flyteplug_status_code>(code);
  return boundary::IsCanonicalCode(abi) ? abi : FLYTEPLUG_UNKNOWN;
}

absl::StatusCode FromAbiCode(flyteplug_status_code code) {
  return boundary::CanonicalCodeOf(code);
}

Host::Host(const flyteplug_host_api* api) : api_(api) {}

bool Host::LogEnabled(flyteplug_log_level level) const {
  return api_ != nullptr && api_->log_enabled != nullptr &&
         api_->log_enabled(api_->host_data, level) != 0;
}

void Host::Log(flyteplug_log_level level, absl::string_view message) const {
  if (api_ == nullptr || api_->log == nullptr) return;
  api_->log(api_->host_data, level, message.data(), message.size());
}

void LogConfigWarnings(const Host* host, absl::string_view module_id,
                       const std::vector<std::string>& warnings) {
  if (host == nullptr) return;
  for (const std::string& warning : warnings) {
    host->Log(FLYTEPLUG_LOG_WARNING,
              absl::StrCat(module_id, ": configuration: ", warning));
  }
}

absl::StatusOr<std::string> Host::GetSecret(absl::string_view key) const {
  if (api_ == nullptr || api_->get_secret == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("secret '", key, "': the host offers no secret lookup"));
  }
  boundary::ErrorCapture capture;
  flyteplug_buffer value{};
  flyteplug_status_code code = api_->get_secret(
      api_->host_data, key.data(), key.size(), &value, capture.sink());
  if (code != FLYTEPLUG_OK) {
    boundary::ReleaseBuffer(&value);
    return capture.StatusFor(code,
                             absl::StrCat("secret '", key, "' not available"));
  }
  return boundary::TakeBuffer(&value);
}

int64_t Host::NowUnixNanos() const {
  if (api_ == nullptr || api_->now_unix_nanos == nullptr) return 0;
  return api_->now_unix_nanos(api_->host_data);
}

int64_t Host::CallDeadlineUnixNanos() const {
  if (api_ == nullptr || !FLYTEPLUG_HOST_API_HAS_CALL_CONTROL(api_) ||
      api_->call_deadline_unix_nanos == nullptr) {
    return 0;
  }
  return api_->call_deadline_unix_nanos(api_->host_data);
}

bool Host::CallCancelled() const {
  if (api_ == nullptr || !FLYTEPLUG_HOST_API_HAS_CALL_CONTROL(api_) ||
      api_->call_cancelled == nullptr) {
    return false;
  }
  return api_->call_cancelled(api_->host_data) != 0;
}

namespace internal {
namespace {

// One initialised instance: the host wrapper and the plugin object.
struct Instance {
  Host host;
  std::unique_ptr<K8sResourcePlugin> k8s;
  std::unique_ptr<WebApiPlugin> webapi;
};

Instance* AsInstance(flyteplug_instance* instance) {
  return reinterpret_cast<Instance*>(instance);
}

flyteplug_status_code Fail(flyteplug_error* error, flyteplug_status_code code,
                           absl::string_view message) {
  return boundary::ReportError(error, code, message);
}

flyteplug_status_code Fail(flyteplug_error* error, const absl::Status& status) {
  return boundary::ReportStatus(error, status);
}

// Runs `body` behind the exception barrier.
template <typename Body>
flyteplug_status_code Guard(flyteplug_error* error, const char* what,
                            Body&& body) noexcept {
  return boundary::GuardIntoSink(what, error, std::forward<Body>(body));
}

// Hands `value` to the caller as an owned buffer.
flyteplug_status_code Emit(std::string value, flyteplug_buffer* out,
                           flyteplug_error* error) {
  if (out == nullptr) {
    return Fail(error, FLYTEPLUG_INVALID_ARGUMENT, "output buffer is NULL");
  }
  boundary::EmitOwnedString(std::move(value), out);
  return FLYTEPLUG_OK;
}

// Borrowed bytes as a string_view.
constexpr auto View = &boundary::ViewOf;

absl::Status ParseContext(flyteplug_bytes bytes,
                          flyteplug::abi::flyteplug::v1::TaskContext* context) {
  if (bytes.data == nullptr && bytes.size != 0) {
    return absl::InvalidArgumentError(
        "task_context: NULL data with non-zero size");
  }
  if (bytes.size > static_cast<size_t>(INT32_MAX) ||
      !context->ParseFromArray(bytes.data, static_cast<int>(bytes.size))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "task_context: not a valid serialized flyteplug.v1.TaskContext (",
        bytes.size, " bytes)"));
  }
  return absl::OkStatus();
}

flyteplug_status_code EmitPhase(
    const absl::StatusOr<flyteplug::abi::flyteplug::v1::PhaseInfo>& phase,
    flyteplug_buffer* out, flyteplug_error* error) {
  if (!phase.ok()) return Fail(error, phase.status());
  std::string bytes;
  if (!boundary::SerializeDeterministic(*phase, &bytes)) {
    return Fail(error, FLYTEPLUG_INTERNAL, "PhaseInfo failed to serialize");
  }
  return Emit(std::move(bytes), out, error);
}

template <typename T>
flyteplug_status_code EmitString(absl::StatusOr<T>&& value,
                                 flyteplug_buffer* out,
                                 flyteplug_error* error) {
  if (!value.ok()) return Fail(error, value.status());
  return Emit(*std::move(value), out, error);
}

// Checks the instance pointer and the family object behind it.
template <typename Plugin>
absl::StatusOr<const Plugin*> Resolve(
    flyteplug_instance* instance, std::unique_ptr<Plugin> Instance::*member) {
  if (instance == nullptr)
    return absl::InvalidArgumentError("instance is NULL");
  const Plugin* plugin = (AsInstance(instance)->*member).get();
  if (plugin == nullptr) {
    return absl::FailedPreconditionError("instance belongs to another family");
  }
  return plugin;
}

// --- Kubernetes-resource slots --------------------------------------------

flyteplug_status_code K8sBuildResource(flyteplug_instance* instance,
                                       flyteplug_bytes task_context,
                                       flyteplug_buffer* out,
                                       flyteplug_error* error) {
  return Guard(error, "build_resource", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::k8s);
    if (!plugin.ok()) return Fail(error, plugin.status());
    flyteplug::abi::flyteplug::v1::TaskContext context;
    if (auto s = ParseContext(task_context, &context); !s.ok())
      return Fail(error, s);
    return EmitString((*plugin)->BuildResource(context), out, error);
  });
}

flyteplug_status_code K8sBuildIdentity(flyteplug_instance* instance,
                                       flyteplug_bytes task_context,
                                       flyteplug_buffer* out,
                                       flyteplug_error* error) {
  return Guard(error, "build_identity_resource",
               [&]() -> flyteplug_status_code {
                 auto plugin = Resolve(instance, &Instance::k8s);
                 if (!plugin.ok()) return Fail(error, plugin.status());
                 flyteplug::abi::flyteplug::v1::TaskContext context;
                 if (auto s = ParseContext(task_context, &context); !s.ok())
                   return Fail(error, s);
                 return EmitString((*plugin)->BuildIdentityResource(context),
                                   out, error);
               });
}

flyteplug_status_code K8sGetTaskPhase(flyteplug_instance* instance,
                                      flyteplug_bytes task_context,
                                      flyteplug_bytes resource_json,
                                      flyteplug_buffer* out,
                                      flyteplug_error* error) {
  return Guard(error, "get_task_phase", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::k8s);
    if (!plugin.ok()) return Fail(error, plugin.status());
    flyteplug::abi::flyteplug::v1::TaskContext context;
    if (auto s = ParseContext(task_context, &context); !s.ok())
      return Fail(error, s);
    return EmitPhase((*plugin)->GetTaskPhase(context, View(resource_json)), out,
                     error);
  });
}

// --- Web-API slots ----------------------------------------------------------

flyteplug_status_code WebCreate(flyteplug_instance* instance,
                                flyteplug_bytes task_context,
                                flyteplug_buffer* out, flyteplug_error* error) {
  return Guard(error, "create", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::webapi);
    if (!plugin.ok()) return Fail(error, plugin.status());
    flyteplug::abi::flyteplug::v1::TaskContext context;
    if (auto s = ParseContext(task_context, &context); !s.ok())
      return Fail(error, s);
    return EmitString((*plugin)->Create(context), out, error);
  });
}

flyteplug_status_code WebGet(flyteplug_instance* instance,
                             flyteplug_bytes resource_meta,
                             flyteplug_buffer* out, flyteplug_error* error) {
  return Guard(error, "get", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::webapi);
    if (!plugin.ok()) return Fail(error, plugin.status());
    return EmitString((*plugin)->Get(View(resource_meta)), out, error);
  });
}

flyteplug_status_code WebDelete(flyteplug_instance* instance,
                                flyteplug_bytes resource_meta,
                                flyteplug_error* error) {
  return Guard(error, "delete", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::webapi);
    if (!plugin.ok()) return Fail(error, plugin.status());
    absl::Status status = (*plugin)->Delete(View(resource_meta));
    return status.ok() ? FLYTEPLUG_OK : Fail(error, status);
  });
}

flyteplug_status_code WebStatus(flyteplug_instance* instance,
                                flyteplug_bytes task_context,
                                flyteplug_bytes resource, flyteplug_buffer* out,
                                flyteplug_error* error) {
  return Guard(error, "status", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::webapi);
    if (!plugin.ok()) return Fail(error, plugin.status());
    flyteplug::abi::flyteplug::v1::TaskContext context;
    if (auto s = ParseContext(task_context, &context); !s.ok())
      return Fail(error, s);
    return EmitPhase((*plugin)->Status(context, View(resource)), out, error);
  });
}

flyteplug_status_code WebRenderCreate(flyteplug_instance* instance,
                                      flyteplug_bytes task_context,
                                      flyteplug_buffer* out,
                                      flyteplug_error* error) {
  return Guard(error, "render_create_request", [&]() -> flyteplug_status_code {
    auto plugin = Resolve(instance, &Instance::webapi);
    if (!plugin.ok()) return Fail(error, plugin.status());
    flyteplug::abi::flyteplug::v1::TaskContext context;
    if (auto s = ParseContext(task_context, &context); !s.ok())
      return Fail(error, s);
    return EmitString((*plugin)->RenderCreateRequest(context), out, error);
  });
}

constexpr flyteplug_k8s_vtable kK8sVtable = {
    sizeof(flyteplug_k8s_vtable), &K8sBuildResource, &K8sBuildIdentity,
    &K8sGetTaskPhase};

constexpr flyteplug_webapi_vtable kWebApiVtable = {
    sizeof(flyteplug_webapi_vtable),
    &WebCreate,
    &WebGet,
    &WebDelete,
    &WebStatus,
    &WebRenderCreate};

// The C descriptor built once from a ModuleDefinition. Lives for the life of
// the module.
struct Descriptor {
  const ModuleDefinition* definition = nullptr;
  std::vector<flyteplug_task_type> task_types;
  std::vector<const char*> config_sections;
  flyteplug_module module{};
};

Descriptor& TheDescriptor() {
  static Descriptor* descriptor = new Descriptor();  // never destroyed
  return *descriptor;
}

flyteplug_status_code Init(const flyteplug_init_args* args,
                           flyteplug_instance** out, flyteplug_error* error) {
  return Guard(error, "init", [&]() -> flyteplug_status_code {
    if (args == nullptr || out == nullptr) {
      return Fail(error, FLYTEPLUG_INVALID_ARGUMENT,
                  "init: args or instance is NULL");
    }
    flyteplug_init_args init_args{};
    if (absl::Status s = boundary::ReadSizedStruct(
            args,
            {"flyteplug_init_args", "module",
             offsetof(flyteplug_init_args, config_json) +
                 sizeof(flyteplug_bytes),
             FLYTEPLUG_INVALID_ARGUMENT},
            &init_args);
        !s.ok()) {
      return Fail(error, boundary::PrefixMessage(s, "init: "));
    }
    const ModuleDefinition& definition = *TheDescriptor().definition;
    auto instance =
        std::make_unique<Instance>(Instance{Host(init_args.host), {}, {}});
    InitContext context{&instance->host, View(init_args.config_json)};
    if (definition.make_k8s) {
      auto plugin = definition.make_k8s(context);
      if (!plugin.ok()) return Fail(error, plugin.status());
      instance->k8s = std::move(*plugin);
    } else {
      auto plugin = definition.make_webapi(context);
      if (!plugin.ok()) return Fail(error, plugin.status());
      instance->webapi = std::move(*plugin);
    }
    if (instance->k8s == nullptr && instance->webapi == nullptr) {
      return Fail(error, FLYTEPLUG_INTERNAL,
                  "init: the module's factory returned OK but no plugin");
    }
    *out = reinterpret_cast<flyteplug_instance*>(instance.release());
    return FLYTEPLUG_OK;
  });
}

void Deinit(flyteplug_instance* instance) {
  try {
    delete AsInstance(instance);
  } catch (...) {
    // A destructor that throws cannot be reported; the instance is gone.
  }
}

void BuildDescriptor(const ModuleDefinition& definition, Descriptor* d) {
  d->definition = &definition;
  for (const TaskTypeClaim& claim : definition.task_types) {
    d->task_types.push_back(
        {claim.name.c_str(),
         claim.opt_in ? uint32_t{FLYTEPLUG_TASK_TYPE_OPT_IN} : 0u});
  }
  for (const std::string& section : definition.config_sections) {
    d->config_sections.push_back(section.c_str());
  }
  flyteplug_module& m = d->module;
  m.struct_size = sizeof(flyteplug_module);
  m.abi_major = FLYTEPLUG_ABI_VERSION_MAJOR;
  m.abi_minor = FLYTEPLUG_ABI_VERSION_MINOR;
  m.family = definition.make_k8s ? FLYTEPLUG_FAMILY_K8S_RESOURCE
                                 : FLYTEPLUG_FAMILY_WEB_API;
  m.flags = definition.unloadable ? uint32_t{FLYTEPLUG_MODULE_UNLOADABLE} : 0u;
  m.task_type_count = static_cast<uint32_t>(d->task_types.size());
  m.config_section_count = static_cast<uint32_t>(d->config_sections.size());
  m.id = definition.id.c_str();
  m.version = definition.version.c_str();
  m.description = definition.description.c_str();
  m.task_types = d->task_types.data();
  m.config_sections = d->config_sections.data();
  m.init = &Init;
  m.deinit = &Deinit;
  m.k8s = definition.make_k8s ? &kK8sVtable : nullptr;
  m.webapi = definition.make_k8s ? nullptr : &kWebApiVtable;
}

}  // namespace

flyteplug_status_code Entry(const ModuleDefinition& (*definition)(),
                            flyteplug_negotiation* negotiation,
                            const flyteplug_module** module,
                            flyteplug_error* error) {
  return Guard(
      error, "flyteplug_module_entry_v1", [&]() -> flyteplug_status_code {
        if (negotiation == nullptr || module == nullptr) {
          return Fail(error, FLYTEPLUG_INVALID_ARGUMENT,
                      "negotiation or module pointer is NULL");
        }
        if (negotiation->struct_size < sizeof(flyteplug_negotiation)) {
          return Fail(error, FLYTEPLUG_ABI_VERSION_MISMATCH,
                      absl::StrCat("flyteplug_negotiation.struct_size: host ",
                                   negotiation->struct_size, ", module needs ",
                                   sizeof(flyteplug_negotiation)));
        }
        if (negotiation->host_abi_major != FLYTEPLUG_ABI_VERSION_MAJOR) {
          return Fail(
              error, FLYTEPLUG_ABI_VERSION_MISMATCH,
              absl::StrCat("abi_major: host ", negotiation->host_abi_major,
                           ", module ", FLYTEPLUG_ABI_VERSION_MAJOR));
        }
        if (negotiation->host_abi_max_minor < negotiation->host_abi_min_minor) {
          return Fail(
              error, FLYTEPLUG_ABI_VERSION_MISMATCH,
              absl::StrCat("abi_minor range: host min ",
                           negotiation->host_abi_min_minor, " > host max ",
                           negotiation->host_abi_max_minor));
        }
        // This SDK speaks minors 0..FLYTEPLUG_ABI_VERSION_MINOR.
        if (negotiation->host_abi_min_minor > FLYTEPLUG_ABI_VERSION_MINOR) {
          return Fail(
              error, FLYTEPLUG_ABI_VERSION_MISMATCH,
              absl::StrCat("abi_minor: host requires >= ",
                           negotiation->host_abi_min_minor,
                           ", module speaks <= ", FLYTEPLUG_ABI_VERSION_MINOR));
        }
        static std::once_flag once;
        std::call_once(
            once, [&] { BuildDescriptor(definition(), &TheDescriptor()); });
        negotiation->module_abi_minor = std::min<uint32_t>(
            negotiation->host_abi_max_minor, FLYTEPLUG_ABI_VERSION_MINOR);
        *module = &TheDescriptor().module;
        return FLYTEPLUG_OK;
      });
}

}  // namespace internal
}  // namespace flyteplug::sdk
