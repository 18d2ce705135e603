// How a failed loader or module call becomes a gRPC status (docs/connector.md,
// "Errors"), and the error_code label of the failure metric.
#ifndef FLYTEPLUG_CONNECTOR_ERROR_MAPPING_H_
#define FLYTEPLUG_CONNECTOR_ERROR_MAPPING_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace flyteplug::connector {

// Maps a non-OK status to the gRPC code the connector protocol's callers
// expect, keeping its message (loader and module messages never hold
// secrets, plugin.h):
//   INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE, RESOURCE_EXHAUSTED,
//   DEADLINE_EXCEEDED, PERMISSION_DENIED, UNAUTHENTICATED, CANCELLED and
//   UNIMPLEMENTED pass through; every other code (ABI codes included)
//   becomes INTERNAL. An OK status maps to OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The error_code label of flyte_connector_requests_failure_total: the HTTP
// status number flytekit writes (404 for NOT_FOUND, 500 for INTERNAL),
// extended to the other codes by gRPC's standard HTTP mapping
// (INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
// RESOURCE_EXHAUSTED 429, CANCELLED 499, UNIMPLEMENTED 501,
// UNAVAILABLE 503, DEADLINE_EXCEEDED 504, anything else 500).
std::string ErrorCodeLabel(grpc::StatusCode code);

// The canonical upper-case name of `code`, e.g. "NOT_FOUND" (for logs).
const char* GrpcCodeName(grpc::StatusCode code);

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_ERROR_MAPPING_H_
