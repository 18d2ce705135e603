// Opens a module through the raw C ABI and calls its slots, recording
// everything the ABI contract says about each call.
#ifndef FLYTEPLUG_CONFORMANCE_MODULE_HARNESS_H_
#define FLYTEPLUG_CONFORMANCE_MODULE_HARNESS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "flyteplug/plugin.h"
#include "flyteplug/sdk/boundary/buffer.h"
#include "flyteplug/sdk/boundary/error_sink.h"
#include "test_host.h"

namespace flyteplug::conformance {

// A module opened with RTLD_NOW | RTLD_LOCAL. Never dlclosed: modules stay
// resident unless they declare otherwise, and the suite runs in a child.
struct OpenedModule {
  void* handle = nullptr;
  flyteplug_entry_v1_fn entry = nullptr;
};

absl::StatusOr<OpenedModule> OpenModule(const std::string& path);

// Opens the module and negotiates minors [0, FLYTEPLUG_ABI_VERSION_MINOR].
absl::StatusOr<const flyteplug_module*> LoadDescriptor(const std::string& path);

// An initialised instance, deinitialised on destruction.
class Instance {
 public:
  // init with `host` and `config_json` ("{}" for the suite).
  static absl::StatusOr<Instance> Create(const flyteplug_module* module,
                                         const TestHost& host,
                                         const std::string& config_json);
  Instance(Instance&& other) noexcept;
  Instance& operator=(Instance&&) = delete;
  ~Instance();

  flyteplug_instance* get() const { return instance_; }
  // Deinitialises now (idempotent).
  void Reset();

 private:
  Instance(const flyteplug_module* module, flyteplug_instance* instance)
      : module_(module), instance_(instance) {}
  const flyteplug_module* module_;
  flyteplug_instance* instance_;
};

// What a slot returns.
enum class OutputKind {
  kJson,       // a JSON document (manifests, render_create_request)
  kPhaseInfo,  // a serialized flyteplug.v1.PhaseInfo
  kOpaque,     // bytes only the module interprets (resource meta, resource)
  kNone,       // no output buffer (delete_resource)
};

// One call of one slot with fixed inputs. The inputs must outlive it.
struct SlotCall {
  std::string label;  // e.g. "build_resource(empty task_context)"
  OutputKind kind;
  std::function<flyteplug_status_code(flyteplug_buffer*, flyteplug_error*)>
      invoke;
  // OK is not an acceptable answer (e.g. resource_json that is no object).
  bool must_fail = false;
};

struct CallRecord {
  flyteplug_status_code code = FLYTEPLUG_OK;
  int error_set_calls = 0;
  flyteplug_status_code error_code = FLYTEPLUG_OK;
  std::string message;
  bool null_message = false;
  bool buffer_touched_on_error = false;
  bool missing_release = false;     // OK with release == NULL
  bool release_not_nulled = false;  // release still set after release()
  std::string output;               // copied before release
};

// Calls `call` once and releases the output once.
CallRecord Invoke(const SlotCall& call);

// The ABI rules every call must follow: a failure reports its code through
// the error sink exactly once with a non-empty message and leaves the output
// untouched; success does not call the sink and hands over a buffer with a
// release callback that NULLs itself. The message names `call.label`.
absl::Status CheckCallContract(const SlotCall& call, const CallRecord& record);

// Validates an OK output: JSON must parse (RFC 8259), a PhaseInfo must parse.
absl::Status CheckOutputWellFormed(const SlotCall& call,
                                   const CallRecord& record);

// True when two outputs of `kind` mean the same (JSON compared as values,
// PhaseInfo as messages, else bytes).
bool SameOutput(OutputKind kind, const std::string& a, const std::string& b);

// Readable name of a status code ("INVALID_ARGUMENT", "ABI_VERSION_MISMATCH").
std::string CodeName(flyteplug_status_code code);

// Bytes view of a string (the boundary kit's).
using sdk::boundary::BytesOf;

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_MODULE_HARNESS_H_
