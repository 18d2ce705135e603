// Translates a container task into a Kubernetes batch/v1 Job.
#ifndef FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_MANIFEST_H_
#define FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_MANIFEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "job_config.h"

namespace k8s_job {

// Builds the Job object for `context`:
//  - metadata: name = metadata.generatedName, namespace, labels, annotations;
//  - spec.backoffLimit 0 (Flyte owns retries), activeDeadlineSeconds from
//    taskTemplate.metadata.timeout, ttlSecondsAfterFinished from `config`;
//  - spec.template: same labels/annotations, restartPolicy Never,
//    serviceAccountName (metadata.securityContext.runAs.k8sServiceAccount,
//    else metadata.k8sServiceAccount, else the configured default) and one
//    container "job" with the task's image (or overrides.containerImage),
//    command, args with {{.Input}}-style templates rendered, env
//    (container env, then metadata.environmentVariables) and resources
//    (overrides.resources when set, else the container's).
// Returns InvalidArgument naming the field when the task has no container,
// no image, no generatedName, or an unknown resource name.
// Pure function; thread-safe.
absl::StatusOr<flyteplug::abi::google::protobuf::Struct> BuildJob(
    const flyteplug::abi::flyteplug::v1::TaskContext& context,
    const JobConfig& config);

// The identity object: {"apiVersion":"batch/v1","kind":"Job"}.
flyteplug::abi::google::protobuf::Struct JobIdentity();

// Serializes a Struct to compact JSON. Returns Internal if protobuf refuses.
absl::StatusOr<std::string> ToJson(
    const flyteplug::abi::google::protobuf::Struct& object);

}  // namespace k8s_job

#endif  // FLYTEPLUG_EXAMPLES_THIRD_PARTY_JOB_JOB_MANIFEST_H_
