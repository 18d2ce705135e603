// The extern "C" boundary of the loader (loader.h). Every function is a
// catch-all barrier: nothing unwinds into the host.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "call_scope.h"
#include "config_to_json.h"
#include "flyteplug/loader.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/exception_guard.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "flyteplug/sdk/boundary/sized_struct.h"
#include "flyteplug/sdk/boundary/status.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "google/protobuf/util/json_util.h"
#include "loader_impl.h"
#include "proto_utf8.h"
#include "protobuf_log.h"
#include "task_context_json.h"

struct flyteplug_loader {
  std::unique_ptr<flyteplug::loader::Loader> impl;
};

namespace {

using flyteplug::loader::Loader;
using flyteplug::loader::ModuleOutput;
using flyteplug::sdk::boundary::AbiCodeOf;
using flyteplug::sdk::boundary::CheckBytes;
using flyteplug::sdk::boundary::GuardBoundary;
using flyteplug::sdk::boundary::ViewOf;

// Writes `code` and a malloc'ed copy of `message` into `status` (if any).
flyteplug_status_code Report(flyteplug_status* status,
                             flyteplug_status_code code,
                             absl::string_view message) {
  if (status == nullptr) return code;
  std::free(status->message);
  status->message = nullptr;
  status->code = code;
  if (code != FLYTEPLUG_OK) {
    char* copy = static_cast<char*>(std::malloc(message.size() + 1));
    if (copy != nullptr) {
      std::memcpy(copy, message.data(), message.size());
      copy[message.size()] = '\0';
      status->message = copy;
    }
  }
  return code;
}

flyteplug_status_code Report(flyteplug_status* status, const absl::Status& s) {
  if (s.ok()) return Report(status, FLYTEPLUG_OK, "");
  return Report(status, AbiCodeOf(s), s.message());
}

// Runs `body` behind the kit's exception barrier, reporting into `status`.
template <typename Body>
flyteplug_status_code Barrier(flyteplug_status* status, const char* what,
                              Body&& body) noexcept {
  flyteplug::loader::InstallProtobufLogRouting();
  return GuardBoundary(
      what,
      [status](flyteplug_status_code code, absl::string_view message) {
        return Report(status, code, message);
      },
      std::forward<Body>(body));
}

// InvalidArgument unless `out` owns nothing (release == NULL): a buffer
// still holding the result of an earlier call would leak if overwritten,
// and calling its release on the host's behalf could run garbage. The
// buffer is then left untouched.
absl::Status CheckOutputBuffer(const flyteplug_buffer& out, const char* what) {
  if (out.release == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      what,
      ": the output buffer still owns data (release is not NULL); release "
      "it with flyteplug_buffer_release or zero-initialise it first"));
}

// Common shape of the routed calls that produce a buffer.
template <typename Call>
flyteplug_status_code Produce(flyteplug_loader* loader, flyteplug_buffer* out,
                              flyteplug_status* status, const char* what,
                              Call&& call) {
  return Barrier(status, what, [&]() -> flyteplug_status_code {
    if (loader == nullptr || out == nullptr) {
      return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                    absl::StrCat(what, ": loader or output is NULL"));
    }
    if (absl::Status s = CheckOutputBuffer(*out, what); !s.ok()) {
      return Report(status, s);
    }
    *out = flyteplug_buffer{};
    flyteplug::loader::ProtobufLogHost log_to(loader->impl->host());
    absl::StatusOr<ModuleOutput> result = call(*loader->impl);
    if (!result.ok()) return Report(status, result.status());
    result->HandTo(out);
    return Report(status, FLYTEPLUG_OK, "");
  });
}

