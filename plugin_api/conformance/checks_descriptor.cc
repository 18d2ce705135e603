// descriptor-sane and family-slots: the static module descriptor.
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checks.h"
#include "flyteplug/plugin.h"
#include "module_harness.h"

namespace flyteplug::conformance {
namespace {

constexpr size_t kMaxString = 4096;

// The string at `s`, or an error naming `field` when NULL, unterminated
// within kMaxString bytes, or empty.
absl::StatusOr<std::string> Text(const char* s, const std::string& field) {
  if (s == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(field, " is NULL"));
  }
  size_t n = strnlen(s, kMaxString);
  if (n == kMaxString) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, " is longer than ", kMaxString, " bytes"));
  }
  if (n == 0) {
    return absl::FailedPreconditionError(absl::StrCat(field, " is empty"));
  }
  return std::string(s, n);
}

bool ValidId(const std::string& id) {
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return !id.empty();
}

}  // namespace

absl::StatusOr<std::string> CheckDescriptorSane(const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module& m = **loaded;
  auto fail = [](auto&&... parts) {
    return absl::FailedPreconditionError(
        absl::StrCat("descriptor: ", parts...));
  };

  if (m.struct_size < sizeof(flyteplug_module)) {
    return fail("struct_size ", m.struct_size, " is smaller than the v1 size ",
                sizeof(flyteplug_module));
  }
  if (m.abi_major != FLYTEPLUG_ABI_VERSION_MAJOR) {
    return fail("abi_major is ", m.abi_major, ", expected ",
                FLYTEPLUG_ABI_VERSION_MAJOR, " for ",
                FLYTEPLUG_ENTRY_SYMBOL_V1);
  }
  if (m.reserved0 != 0)
    return fail("reserved0 is ", m.reserved0, ", must be 0");
  if ((m.flags & ~uint32_t{FLYTEPLUG_MODULE_UNLOADABLE}) != 0) {
    return fail("flags 0x", absl::Hex(m.flags), " has unknown bits");
  }
  auto id = Text(m.id, "descriptor: id");
  if (!id.ok()) return id.status();
  if (!ValidId(*id)) {
    return fail("id \"", *id, "\" does not match [a-z0-9_.-]+");
  }
  auto version = Text(m.version, "descriptor: version");
  if (!version.ok()) return version.status();
  if (m.description != nullptr &&
      strnlen(m.description, kMaxString) == kMaxString) {
    return fail("description is longer than ", kMaxString, " bytes");
  }

  if (m.task_type_count == 0) return fail("task_type_count is 0");
  if (m.task_types == nullptr) {
    return fail("task_types is NULL with task_type_count ", m.task_type_count);
  }
  if (m.task_type_count > 1024) {
    return fail("task_type_count ", m.task_type_count, " is implausible");
  }
  std::set<std::string> seen;
  std::vector<std::string> names;
  for (uint32_t i = 0; i < m.task_type_count; ++i) {
    const flyteplug_task_type& t = m.task_types[i];
    auto name =
        Text(t.name, absl::StrCat("descriptor: task_types[", i, "].name"));
    if (!name.ok()) return name.status();
    if (!seen.insert(*name).second) {
      return fail("task type \"", *name, "\" is listed twice");
    }
    if ((t.flags & ~uint32_t{FLYTEPLUG_TASK_TYPE_OPT_IN}) != 0) {
      return fail("task_types[", i, "] (\"", *name, "\") flags 0x",
                  absl::Hex(t.flags), " has unknown bits");
    }
    names.push_back(*name);
  }

  if (m.config_section_count > 0 && m.config_sections == nullptr) {
    return fail("config_sections is NULL with config_section_count ",
                m.config_section_count);
  }
  if (m.config_section_count > 1024) {
    return fail("config_section_count ", m.config_section_count,
                " is implausible");
  }
  for (uint32_t i = 0; i < m.config_section_count; ++i) {
    auto section = Text(m.config_sections[i],
                        absl::StrCat("descriptor: config_sections[", i, "]"));
    if (!section.ok()) return section.status();
  }
  return absl::StrCat("id ", *id, " ", *version, ", task types ",
                      absl::StrJoin(names, ","));
}

absl::StatusOr<std::string> CheckFamilySlots(const std::string& path) {
  auto loaded = LoadDescriptor(path);
  if (!loaded.ok()) return loaded.status();
  const flyteplug_module& m = **loaded;
  std::vector<std::string> problems;
  if (m.init == nullptr) problems.push_back("init is NULL");
  if (m.deinit == nullptr) problems.push_back("deinit is NULL");

  if (m.family == FLYTEPLUG_FAMILY_K8S_RESOURCE) {
    if (m.webapi != nullptr) {
      problems.push_back("family K8S_RESOURCE but webapi is non-NULL");
    }
    if (m.k8s == nullptr) {
      problems.push_back("family K8S_RESOURCE but k8s is NULL");
    } else {
      const flyteplug_k8s_vtable& v = *m.k8s;
      if (v.struct_size < sizeof(flyteplug_k8s_vtable)) {
        problems.push_back(absl::StrCat("k8s.struct_size ", v.struct_size,
                                        " < v1 size ",
                                        sizeof(flyteplug_k8s_vtable)));
      }
      if (v.build_resource == nullptr)
        problems.push_back("k8s.build_resource is NULL");
      if (v.build_identity_resource == nullptr)
        problems.push_back("k8s.build_identity_resource is NULL");
      if (v.get_task_phase == nullptr)
        problems.push_back("k8s.get_task_phase is NULL");
    }
  } else if (m.family == FLYTEPLUG_FAMILY_WEB_API) {
    if (m.k8s != nullptr)
      problems.push_back("family WEB_API but k8s is non-NULL");
    if (m.webapi == nullptr) {
      problems.push_back("family WEB_API but webapi is NULL");
    } else {
      const flyteplug_webapi_vtable& v = *m.webapi;
      if (v.struct_size < sizeof(flyteplug_webapi_vtable)) {
        problems.push_back(absl::StrCat("webapi.struct_size ", v.struct_size,
                                        " < v1 size ",
                                        sizeof(flyteplug_webapi_vtable)));
      }
      if (v.create == nullptr) problems.push_back("webapi.create is NULL");
      if (v.get == nullptr) problems.push_back("webapi.get is NULL");
      if (v.delete_resource == nullptr)
        problems.push_back("webapi.delete_resource is NULL");
      if (v.status == nullptr) problems.push_back("webapi.status is NULL");
      if (v.render_create_request == nullptr)
        problems.push_back("webapi.render_create_request is NULL");
    }
  } else {
    problems.push_back(absl::StrCat(
        "family is ", m.family, ", neither K8S_RESOURCE (1) nor WEB_API (2)"));
  }
  if (!problems.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(problems, "; "));
  }
  return std::string(m.family == FLYTEPLUG_FAMILY_K8S_RESOURCE ? "K8S_RESOURCE"
                                                               : "WEB_API");
}

}  // namespace flyteplug::conformance
