// The Kubernetes API operations the connector needs to run a k8s-resource
// module's objects (create, read, patch, delete one namespaced object), as an
// interface: RestClient (rest_client.h) speaks to a real API server over
// HTTPS; tests substitute an in-memory fake.
//
// Objects travel as JSON text exactly as the API server reads and writes
// them. Errors are absl::Status with the API server's own reason in the
// message (never a credential):
//   NOT_FOUND          404 (the object, its namespace or its resource type)
//   ALREADY_EXISTS     409 AlreadyExists on Create
//   ABORTED            409 Conflict on Patch (a stale resourceVersion)
//   PERMISSION_DENIED  403 (RBAC); UNAUTHENTICATED 401
//   INVALID_ARGUMENT   400 and 422 (the server refused the object)
//   UNAVAILABLE        429, 5xx and connection failures still failing when
//                      the retry budget or the call's deadline ran out
//   DEADLINE_EXCEEDED  the call's deadline passed; CANCELLED the caller went
#ifndef FLYTEPLUG_KUBE_KUBE_API_H_
#define FLYTEPLUG_KUBE_KUBE_API_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace flyteplug::kube {

// Where one object lives: /api/{version}/namespaces/{namespace}/{resource}/
// {name} for the core group (group empty), else /apis/{group}/{version}/
// namespaces/{namespace}/{resource}/{name}. `resource` is the lower-case
// plural REST name ("sparkapplications", "jobs").
struct ObjectRef {
  std::string group;
  std::string version;
  std::string resource;
  std::string namespace_name;
  std::string name;
};

// One call's budget: no attempt starts after `deadline`, and `cancelled`
// (may be empty; polled on the calling thread) aborts waits and transfers.
struct CallControl {
  absl::Time deadline = absl::InfiniteFuture();
  std::function<bool()> cancelled;
};

// THREADING: implementations are thread-safe; calls may run concurrently.
class KubeApi {
 public:
  virtual ~KubeApi() = default;

  // POST `object_json` to the collection of `ref` (ref.name must equal the
  // object's metadata.name). Returns the object as the server stored it.
  virtual absl::StatusOr<std::string> Create(const ObjectRef& ref,
                                             absl::string_view object_json,
                                             const CallControl& control) = 0;

  // GET the object. Returns its JSON.
  virtual absl::StatusOr<std::string> Get(const ObjectRef& ref,
                                          const CallControl& control) = 0;

  // PATCH the object with a JSON Patch (RFC 6902,
  // application/json-patch+json). Returns the patched object.
  virtual absl::StatusOr<std::string> JsonPatch(const ObjectRef& ref,
                                                absl::string_view patch_json,
                                                const CallControl& control) = 0;

  // DELETE the object with propagationPolicy=Background.
  virtual absl::Status Delete(const ObjectRef& ref,
                              const CallControl& control) = 0;

  // GET an arbitrary API path ("/apis/batch/v1"), for discovery. Returns the
  // body.
  virtual absl::StatusOr<std::string> GetPath(absl::string_view path,
                                              const CallControl& control) = 0;

  // A stable, non-secret name of the cluster this client talks to (the
  // kubeconfig cluster name, or "in-cluster"), recorded in resource_meta.
  virtual const std::string& cluster_name() const = 0;
};

}  // namespace flyteplug::kube

#endif  // FLYTEPLUG_KUBE_KUBE_API_H_