// Copies the 1.1 configuration-document fields of `opts` into `*out`.
// InvalidArgument for a bad format, reserved1 set, or both config_json and
// config_document given.
absl::Status ReadConfigDocument(const flyteplug_loader_options& opts,
                                Loader::Options* out) {
  if (opts.reserved1 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("flyteplug_loader_options.reserved1 is ", opts.reserved1,
                     ", must be 0"));
  }
  if (absl::Status s = CheckBytes(opts.config_document, "config_document");
      !s.ok()) {
    return s;
  }
  if (opts.config_format < FLYTEPLUG_CONFIG_FORMAT_AUTO ||
      opts.config_format > FLYTEPLUG_CONFIG_FORMAT_YAML) {
    return absl::InvalidArgumentError(
        absl::StrCat("flyteplug_loader_options.config_format is ",
                     opts.config_format, ", not a FLYTEPLUG_CONFIG_FORMAT_*"));
  }
  if (opts.config_source_name != nullptr) {
    out->config_source_name = opts.config_source_name;
  }
  if (opts.config_document.data == nullptr) return absl::OkStatus();
  if (opts.config_json.size != 0) {
    return absl::InvalidArgumentError(
        "flyteplug_loader_options: config_json and config_document are both "
        "set; give one");
  }
  out->config_document = std::string(ViewOf(opts.config_document));
  out->config_format =
      static_cast<flyteplug::loader::ConfigFormat>(opts.config_format);
  return absl::OkStatus();
}

// Runs `call` with `options` (NULL = none) as the current call's control
// (call_scope.h), unless the deadline has already passed or the caller has
// gone. INVALID_ARGUMENT for a malformed options struct.
template <typename Call>
auto UnderOptions(const flyteplug_call_options* options, const char* what,
                  Call&& call) -> decltype(call()) {
  flyteplug_call_options read{};
  if (options != nullptr) {
    if (absl::Status s = flyteplug::sdk::boundary::ReadSizedStruct(
            options,
            {"flyteplug_call_options", "loader", sizeof(flyteplug_call_options),
             FLYTEPLUG_INVALID_ARGUMENT},
            &read);
        !s.ok()) {
      return s;
    }
    if (read.reserved0 != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": flyteplug_call_options.reserved0 is ",
                       read.reserved0, ", must be zero"));
    }
  }
  flyteplug::loader::CallScope scope(options == nullptr ? nullptr : &read);
  if (absl::Status s = flyteplug::loader::CurrentCallStillWanted(what);
      !s.ok()) {
    return s;
  }
  return call();
}

}  // namespace

extern "C" {

void flyteplug_status_clear(flyteplug_status* status) {
  if (status == nullptr) return;
  std::free(status->message);
  status->message = nullptr;
  status->code = FLYTEPLUG_OK;
}

void flyteplug_buffer_release(flyteplug_buffer* buffer) {
  flyteplug::sdk::boundary::ReleaseBuffer(buffer);
}

flyteplug_status_code flyteplug_loader_open(
    const flyteplug_loader_options* options, flyteplug_loader** loader,
    flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_loader_open", [&]() -> flyteplug_status_code {
        if (options == nullptr || loader == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_loader_open: options or loader is NULL");
        }
        *loader = nullptr;
        // Read the caller's options with the struct_size rule.
        flyteplug_loader_options opts{};
        if (absl::Status s = flyteplug::sdk::boundary::ReadSizedStruct(
                options,
                {"flyteplug_loader_options", "loader",
                 offsetof(flyteplug_loader_options, flags),
                 FLYTEPLUG_INVALID_ARGUMENT},
                &opts);
            !s.ok()) {
          return Report(status, s);
        }
        if (opts.reserved0 != 0) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        absl::StrCat("flyteplug_loader_options.reserved0 is ",
                                     opts.reserved0, ", must be 0"));
        }
        if ((opts.flags & ~uint32_t{FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS |
                                    FLYTEPLUG_LOADER_STRICT_CONFIG}) != 0) {
          return Report(
              status, FLYTEPLUG_INVALID_ARGUMENT,
              absl::StrCat("flyteplug_loader_options.flags has unknown "
                           "bits 0x",
                           absl::Hex(opts.flags)));
        }
        if (opts.module_path_count > 0 && opts.module_paths == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_loader_options.module_paths is NULL with a "
                        "non-zero module_path_count");
        }
        if (absl::Status s = CheckBytes(opts.config_json, "config_json");
            !s.ok()) {
          return Report(status, s);
        }
        Loader::Options impl_options;
        for (uint32_t i = 0; i < opts.module_path_count; ++i) {
          if (opts.module_paths[i] == nullptr) {
            return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                          absl::StrCat("flyteplug_loader_options.module_paths[",
                                       i, "] is NULL"));
          }
          impl_options.module_paths.emplace_back(opts.module_paths[i]);
        }
        impl_options.skip_default_paths =
            (opts.flags & FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS) != 0;
        impl_options.strict_config =
            (opts.flags & FLYTEPLUG_LOADER_STRICT_CONFIG) != 0;
        impl_options.config_json = std::string(ViewOf(opts.config_json));
        if (absl::Status s = ReadConfigDocument(opts, &impl_options); !s.ok()) {
          return Report(status, s);
        }
        impl_options.host = opts.host;
        absl::StatusOr<std::unique_ptr<Loader>> impl =
            Loader::Open(impl_options);
        if (!impl.ok()) return Report(status, impl.status());
        *loader = new flyteplug_loader{*std::move(impl)};
        return Report(status, FLYTEPLUG_OK, "");
      });
}

