// The TaskContext the SDK test module (sdk_test_module.cc) reads its mode
// from, shared by the tests in this directory.
#ifndef FLYTEPLUG_TESTS_SDK_SDK_TEST_CONTEXT_H_
#define FLYTEPLUG_TESTS_SDK_SDK_TEST_CONTEXT_H_

#include <string>

#include "flyteplug/v1/task_context.pb.h"

namespace flyteplug::sdk_test {

// A serialized TaskContext of type "sdk_test" whose generatedName is `mode`.
inline std::string Context(const std::string& mode) {
  flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type("sdk_test");
  context.mutable_metadata()->set_generated_name(mode);
  return context.SerializeAsString();
}

}  // namespace flyteplug::sdk_test

#endif  // FLYTEPLUG_TESTS_SDK_SDK_TEST_CONTEXT_H_
