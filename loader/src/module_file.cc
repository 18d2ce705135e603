#include "module_file.h"

#include <dlfcn.h>

#include <cstring>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/boundary/dlerror.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "flyteplug/sdk/boundary/negotiation.h"
#include "flyteplug/sdk/boundary/sized_struct.h"
#include "flyteplug/sdk/boundary/status.h"

namespace flyteplug::loader {
namespace {

using sdk::boundary::AbiStatus;
using sdk::boundary::TakeDlerror;

// Upper bounds that catch garbage before it is dereferenced further.
constexpr uint32_t kMaxTaskTypes = 256;
constexpr uint32_t kMaxConfigSections = 256;
constexpr size_t kMaxStringBytes = 4096;

absl::Status Violation(const std::string& path, absl::string_view detail) {
  return AbiStatus(FLYTEPLUG_ABI_CONTRACT_VIOLATION,
                   absl::StrCat("module ", path, ": ", detail));
}

// A struct of the module's, read by the struct_size rule; errors name the
// file.
template <typename T>
absl::Status ReadModuleStruct(const std::string& path, const char* what,
                              const void* source, T* out) {
  return sdk::boundary::PrefixMessage(
      sdk::boundary::ReadSizedStruct(
          source,
          {what, "loader", sizeof(uint32_t), FLYTEPLUG_ABI_CONTRACT_VIOLATION},
          out),
      absl::StrCat("module ", path, ": "));
}

// Bounded strlen: false if `s` is NULL or longer than kMaxStringBytes.
bool BoundedString(const char* s, std::string* out) {
  if (s == nullptr) return false;
  size_t n = strnlen(s, kMaxStringBytes + 1);
  if (n > kMaxStringBytes) return false;
  out->assign(s, n);
  return true;
}

// dlopens `path` into `*handle` and resolves the entry symbol.
absl::StatusOr<flyteplug_entry_v1_fn> OpenEntry(const std::string& path,
                                                void** handle) {
  ::dlerror();
  *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (*handle == nullptr) {
    return Violation(path, absl::StrCat("dlopen failed: ", TakeDlerror()));
  }
  ::dlerror();
  void* symbol = ::dlsym(*handle, FLYTEPLUG_ENTRY_SYMBOL_V1);
  if (symbol == nullptr) {
    return Violation(path,
                     absl::StrCat("entry symbol ", FLYTEPLUG_ENTRY_SYMBOL_V1,
                                  " not found: ", TakeDlerror()));
  }
  return reinterpret_cast<flyteplug_entry_v1_fn>(symbol);
}

// Calls the entry function with this host's offer; returns the module's
// descriptor and sets `*abi_minor` to the minor it chose.
absl::StatusOr<const flyteplug_module*> Negotiate(const std::string& path,
                                                  flyteplug_entry_v1_fn entry,
                                                  uint32_t* abi_minor) {
  flyteplug_negotiation negotiation = sdk::boundary::HostOffer();
  const flyteplug_module* raw = nullptr;
  sdk::boundary::ErrorCapture capture;
  flyteplug_status_code code = entry(&negotiation, &raw, capture.sink());
  if (code != FLYTEPLUG_OK) {
    std::string message = capture.message().empty()
                              ? std::string("(no message)")
                              : capture.message();
    return AbiStatus(
        code, absl::StrCat("module ", path, ": ", FLYTEPLUG_ENTRY_SYMBOL_V1,
                           " returned code ", code, ": ", message));
  }
  if (negotiation.module_abi_minor > FLYTEPLUG_ABI_VERSION_MINOR) {
    return AbiStatus(
        FLYTEPLUG_ABI_VERSION_MISMATCH,
        absl::StrCat("module ", path, ": negotiation.module_abi_minor is ",
                     negotiation.module_abi_minor, ", host speaks 0..",
                     FLYTEPLUG_ABI_VERSION_MINOR));
  }
  *abi_minor = negotiation.module_abi_minor;
  if (raw == nullptr) {
    return Violation(path, "entry returned OK with a NULL module descriptor");
  }
  return raw;
}

// Reads the descriptor and checks its fixed fields: major, reserved0, flags.
absl::Status ReadDescriptor(const std::string& path,
                            const flyteplug_module* raw, flyteplug_module* d) {
  if (absl::Status s = ReadModuleStruct(path, "flyteplug_module", raw, d);
      !s.ok()) {
    return s;
  }
  if (d->abi_major != FLYTEPLUG_ABI_VERSION_MAJOR) {
    return AbiStatus(
        FLYTEPLUG_ABI_VERSION_MISMATCH,
        absl::StrCat("module ", path, ": flyteplug_module.abi_major is ",
                     d->abi_major, ", host speaks ",
                     FLYTEPLUG_ABI_VERSION_MAJOR));
  }
  if (d->reserved0 != 0) {
    return Violation(path, absl::StrCat("flyteplug_module.reserved0 is ",
                                        d->reserved0, ", must be 0"));
  }
  if ((d->flags & ~uint32_t{FLYTEPLUG_MODULE_UNLOADABLE}) != 0) {
    return Violation(path, absl::StrCat("flyteplug_module.flags has unknown "
                                        "bits 0x",
                                        absl::Hex(d->flags)));
  }
  return absl::OkStatus();
}

// Copies id, version and description, checking each.
absl::Status ReadIdentity(const std::string& path, const flyteplug_module& d,
                          std::string* id, std::string* version,
                          std::string* description) {
  if (!IsValidModuleId(d.id)) {
    std::string shown;
    bool have = BoundedString(d.id, &shown);
    return Violation(
        path,
        absl::StrCat("flyteplug_module.id ",
                     have ? absl::StrCat("'", absl::CHexEscape(shown), "'")
                          : std::string("is NULL or too long"),
                     " does not match [a-z0-9_.-]+"));
  }
  *id = d.id;
  if (!BoundedString(d.version, version) || version->empty()) {
    return Violation(path, absl::StrCat("flyteplug_module.version of '", *id,
                                        "' is NULL, empty or too long"));
  }
  if (d.description != nullptr && !BoundedString(d.description, description)) {
    return Violation(path, "flyteplug_module.description is too long");
  }
  return absl::OkStatus();
}

// Copies the task type claims: 1..kMaxTaskTypes distinct names, known flags.
absl::Status ReadClaims(const std::string& path, const flyteplug_module& d,
                        std::vector<TaskTypeClaim>* claims) {
  if (d.task_type_count == 0 || d.task_type_count > kMaxTaskTypes) {
    return Violation(
        path, absl::StrCat("flyteplug_module.task_type_count is ",
                           d.task_type_count, ", expected 1..", kMaxTaskTypes));
  }
  if (d.task_types == nullptr) {
    return Violation(path, absl::StrCat("flyteplug_module.task_types is NULL "
                                        "with task_type_count ",
                                        d.task_type_count));
  }
  std::set<std::string> seen;
  for (uint32_t i = 0; i < d.task_type_count; ++i) {
    const flyteplug_task_type& t = d.task_types[i];
    TaskTypeClaim claim;
    if (!BoundedString(t.name, &claim.name) || claim.name.empty()) {
      return Violation(path, absl::StrCat("flyteplug_module.task_types[", i,
                                          "].name is NULL, empty or too long"));
    }
    if ((t.flags & ~uint32_t{FLYTEPLUG_TASK_TYPE_OPT_IN}) != 0) {
      return Violation(path, absl::StrCat("flyteplug_module.task_types[", i,
                                          "].flags has unknown bits 0x",
                                          absl::Hex(t.flags)));
    }
    if (!seen.insert(claim.name).second) {
      return Violation(
          path, absl::StrCat("flyteplug_module.task_types[", i, "].name '",
                             claim.name, "' is claimed twice"));
    }
    claim.opt_in = (t.flags & FLYTEPLUG_TASK_TYPE_OPT_IN) != 0;
    claims->push_back(std::move(claim));
  }
  return absl::OkStatus();
}

// Copies the configuration section names: at most kMaxConfigSections, each
// non-empty and listed once.
absl::Status ReadConfigSections(const std::string& path,
                                const flyteplug_module& d,
                                std::vector<std::string>* sections) {
  if (d.config_section_count > kMaxConfigSections) {
    return Violation(
        path,
        absl::StrCat("flyteplug_module.config_section_count is ",
                     d.config_section_count, ", at most ", kMaxConfigSections));
  }
  if (d.config_section_count > 0 && d.config_sections == nullptr) {
    return Violation(path,
                     "flyteplug_module.config_sections is NULL with a "
                     "non-zero config_section_count");
  }
  std::set<std::string> seen;
  for (uint32_t i = 0; i < d.config_section_count; ++i) {
    std::string name;
    if (!BoundedString(d.config_sections[i], &name) || name.empty()) {
      return Violation(path, absl::StrCat("flyteplug_module.config_sections[",
                                          i, "] is NULL, empty or too long"));
    }
    if (!seen.insert(name).second) {
      return Violation(path, absl::StrCat("flyteplug_module.config_sections[",
                                          i, "] '", name, "' is listed twice"));
    }
    sections->push_back(std::move(name));
  }
  return absl::OkStatus();
}

// "k8s must be set (is NULL) and webapi NULL (is set)" for the family's
// vtable `own` and the other one, `other`.
std::string VtableMismatch(const flyteplug_module& d, const char* family,
                           const char* own, const void* own_vtable,
                           const char* other, const void* other_vtable) {
  return absl::StrCat(
      "flyteplug_module.family is ", d.family, " (", family, "): ", own,
      " must be set (is ", own_vtable == nullptr ? "NULL" : "set", ") and ",
      other, " NULL (is ", other_vtable == nullptr ? "NULL" : "set", ")");
}

// Copies the k8s-resource vtable; every slot must be set.
absl::Status ReadK8sVtable(const std::string& path, const flyteplug_module& d,
                           flyteplug_k8s_vtable* v) {
  if (d.k8s == nullptr || d.webapi != nullptr) {
    return Violation(path, VtableMismatch(d, "k8s-resource", "k8s", d.k8s,
                                          "webapi", d.webapi));
  }
  if (absl::Status s = ReadModuleStruct(path, "flyteplug_k8s_vtable", d.k8s, v);
      !s.ok()) {
    return s;
  }
  const char* missing = v->build_resource == nullptr ? "build_resource"
                        : v->build_identity_resource == nullptr
                            ? "build_identity_resource"
                        : v->get_task_phase == nullptr ? "get_task_phase"
                                                       : nullptr;
  if (missing != nullptr) {
    return Violation(
        path, absl::StrCat("flyteplug_k8s_vtable.", missing,
                           " is NULL (struct_size ", d.k8s->struct_size, ")"));
  }
  return absl::OkStatus();
}

// Copies the web-API vtable; every slot must be set.
absl::Status ReadWebApiVtable(const std::string& path,
                              const flyteplug_module& d,
                              flyteplug_webapi_vtable* v) {
  if (d.webapi == nullptr || d.k8s != nullptr) {
    return Violation(
        path, VtableMismatch(d, "web-api", "webapi", d.webapi, "k8s", d.k8s));
  }
  if (absl::Status s =
          ReadModuleStruct(path, "flyteplug_webapi_vtable", d.webapi, v);
      !s.ok()) {
    return s;
  }
  const char* missing = v->create == nullptr            ? "create"
                        : v->get == nullptr             ? "get"
                        : v->delete_resource == nullptr ? "delete_resource"
                        : v->status == nullptr          ? "status"
                        : v->render_create_request == nullptr
                            ? "render_create_request"
                            : nullptr;
  if (missing != nullptr) {
    return Violation(path, absl::StrCat("flyteplug_webapi_vtable.", missing,
                                        " is NULL (struct_size ",
                                        d.webapi->struct_size, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidModuleId(const char* id) {
  if (id == nullptr || *id == '\0') return false;
  for (const char* p = id; *p != '\0'; ++p) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-';
    if (!ok) return false;
    if (p - id > static_cast<std::ptrdiff_t>(kMaxStringBytes)) return false;
  }
  return true;
}

ModuleFile::~ModuleFile() {
  if (handle_ != nullptr && unloadable()) ::dlclose(handle_);
}

absl::StatusOr<std::unique_ptr<ModuleFile>> LoadModuleFile(
    const std::string& path) {
  std::unique_ptr<ModuleFile> module(new ModuleFile());
  module->path_ = path;
  // The handle is kept (never closed) unless the module is unloadable.
  absl::StatusOr<flyteplug_entry_v1_fn> entry =
      OpenEntry(path, &module->handle_);
  if (!entry.ok()) return entry.status();
  absl::StatusOr<const flyteplug_module*> raw =
      Negotiate(path, *entry, &module->abi_minor_);
  if (!raw.ok()) return raw.status();

  const flyteplug_module& d = module->descriptor_;
  absl::Status s = ReadDescriptor(path, *raw, &module->descriptor_);
  if (s.ok()) {
    s = ReadIdentity(path, d, &module->id_, &module->version_,
                     &module->description_);
  }
  if (s.ok()) s = ReadClaims(path, d, &module->claims_);
  if (s.ok()) s = ReadConfigSections(path, d, &module->config_sections_);
  if (!s.ok()) return s;
  if (d.init == nullptr)
    return Violation(path, "flyteplug_module.init is NULL");
  if (d.deinit == nullptr) {
    return Violation(path, "flyteplug_module.deinit is NULL");
  }

  if (d.family == FLYTEPLUG_FAMILY_K8S_RESOURCE) {
    s = ReadK8sVtable(path, d, &module->k8s_);
    module->has_k8s_ = s.ok();
  } else if (d.family == FLYTEPLUG_FAMILY_WEB_API) {
    s = ReadWebApiVtable(path, d, &module->webapi_);
    module->has_webapi_ = s.ok();
  } else {
    s = Violation(path, absl::StrCat("flyteplug_module.family is ", d.family,
                                     ", expected 1 (k8s-resource) "
                                     "or 2 (web-api)"));
  }
  if (!s.ok()) return s;
  return module;
}

}  // namespace flyteplug::loader