void flyteplug_loader_close(flyteplug_loader* loader) {
  try {
    delete loader;
  } catch (...) {
  }
}

uint32_t flyteplug_loader_module_count(const flyteplug_loader* loader) {
  if (loader == nullptr) return 0;
  return static_cast<uint32_t>(loader->impl->module_count());
}

flyteplug_status_code flyteplug_loader_module_info(
    const flyteplug_loader* loader, uint32_t index, flyteplug_module_info* info,
    flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_loader_module_info", [&]() -> flyteplug_status_code {
        if (loader == nullptr || info == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_loader_module_info: loader or info is NULL");
        }
        if (index >= loader->impl->module_count()) {
          return Report(
              status, FLYTEPLUG_OUT_OF_RANGE,
              absl::StrCat("module index ", index, " >= module count ",
                           loader->impl->module_count()));
        }
        // The same bounds as for the structs the loader reads: a garbage
        // size must not make the zero-fill below run past the struct.
        if (absl::Status s = flyteplug::sdk::boundary::CheckStructSize(
                info->struct_size,
                {"flyteplug_module_info", "loader",
                 offsetof(flyteplug_module_info, family),
                 FLYTEPLUG_INVALID_ARGUMENT},
                sizeof(flyteplug_module_info));
            !s.ok()) {
          return Report(status, s);
        }
        const flyteplug::loader::ModuleSlot& slot = loader->impl->module(index);
        flyteplug_module_info full{};
        full.struct_size = info->struct_size;
        full.abi_major = slot.file->descriptor().abi_major;
        full.abi_minor = slot.file->abi_minor();
        full.family = slot.file->descriptor().family;
        full.id = slot.file->id().c_str();
        full.version = slot.file->version().c_str();
        full.description = slot.file->description().c_str();
        full.path = slot.file->path().c_str();
        full.task_types = slot.served_csv.c_str();
        full.claimed_task_types = slot.claimed_csv.c_str();
        // Fill what the caller's struct has room for; zero any longer tail.
        size_t size = info->struct_size;
        std::memcpy(info, &full, std::min(size, sizeof(full)));
        if (size > sizeof(full)) {
          std::memset(reinterpret_cast<char*>(info) + sizeof(full), 0,
                      size - sizeof(full));
        }
        info->struct_size = static_cast<uint32_t>(size);
        return Report(status, FLYTEPLUG_OK, "");
      });
}

