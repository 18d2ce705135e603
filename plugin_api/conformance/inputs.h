// The inputs the suite feeds to modules: a minimal valid TaskContext and the
// hostile byte strings, plus the slot calls built from them.
#ifndef FLYTEPLUG_CONFORMANCE_INPUTS_H_
#define FLYTEPLUG_CONFORMANCE_INPUTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flyteplug/plugin.h"
#include "module_harness.h"

namespace flyteplug::conformance {

// A serialized flyteplug.v1.TaskContext: a container task of `task_type` with
// execution metadata, IO paths and a Spark-style `custom` (modules ignore
// keys they do not know).
absl::StatusOr<std::string> MinimalTaskContext(const std::string& task_type);

// A JSON object a Kubernetes-resource module can be asked to map to a phase.
std::string MinimalResourceJson();

// The observed object to pass to get_task_phase/status: for a
// Kubernetes-resource module, its own identity resource (apiVersion, kind)
// with metadata and an empty status added; otherwise MinimalResourceJson().
std::string ObservedResourceJson(const flyteplug_module* module,
                                 flyteplug_instance* instance,
                                 const std::string& context);

struct HostileInput {
  std::string label;  // e.g. "1 MiB of random bytes"
  std::string bytes;
  bool null_data = false;  // pass {NULL, 0}
  // A JSON object (possibly with wrong field types): the only kind of
  // resource_json a Kubernetes-resource module may accept.
  bool json_object = false;
};

// Hostile task contexts: empty, NULL with size 0, `valid` truncated, 1 MiB
// of random bytes (fixed seed).
std::vector<HostileInput> HostileTaskContexts(const std::string& valid);

// Hostile resources (JSON or opaque): the same plus invalid JSON, a JSON
// array, and JSON nested 100000 levels deep.
std::vector<HostileInput> HostileResources();

// The slot calls that do no I/O, with valid inputs: build_resource,
// build_identity_resource, get_task_phase (k8s) or render_create_request,
// status (web API). Slots that are NULL are skipped. `context` and
// `resource` must outlive the calls.
std::vector<SlotCall> ValidNoIoCalls(const flyteplug_module* module,
                                     flyteplug_instance* instance,
                                     const std::string& context,
                                     const std::string& resource);

// Every slot that takes bytes, once per hostile input in each byte argument
// (the other argument valid). Web-API create/get/delete are included: they
// must reject bad input before any I/O. `valid_context`, `contexts` and
// `resources` must outlive the calls.
std::vector<SlotCall> HostileCalls(const flyteplug_module* module,
                                   flyteplug_instance* instance,
                                   const std::string& valid_context,
                                   const std::vector<HostileInput>& contexts,
                                   const std::vector<HostileInput>& resources);

}  // namespace flyteplug::conformance

#endif  // FLYTEPLUG_CONFORMANCE_INPUTS_H_
