// The connector protocol's deprecated fields, which flyteplug still reads and
// writes for older propellers. The one place that touches their (deprecated)
// generated accessors.
#ifndef FLYTEPLUG_CONNECTOR_DEPRECATED_FIELDS_H_
#define FLYTEPLUG_CONNECTOR_DEPRECATED_FIELDS_H_

#include <string>

#include "flyteidl/admin/agent.pb.h"

namespace flyteplug::connector {

// GetTaskRequest.task_type / DeleteTaskRequest.task_type (field 1).
const std::string& DeprecatedTaskType(
    const flyteidl::admin::GetTaskRequest& request);
const std::string& DeprecatedTaskType(
    const flyteidl::admin::DeleteTaskRequest& request);

// Resource.state (field 1).
void SetDeprecatedState(flyteidl::admin::State state,
                        flyteidl::admin::Resource* resource);
flyteidl::admin::State DeprecatedState(
    const flyteidl::admin::Resource& resource);

// Agent.supported_task_types (field 2).
void AddDeprecatedTaskType(const std::string& task_type,
                           flyteidl::admin::Agent* agent);
int DeprecatedTaskTypeCount(const flyteidl::admin::Agent& agent);
const std::string& DeprecatedTaskTypeAt(const flyteidl::admin::Agent& agent,
                                        int index);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_DEPRECATED_FIELDS_H_