flyteplug_status_code flyteplug_loader_resolve(const flyteplug_loader* loader,
                                               const char* task_type,
                                               uint32_t* index,
                                               flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_loader_resolve", [&]() -> flyteplug_status_code {
        if (loader == nullptr || task_type == nullptr || index == nullptr) {
          return Report(
              status, FLYTEPLUG_INVALID_ARGUMENT,
              "flyteplug_loader_resolve: loader, task_type or index is "
              "NULL");
        }
        absl::StatusOr<size_t> found = loader->impl->Resolve(task_type);
        if (!found.ok()) return Report(status, found.status());
        *index = static_cast<uint32_t>(*found);
        return Report(status, FLYTEPLUG_OK, "");
      });
}

flyteplug_status_code flyteplug_task_context_from_json(
    flyteplug_bytes json, flyteplug_buffer* task_context,
    flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_task_context_from_json",
      [&]() -> flyteplug_status_code {
        if (task_context == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_task_context_from_json: output is NULL");
        }
        if (absl::Status s = CheckOutputBuffer(
                *task_context, "flyteplug_task_context_from_json");
            !s.ok()) {
          return Report(status, s);
        }
        *task_context = flyteplug_buffer{};
        if (absl::Status s = CheckBytes(json, "json"); !s.ok()) {
          return Report(status, s);
        }
        auto context = flyteplug::loader::TaskContextFromJson(ViewOf(json));
        if (!context.ok()) return Report(status, context.status());
        std::string bytes;
        if (!flyteplug::sdk::boundary::SerializeDeterministic(*context,
                                                              &bytes)) {
          return Report(status, FLYTEPLUG_INTERNAL,
                        "TaskContext failed to serialize");
        }
        flyteplug::sdk::boundary::EmitOwnedString(std::move(bytes),
                                                  task_context);
        return Report(status, FLYTEPLUG_OK, "");
      });
}

flyteplug_status_code flyteplug_phase_info_to_json(flyteplug_bytes phase_info,
                                                   flyteplug_buffer* json,
                                                   flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_phase_info_to_json", [&]() -> flyteplug_status_code {
        if (json == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_phase_info_to_json: output is NULL");
        }
        if (absl::Status s =
                CheckOutputBuffer(*json, "flyteplug_phase_info_to_json");
            !s.ok()) {
          return Report(status, s);
        }
        *json = flyteplug_buffer{};
        if (absl::Status s = CheckBytes(phase_info, "phase_info"); !s.ok()) {
          return Report(status, s);
        }
        flyteplug::v1::PhaseInfo message;
        flyteplug::loader::ProtobufLogExplained explained;
        if (phase_info.size > static_cast<size_t>(INT32_MAX) ||
            !message.ParseFromArray(phase_info.data,
                                    static_cast<int>(phase_info.size))) {
          const std::string why = flyteplug::loader::DescribeInvalidUtf8(
              *flyteplug::v1::PhaseInfo::descriptor(), ViewOf(phase_info));
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        absl::StrCat("phase_info: not a valid serialized "
                                     "flyteplug.v1.PhaseInfo (",
                                     phase_info.size, " bytes)",
                                     why.empty() ? "" : ": ", why));
        }
        google::protobuf::util::JsonPrintOptions options;
        options.always_print_primitive_fields = true;
        std::string out;
        auto s =
            google::protobuf::util::MessageToJsonString(message, &out, options);
        if (!s.ok()) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        absl::StrCat("phase_info: cannot convert to JSON: ",
                                     s.message().as_string()));
        }
        flyteplug::sdk::boundary::EmitOwnedString(std::move(out), json);
        return Report(status, FLYTEPLUG_OK, "");
      });
}

flyteplug_status_code flyteplug_build_resource(flyteplug_loader* loader,
                                               flyteplug_bytes task_context,
                                               flyteplug_buffer* manifest_json,
                                               flyteplug_status* status) {
  return Produce(loader, manifest_json, status, "flyteplug_build_resource",
                 [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
                   if (auto s = CheckBytes(task_context, "task_context");
                       !s.ok())
                     return s;
                   return l.BuildResource(ViewOf(task_context));
                 });
}

