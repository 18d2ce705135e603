// Opening one module file: dlopen, the entry symbol, ABI negotiation and
// descriptor validation.
#ifndef FLYTEPLUG_LOADER_SRC_MODULE_FILE_H_
#define FLYTEPLUG_LOADER_SRC_MODULE_FILE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flyteplug/plugin.h"

namespace flyteplug::loader {

struct TaskTypeClaim {
  std::string name;
  bool opt_in = false;
};

// A dlopened, negotiated and validated module (not yet initialised).
// OWNERSHIP: owns the dlopen handle; the destructor dlcloses it only when the
// module declared FLYTEPLUG_MODULE_UNLOADABLE (otherwise the code stays
// mapped for the life of the process; docs/design.md, "ABI rules").
// THREADING: immutable after LoadModuleFile returns.
class ModuleFile {
 public:
  ~ModuleFile();
  ModuleFile(const ModuleFile&) = delete;
  ModuleFile& operator=(const ModuleFile&) = delete;

  const std::string& path() const { return path_; }
  uint32_t abi_minor() const { return abi_minor_; }
  // The descriptor as this loader knows it (missing tail zero-filled).
  const flyteplug_module& descriptor() const { return descriptor_; }
  // Copies of the descriptor's vtable (missing tail zero-filled); exactly the
  // one of the module's family is set.
  const flyteplug_k8s_vtable* k8s() const { return has_k8s_ ? &k8s_ : nullptr; }
  const flyteplug_webapi_vtable* webapi() const {
    return has_webapi_ ? &webapi_ : nullptr;
  }
  const std::string& id() const { return id_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  const std::vector<TaskTypeClaim>& claims() const { return claims_; }
  const std::vector<std::string>& config_sections() const {
    return config_sections_;
  }
  bool unloadable() const {
    return (descriptor_.flags & FLYTEPLUG_MODULE_UNLOADABLE) != 0;
  }

 private:
  friend absl::StatusOr<std::unique_ptr<ModuleFile>> LoadModuleFile(
      const std::string& path);
  ModuleFile() = default;

  std::string path_;
  void* handle_ = nullptr;
  uint32_t abi_minor_ = 0;
  flyteplug_module descriptor_{};
  bool has_k8s_ = false;
  bool has_webapi_ = false;
  flyteplug_k8s_vtable k8s_{};
  flyteplug_webapi_vtable webapi_{};
  std::string id_;
  std::string version_;
  std::string description_;
  std::vector<TaskTypeClaim> claims_;
  std::vector<std::string> config_sections_;
};

// Loads `path` with RTLD_NOW | RTLD_LOCAL, resolves flyteplug_module_entry_v1,
// negotiates (host major 1, minors 0..FLYTEPLUG_ABI_VERSION_MINOR) and
// validates the descriptor. Every error names the file and the field, with
// both values where there are two:
//  - dlopen failure or missing entry symbol: ABI_CONTRACT_VIOLATION (with
//    dlerror());
//  - version disagreement: ABI_VERSION_MISMATCH;
//  - descriptor/vtable tail unknown and non-zero: ABI_STRUCT_TOO_NEW;
//  - any other descriptor defect: ABI_CONTRACT_VIOLATION;
//  - an error the entry function reports: its code and message.
absl::StatusOr<std::unique_ptr<ModuleFile>> LoadModuleFile(
    const std::string& path);

// True if `id` matches [a-z0-9_.-]+.
bool IsValidModuleId(const char* id);

}  // namespace flyteplug::loader

#endif  // FLYTEPLUG_LOADER_SRC_MODULE_FILE_H_
