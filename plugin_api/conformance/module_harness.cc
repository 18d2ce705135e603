#include "module_harness.h"

#include <dlfcn.h>

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/boundary/negotiation.h"
#include "flyteplug/v1/phase_info.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "sandbox.h"

namespace flyteplug::conformance {

absl::StatusOr<OpenedModule> OpenModule(const std::string& path) {
  // A bare file name would make dlopen search the library path instead of
  // opening the file the user named.
  const std::string file =
      path.find('/') == std::string::npos ? "./" + path : path;
  SetSandboxProgress("dlopen");
  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return absl::FailedPreconditionError(
        absl::StrCat("dlopen(RTLD_NOW | RTLD_LOCAL) failed: ",
                     why == nullptr ? "unknown error" : why));
  }
  dlerror();
  void* entry = dlsym(handle, FLYTEPLUG_ENTRY_SYMBOL_V1);
  if (entry == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the module does not export ", FLYTEPLUG_ENTRY_SYMBOL_V1));
  }
  OpenedModule opened;
  opened.handle = handle;
  opened.entry = reinterpret_cast<flyteplug_entry_v1_fn>(entry);
  return opened;
}

absl::StatusOr<const flyteplug_module*> LoadDescriptor(
    const std::string& path) {
  auto opened = OpenModule(path);
  if (!opened.ok()) return opened.status();
  flyteplug_negotiation negotiation = sdk::boundary::HostOffer();
  const flyteplug_module* module = nullptr;
  sdk::boundary::ErrorCapture capture;
  SetSandboxProgress("the entry function");
  flyteplug_status_code code =
      opened->entry(&negotiation, &module, capture.sink());
  if (code != FLYTEPLUG_OK) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the entry function refused minors [0, ", FLYTEPLUG_ABI_VERSION_MINOR,
        "] of major ", FLYTEPLUG_ABI_VERSION_MAJOR, ": ", CodeName(code), ": ",
        capture.message()));
  }
  if (module == nullptr) {
    return absl::FailedPreconditionError(
        "the entry function returned OK but no module descriptor");
  }
  return module;
}

absl::StatusOr<Instance> Instance::Create(const flyteplug_module* module,
                                          const TestHost& host,
                                          const std::string& config_json) {
  if (module->init == nullptr || module->deinit == nullptr) {
    return absl::FailedPreconditionError(
        "the descriptor has no init or no deinit");
  }
  flyteplug_init_args args{};
  args.struct_size = sizeof(args);
  args.host = host.api();
  args.config_json = sdk::boundary::BytesOf(config_json);
  flyteplug_instance* instance = nullptr;
  sdk::boundary::ErrorCapture capture;
  SetSandboxProgress(absl::StrCat("init(", config_json, ")"));
  flyteplug_status_code code = module->init(&args, &instance, capture.sink());
  if (code != FLYTEPLUG_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat("init with configuration ", config_json,
                     " failed: ", CodeName(code), ": ", capture.message()));
  }
  if (instance == nullptr) {
    return absl::FailedPreconditionError(
        "init returned OK but no instance (NULL)");
  }
  return Instance(module, instance);
}

Instance::Instance(Instance&& other) noexcept
    : module_(other.module_), instance_(other.instance_) {
  other.instance_ = nullptr;
}

Instance::~Instance() { Reset(); }

void Instance::Reset() {
  if (instance_ != nullptr) {
    SetSandboxProgress("deinit");
    module_->deinit(instance_);
  }
  instance_ = nullptr;
}

CallRecord Invoke(const SlotCall& call) {
  CallRecord record;
  flyteplug_buffer out;
  std::memset(&out, 0, sizeof(out));
  sdk::boundary::ErrorCapture capture;
  SetSandboxProgress(call.label);
  record.code = call.invoke(&out, capture.sink());
  record.error_set_calls = capture.calls();
  record.error_code = capture.code();
  record.message = capture.message();
  record.null_message = capture.null_message();
  if (record.code != FLYTEPLUG_OK) {
    flyteplug_buffer zero;
    std::memset(&zero, 0, sizeof(zero));
    record.buffer_touched_on_error = std::memcmp(&out, &zero, sizeof(out)) != 0;
    return record;  // never release what an error path left behind
  }
  if (call.kind == OutputKind::kNone) return record;
  if (out.data != nullptr && out.size > 0) {
    record.output.assign(reinterpret_cast<const char*>(out.data), out.size);
  }
  if (out.release == nullptr) {
    record.missing_release = true;
    return record;
  }
  out.release(&out);
  record.release_not_nulled = out.release != nullptr;
  return record;
}

