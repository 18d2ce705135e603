#include "deprecated_fields.h"

// The accessors below are generated [[deprecated]]; using them is the point.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace flyteplug::connector {

const std::string& DeprecatedTaskType(
    const flyteidl::admin::GetTaskRequest& request) {
  return request.task_type();
}

const std::string& DeprecatedTaskType(
    const flyteidl::admin::DeleteTaskRequest& request) {
  return request.task_type();
}

void SetDeprecatedState(flyteidl::admin::State state,
                        flyteidl::admin::Resource* resource) {
  resource->set_state(state);
}

flyteidl::admin::State DeprecatedState(
    const flyteidl::admin::Resource& resource) {
  return resource.state();
}

void AddDeprecatedTaskType(const std::string& task_type,
                           flyteidl::admin::Agent* agent) {
  agent->add_supported_task_types(task_type);
}

int DeprecatedTaskTypeCount(const flyteidl::admin::Agent& agent) {
  return agent.supported_task_types_size();
}

const std::string& DeprecatedTaskTypeAt(const flyteidl::admin::Agent& agent,
                                        int index) {
  return agent.supported_task_types(index);
}

}  // namespace flyteplug::connector
