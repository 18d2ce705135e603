#include "module_file.h"

#include <dlfcn.h>

#include <cstring>
#include <set>
#include <utility>

#include "abi_status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "error_capture.h"

namespace flyteplug::loader {
namespace {

// Upper bounds that catch garbage before it is dereferenced further.
constexpr uint32_t kMaxStructSize = 4096;
constexpr uint32_t kMaxTaskTypes = 256;
constexpr uint32_t kMaxConfigSections = 256;
constexpr size_t kMaxStringBytes = 4096;

// Copies a struct that starts with uint32_t struct_size: a shorter one is
// zero-extended; a longer one is accepted only if its unknown tail is zero.
template <typename T>
absl::Status ReadSizedStruct(const std::string& path, const char* what,
                             const void* source, T* out) {
  uint32_t declared;
  std::memcpy(&declared, source, sizeof(declared));
  if (declared < sizeof(uint32_t) || declared > kMaxStructSize) {
    return AbiStatus(
        FLYTEPLUG_ABI_CONTRACT_VIOLATION,
        absl::StrCat("module ", path, ": ", what, ".struct_size is ", declared,
                     ", expected between 4 and ", kMaxStructSize,
                     " (this loader knows ", sizeof(T), ")"));
  }
  std::memset(out, 0, sizeof(T));
  std::memcpy(out, source, std::min<size_t>(declared, sizeof(T)));
  if (declared > sizeof(T)) {
    const auto* bytes = static_cast<const unsigned char*>(source);
    for (size_t i = sizeof(T); i < declared; ++i) {
      if (bytes[i] != 0) {
        return AbiStatus(
            FLYTEPLUG_ABI_STRUCT_TOO_NEW,
            absl::StrCat("module ", path, ": ", what, ".struct_size is ",
                         declared, ", this loader knows ", sizeof(T),
                         ", and the unknown tail has a non-zero byte at "
                         "offset ",
                         i));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Violation(const std::string& path, absl::string_view detail) {
  return AbiStatus(FLYTEPLUG_ABI_CONTRACT_VIOLATION,
                   absl::StrCat("module ", path, ": ", detail));
}

// Bounded strlen: false if `s` is NULL or longer than kMaxStringBytes.
bool BoundedString(const char* s, std::string* out) {
  if (s == nullptr) return false;
  size_t n = strnlen(s, kMaxStringBytes + 1);
  if (n > kMaxStringBytes) return false;
  out->assign(s, n);
  return true;
}

// Copies the thread's dlerror() message and releases glibc's buffer for it
// (a second dlerror() call frees it), so nothing stays allocated per thread.
std::string TakeDlerror() {
  const char* err = ::dlerror();
  std::string message = err == nullptr ? "no dlerror() message" : err;
  ::dlerror();
  return message;
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
  ::dlerror();
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Violation(path, absl::StrCat("dlopen failed: ", TakeDlerror()));
  }
  module->handle_ = handle;  // kept (never closed) unless unloadable

  ::dlerror();
  void* symbol = ::dlsym(handle, FLYTEPLUG_ENTRY_SYMBOL_V1);
  if (symbol == nullptr) {
    return Violation(path,
                     absl::StrCat("entry symbol ", FLYTEPLUG_ENTRY_SYMBOL_V1,
                                  " not found: ", TakeDlerror()));
  }
  auto entry = reinterpret_cast<flyteplug_entry_v1_fn>(symbol);

  flyteplug_negotiation negotiation{};
  negotiation.struct_size = sizeof(negotiation);
  negotiation.host_abi_major = FLYTEPLUG_ABI_VERSION_MAJOR;
  negotiation.host_abi_min_minor = 0;
  negotiation.host_abi_max_minor = FLYTEPLUG_ABI_VERSION_MINOR;
  negotiation.module_abi_minor = UINT32_MAX;
  const flyteplug_module* raw = nullptr;
  ErrorCapture capture;
  flyteplug_status_code code = entry(&negotiation, &raw, &capture.error);
  if (code != FLYTEPLUG_OK) {
    std::string message =
        capture.message.empty() ? std::string("(no message)") : capture.message;
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
  module->abi_minor_ = negotiation.module_abi_minor;
  if (raw == nullptr) {
    return Violation(path, "entry returned OK with a NULL module descriptor");
  }

  flyteplug_module& d = module->descriptor_;
  if (absl::Status s = ReadSizedStruct(path, "flyteplug_module", raw, &d);
      !s.ok()) {
    return s;
  }
  if (d.abi_major != FLYTEPLUG_ABI_VERSION_MAJOR) {
    return AbiStatus(
        FLYTEPLUG_ABI_VERSION_MISMATCH,
        absl::StrCat("module ", path, ": flyteplug_module.abi_major is ",
                     d.abi_major, ", host speaks ",
                     FLYTEPLUG_ABI_VERSION_MAJOR));
  }
  if (d.reserved0 != 0) {
    return Violation(path, absl::StrCat("flyteplug_module.reserved0 is ",
                                        d.reserved0, ", must be 0"));
  }
  if ((d.flags & ~uint32_t{FLYTEPLUG_MODULE_UNLOADABLE}) != 0) {
    return Violation(path, absl::StrCat("flyteplug_module.flags has unknown "
                                        "bits 0x",
                                        absl::Hex(d.flags)));
  }
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
  module->id_ = d.id;
  if (!BoundedString(d.version, &module->version_) ||
      module->version_.empty()) {
    return Violation(path,
                     absl::StrCat("flyteplug_module.version of '", module->id_,
                                  "' is NULL, empty or too long"));
  }
  if (d.description != nullptr &&
      !BoundedString(d.description, &module->description_)) {
    return Violation(path, "flyteplug_module.description is too long");
  }

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
    module->claims_.push_back(std::move(claim));
  }

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
  seen.clear();
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
    module->config_sections_.push_back(std::move(name));
  }

  if (d.init == nullptr)
    return Violation(path, "flyteplug_module.init is NULL");
  if (d.deinit == nullptr) {
    return Violation(path, "flyteplug_module.deinit is NULL");
  }

  if (d.family == FLYTEPLUG_FAMILY_K8S_RESOURCE) {
    if (d.k8s == nullptr || d.webapi != nullptr) {
      return Violation(path,
                       absl::StrCat("flyteplug_module.family is ", d.family,
                                    " (k8s-resource): k8s must be set (is ",
                                    d.k8s == nullptr ? "NULL" : "set",
                                    ") and webapi NULL (is ",
                                    d.webapi == nullptr ? "NULL" : "set", ")"));
    }
    if (absl::Status s =
            ReadSizedStruct(path, "flyteplug_k8s_vtable", d.k8s, &module->k8s_);
        !s.ok()) {
      return s;
    }
    const flyteplug_k8s_vtable& v = module->k8s_;
    const char* missing = v.build_resource == nullptr ? "build_resource"
                          : v.build_identity_resource == nullptr
                              ? "build_identity_resource"
                          : v.get_task_phase == nullptr ? "get_task_phase"
                                                        : nullptr;
    if (missing != nullptr) {
      return Violation(path, absl::StrCat("flyteplug_k8s_vtable.", missing,
                                          " is NULL (struct_size ",
                                          d.k8s->struct_size, ")"));
    }
    module->has_k8s_ = true;
  } else if (d.family == FLYTEPLUG_FAMILY_WEB_API) {
    if (d.webapi == nullptr || d.k8s != nullptr) {
      return Violation(path,
                       absl::StrCat("flyteplug_module.family is ", d.family,
                                    " (web-api): webapi must be set (is ",
                                    d.webapi == nullptr ? "NULL" : "set",
                                    ") and k8s NULL (is ",
                                    d.k8s == nullptr ? "NULL" : "set", ")"));
    }
    if (absl::Status s = ReadSizedStruct(path, "flyteplug_webapi_vtable",
                                         d.webapi, &module->webapi_);
        !s.ok()) {
      return s;
    }
    const flyteplug_webapi_vtable& v = module->webapi_;
    const char* missing = v.create == nullptr            ? "create"
                          : v.get == nullptr             ? "get"
                          : v.delete_resource == nullptr ? "delete_resource"
                          : v.status == nullptr          ? "status"
                          : v.render_create_request == nullptr
                              ? "render_create_request"
                              : nullptr;
    if (missing != nullptr) {
      return Violation(path, absl::StrCat("flyteplug_webapi_vtable.", missing,
                                          " is NULL (struct_size ",
                                          d.webapi->struct_size, ")"));
    }
    module->has_webapi_ = true;
  } else {
    return Violation(path, absl::StrCat("flyteplug_module.family is ", d.family,
                                        ", expected 1 (k8s-resource) "
                                        "or 2 (web-api)"));
  }
  return module;
}

}  // namespace flyteplug::loader