absl::Status CheckCallContract(const SlotCall& call, const CallRecord& r) {
  auto fail = [&](absl::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat(call.label, " returned ", CodeName(r.code), ": ", what));
  };
  if (r.code != FLYTEPLUG_OK) {
    if (r.error_set_calls == 0) {
      return fail("no message was reported through the error sink");
    }
    if (r.error_set_calls > 1) {
      return fail(absl::StrCat("the error sink was called ", r.error_set_calls,
                               " times (once expected)"));
    }
    if (r.error_code != r.code) {
      return fail(absl::StrCat("the error sink got a different code, ",
                               CodeName(r.error_code)));
    }
    if (r.null_message) return fail("the error message pointer was NULL");
    if (r.message.empty()) return fail("the error message was empty");
    if (r.buffer_touched_on_error) {
      return fail("the output buffer was written on an error path");
    }
    return absl::OkStatus();
  }
  if (r.error_set_calls != 0) {
    return fail(absl::StrCat("the error sink was called (code ",
                             CodeName(r.error_code), ") on success"));
  }
  if (r.missing_release) {
    return fail("the owned output buffer has no release callback");
  }
  if (r.release_not_nulled) {
    return fail(
        "release() left buffer->release non-NULL (Arrow rule: release once, "
        "then NULL), so a consumer would release it twice");
  }
  return absl::OkStatus();
}

absl::Status CheckOutputWellFormed(const SlotCall& call, const CallRecord& r) {
  if (r.code != FLYTEPLUG_OK) return absl::OkStatus();
  if (call.kind == OutputKind::kJson) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(r.output.data(), r.output.size());
    if (doc.HasParseError()) {
      return absl::FailedPreconditionError(
          absl::StrCat(call.label, " returned OK but its output is not JSON (",
                       rapidjson::GetParseError_En(doc.GetParseError()),
                       " at offset ", doc.GetErrorOffset(), ")"));
    }
  } else if (call.kind == OutputKind::kPhaseInfo) {
    flyteplug::v1::PhaseInfo phase;
    if (!phase.ParseFromString(r.output)) {
      return absl::FailedPreconditionError(
          absl::StrCat(call.label,
                       " returned OK but its output is not a serialized "
                       "flyteplug.v1.PhaseInfo (",
                       r.output.size(), " bytes)"));
    }
  }
  return absl::OkStatus();
}

bool SameOutput(OutputKind kind, const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (kind == OutputKind::kJson) {
    rapidjson::Document da, db;
    da.Parse<rapidjson::kParseIterativeFlag>(a.data(), a.size());
    db.Parse<rapidjson::kParseIterativeFlag>(b.data(), b.size());
    if (da.HasParseError() || db.HasParseError()) return false;
    return da == db;  // object members compared regardless of order
  }
  if (kind == OutputKind::kPhaseInfo) {
    flyteplug::v1::PhaseInfo pa, pb;
    if (!pa.ParseFromString(a) || !pb.ParseFromString(b)) return false;
    return google::protobuf::util::MessageDifferencer::Equals(pa, pb);
  }
  return false;
}

std::string CodeName(flyteplug_status_code code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  if (code >= 0 && code <= 16) return kNames[code];
  switch (code) {
    case FLYTEPLUG_ABI_VERSION_MISMATCH:
      return "ABI_VERSION_MISMATCH";
    case FLYTEPLUG_ABI_STRUCT_TOO_NEW:
      return "ABI_STRUCT_TOO_NEW";
    case FLYTEPLUG_ABI_CONTRACT_VIOLATION:
      return "ABI_CONTRACT_VIOLATION";
    default:
      return absl::StrCat("code ", code);
  }
}

}  // namespace flyteplug::conformance
