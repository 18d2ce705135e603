// The ABI's messages as a module sees them.
//
// A module decodes and encodes the protobuf messages that cross the ABI with
// code that lives inside the module: the target flyteplug::abi_proto (linked
// by flyteplug::sdk) holds lite-runtime code generated from the public schema
// moved into package flyteplug.abi.* (flyteidl.core.TaskTemplate becomes
// flyteplug::abi::flyteidl::core::TaskTemplate, google.protobuf.Struct
// becomes flyteplug::abi::google::protobuf::Struct). The messages are
// wire-identical to the public ones; only the bytes cross the ABI, so a
// module keeps working when the host's schema gains fields.
//
// Never link libflyteplug_proto (the host's full-runtime code) into a
// module. See docs/module-authors.md, "Messages and schema evolution".
#ifndef FLYTEPLUG_SDK_MESSAGES_H_
#define FLYTEPLUG_SDK_MESSAGES_H_

#include "flyteplug/abi/flyteidl/core/execution.pb.h"
#include "flyteplug/abi/flyteidl/core/identifier.pb.h"
#include "flyteplug/abi/flyteidl/core/literals.pb.h"
#include "flyteplug/abi/flyteidl/core/security.pb.h"
#include "flyteplug/abi/flyteidl/core/tasks.pb.h"
#include "flyteplug/abi/flyteidl/plugins/spark.pb.h"
#include "flyteplug/abi/flyteplug/v1/phase.pb.h"
#include "flyteplug/abi/flyteplug/v1/phase_info.pb.h"
#include "flyteplug/abi/flyteplug/v1/task_context.pb.h"
#include "flyteplug/abi/google/protobuf/duration.pb.h"
#include "flyteplug/abi/google/protobuf/struct.pb.h"
#include "flyteplug/abi/google/protobuf/timestamp.pb.h"
#include "flyteplug/abi/google/protobuf/wrappers.pb.h"

namespace flyteplug::sdk {

// What the host sends and receives.
using TaskContext = ::flyteplug::abi::flyteplug::v1::TaskContext;
using TaskExecutionMetadata =
    ::flyteplug::abi::flyteplug::v1::TaskExecutionMetadata;
using PhaseInfo = ::flyteplug::abi::flyteplug::v1::PhaseInfo;
using Phase = ::flyteplug::abi::flyteplug::v1::Phase;
using TaskTemplate = ::flyteplug::abi::flyteidl::core::TaskTemplate;
using ExecutionError = ::flyteplug::abi::flyteidl::core::ExecutionError;
using TaskLog = ::flyteplug::abi::flyteidl::core::TaskLog;
using SparkJob = ::flyteplug::abi::flyteidl::plugins::SparkJob;

// google.protobuf.Struct and friends, as carried in TaskTemplate.custom,
// PhaseInfo.custom_info and the like.
using Struct = ::flyteplug::abi::google::protobuf::Struct;
using Value = ::flyteplug::abi::google::protobuf::Value;
using ListValue = ::flyteplug::abi::google::protobuf::ListValue;

}  // namespace flyteplug::sdk

#endif  // FLYTEPLUG_SDK_MESSAGES_H_