flyteplug_status_code flyteplug_build_identity_resource(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_buffer* manifest_json, flyteplug_status* status) {
  return Produce(
      loader, manifest_json, status, "flyteplug_build_identity_resource",
      [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
        if (auto s = CheckBytes(task_context, "task_context"); !s.ok())
          return s;
        return l.BuildIdentityResource(ViewOf(task_context));
      });
}

flyteplug_status_code flyteplug_get_task_phase(flyteplug_loader* loader,
                                               flyteplug_bytes task_context,
                                               flyteplug_bytes resource_json,
                                               flyteplug_buffer* phase_info,
                                               flyteplug_status* status) {
  return Produce(
      loader, phase_info, status, "flyteplug_get_task_phase",
      [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
        if (auto s = CheckBytes(task_context, "task_context"); !s.ok())
          return s;
        if (auto s = CheckBytes(resource_json, "resource_json"); !s.ok())
          return s;
        return l.GetTaskPhase(ViewOf(task_context), ViewOf(resource_json));
      });
}

flyteplug_status_code flyteplug_webapi_create(flyteplug_loader* loader,
                                              flyteplug_bytes task_context,
                                              flyteplug_buffer* resource_meta,
                                              flyteplug_status* status) {
  return flyteplug_webapi_create_with_options(loader, nullptr, task_context,
                                              resource_meta, status);
}

flyteplug_status_code flyteplug_webapi_get(flyteplug_loader* loader,
                                           const char* task_type,
                                           flyteplug_bytes resource_meta,
                                           flyteplug_buffer* resource,
                                           flyteplug_status* status) {
  return flyteplug_webapi_get_with_options(loader, nullptr, task_type,
                                           resource_meta, resource, status);
}

flyteplug_status_code flyteplug_webapi_delete(flyteplug_loader* loader,
                                              const char* task_type,
                                              flyteplug_bytes resource_meta,
                                              flyteplug_status* status) {
  return flyteplug_webapi_delete_with_options(loader, nullptr, task_type,
                                              resource_meta, status);
}

flyteplug_status_code flyteplug_webapi_create_with_options(
    flyteplug_loader* loader, const flyteplug_call_options* options,
    flyteplug_bytes task_context, flyteplug_buffer* resource_meta,
    flyteplug_status* status) {
  return Produce(loader, resource_meta, status, "flyteplug_webapi_create",
                 [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
                   if (auto s = CheckBytes(task_context, "task_context");
                       !s.ok())
                     return s;
                   return UnderOptions(options, "flyteplug_webapi_create", [&] {
                     return l.WebApiCreate(ViewOf(task_context));
                   });
                 });
}

flyteplug_status_code flyteplug_webapi_get_with_options(
    flyteplug_loader* loader, const flyteplug_call_options* options,
    const char* task_type, flyteplug_bytes resource_meta,
    flyteplug_buffer* resource, flyteplug_status* status) {
  return Produce(loader, resource, status, "flyteplug_webapi_get",
                 [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
                   if (task_type == nullptr) {
                     return absl::InvalidArgumentError(
                         "flyteplug_webapi_get: task_type is NULL");
                   }
                   if (auto s = CheckBytes(resource_meta, "resource_meta");
                       !s.ok())
                     return s;
                   return UnderOptions(options, "flyteplug_webapi_get", [&] {
                     return l.WebApiGet(task_type, ViewOf(resource_meta));
                   });
                 });
}

