// An in-memory fake of the Kubernetes API server for connector tests: a
// KubeApi that stores objects and answers as the API server does (409 on a
// second create, 404 once deleted, finalizers keep a deleted object with
// metadata.deletionTimestamp until the last one is removed, a failed JSON
// Patch `test` op is refused). Tests can place objects, set a status and
// make the next call of an operation fail.
//
// THREADING: thread-safe.
#ifndef FLYTEPLUG_TESTS_CONNECTOR_FAKE_KUBE_API_H_
#define FLYTEPLUG_TESTS_CONNECTOR_FAKE_KUBE_API_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kube_api.h"

namespace flyteplug::testing {

class FakeKubeApi final : public kube::KubeApi {
 public:
  enum class Op { kCreate, kGet, kPatch, kDelete };

  explicit FakeKubeApi(std::string cluster_name = "fake-cluster")
      : cluster_name_(std::move(cluster_name)) {}

  absl::StatusOr<std::string> Create(const kube::ObjectRef& ref,
                                     absl::string_view object_json,
                                     const kube::CallControl& control) override;
  absl::StatusOr<std::string> Get(const kube::ObjectRef& ref,
                                  const kube::CallControl& control) override;
  absl::StatusOr<std::string> JsonPatch(
      const kube::ObjectRef& ref, absl::string_view patch_json,
      const kube::CallControl& control) override;
  absl::Status Delete(const kube::ObjectRef& ref,
                      const kube::CallControl& control) override;
  // Discovery is not faked: NOT_FOUND.
  absl::StatusOr<std::string> GetPath(
      absl::string_view path, const kube::CallControl& control) override;
  const std::string& cluster_name() const override { return cluster_name_; }

  // Test hooks.
  // Stores `object_json` at `ref` as is (replacing any object there).
  void Put(const kube::ObjectRef& ref, std::string object_json);
  // Sets the stored object's `status` to `status_json`. REQUIRES: it exists.
  void SetStatus(const kube::ObjectRef& ref, absl::string_view status_json);
  // The stored object, or nullopt.
  std::optional<std::string> Stored(const kube::ObjectRef& ref) const;
  size_t ObjectCount() const;
  // The next call of `op` returns `status` instead of running.
  void FailNext(Op op, absl::Status status);
  // How many calls of `op` were made (failed ones included).
  int Calls(Op op) const;
  // The control of the latest call. Its `cancelled` may refer to a gRPC
  // call that has ended: test whether it is set, do not call it.
  kube::CallControl LastControl() const;

 private:
  // The injected failure for `op`, if any (consumed); counts the call.
  std::optional<absl::Status> Begin(Op op, const kube::CallControl& control);
  // Erases the object at `key` when it is being deleted and has no
  // finalizers left. REQUIRES: mu_ held.
  void CollectIfFinalized(const std::string& key);

  const std::string cluster_name_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> objects_;  // by Key(ref)
  std::map<Op, absl::Status> failures_;
  std::map<Op, int> calls_;
  kube::CallControl last_control_;
  int resource_version_ = 0;
};

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_CONNECTOR_FAKE_KUBE_API_H_