flyteplug_status_code flyteplug_webapi_delete_with_options(
    flyteplug_loader* loader, const flyteplug_call_options* options,
    const char* task_type, flyteplug_bytes resource_meta,
    flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_webapi_delete", [&]() -> flyteplug_status_code {
        if (loader == nullptr || task_type == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_webapi_delete: loader or task_type is NULL");
        }
        if (auto s = CheckBytes(resource_meta, "resource_meta"); !s.ok()) {
          return Report(status, s);
        }
        flyteplug::loader::ProtobufLogHost log_to(loader->impl->host());
        absl::StatusOr<bool> done = UnderOptions(
            options, "flyteplug_webapi_delete", [&]() -> absl::StatusOr<bool> {
              absl::Status s =
                  loader->impl->WebApiDelete(task_type, ViewOf(resource_meta));
              if (!s.ok()) return s;
              return true;
            });
        return Report(status, done.status());
      });
}

flyteplug_status_code flyteplug_webapi_status(flyteplug_loader* loader,
                                              flyteplug_bytes task_context,
                                              flyteplug_bytes resource,
                                              flyteplug_buffer* phase_info,
                                              flyteplug_status* status) {
  return Produce(
      loader, phase_info, status, "flyteplug_webapi_status",
      [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
        if (auto s = CheckBytes(task_context, "task_context"); !s.ok())
          return s;
        if (auto s = CheckBytes(resource, "resource"); !s.ok()) return s;
        return l.WebApiStatus(ViewOf(task_context), ViewOf(resource));
      });
}

flyteplug_status_code flyteplug_webapi_render_request(
    flyteplug_loader* loader, flyteplug_bytes task_context,
    flyteplug_buffer* request_json, flyteplug_status* status) {
  return Produce(
      loader, request_json, status, "flyteplug_webapi_render_request",
      [&](Loader& l) -> absl::StatusOr<ModuleOutput> {
        if (auto s = CheckBytes(task_context, "task_context"); !s.ok())
          return s;
        return l.WebApiRenderRequest(ViewOf(task_context));
      });
}

flyteplug_status_code flyteplug_config_to_json(flyteplug_bytes config,
                                               int32_t format,
                                               flyteplug_buffer* json,
                                               flyteplug_status* status) {
  return Barrier(
      status, "flyteplug_config_to_json", [&]() -> flyteplug_status_code {
        if (json == nullptr) {
          return Report(status, FLYTEPLUG_INVALID_ARGUMENT,
                        "flyteplug_config_to_json: output is NULL");
        }
        if (absl::Status s =
                CheckOutputBuffer(*json, "flyteplug_config_to_json");
            !s.ok()) {
          return Report(status, s);
        }
        *json = flyteplug_buffer{};
        if (absl::Status s = CheckBytes(config, "config"); !s.ok()) {
          return Report(status, s);
        }
        if (format != FLYTEPLUG_CONFIG_FORMAT_AUTO &&
            format != FLYTEPLUG_CONFIG_FORMAT_JSON &&
            format != FLYTEPLUG_CONFIG_FORMAT_YAML) {
          return Report(
              status, FLYTEPLUG_INVALID_ARGUMENT,
              absl::StrCat("flyteplug_config_to_json: format ", format,
                           " is not one of 0 (auto), 1 (JSON), "
                           "2 (YAML)"));
        }
        std::vector<std::string> warnings;
        absl::StatusOr<std::string> result = flyteplug::loader::ConfigToJson(
            ViewOf(config),
            static_cast<flyteplug::loader::ConfigFormat>(format), "config",
            &warnings);
        if (!result.ok()) return Report(status, result.status());
        flyteplug::sdk::boundary::EmitOwnedString(*std::move(result), json);
        Report(status, FLYTEPLUG_OK, "");
        // The one call whose OK status may carry a message: the warnings.
        if (status != nullptr && !warnings.empty()) {
          const std::string text = absl::StrJoin(warnings, "\n");
          char* copy = static_cast<char*>(std::malloc(text.size() + 1));
          if (copy != nullptr) {
            std::memcpy(copy, text.data(), text.size() + 1);
            status->message = copy;
          }
        }
        return FLYTEPLUG_OK;
      });
}

}  // extern "C"
