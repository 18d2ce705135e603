#include "error_mapping.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace flyteplug::connector {
namespace {

TEST(ErrorMappingTest, PassesTheProtocolsCodesThrough) {
  const std::vector<std::pair<absl::Status, grpc::StatusCode>> cases = {
      {absl::InvalidArgumentError("m"), grpc::StatusCode::INVALID_ARGUMENT},
      {absl::NotFoundError("m"), grpc::StatusCode::NOT_FOUND},
      {absl::UnavailableError("m"), grpc::StatusCode::UNAVAILABLE},
      {absl::ResourceExhaustedError("m"), grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::DeadlineExceededError("m"), grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::PermissionDeniedError("m"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::UnauthenticatedError("m"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::CancelledError("m"), grpc::StatusCode::CANCELLED},
      {absl::UnimplementedError("m"), grpc::StatusCode::UNIMPLEMENTED},
  };
  for (const auto& [in, want] : cases) {
    grpc::Status out = ToGrpcStatus(in);
    EXPECT_EQ(out.error_code(), want) << in;
    EXPECT_EQ(out.error_message(), "m") << in;
  }
}

TEST(ErrorMappingTest, EverythingElseIsInternalWithItsMessage) {
  for (const absl::Status& in :
       {absl::FailedPreconditionError("redirect"), absl::InternalError("x"),
        absl::UnknownError("u"), absl::AlreadyExistsError("a"),
        absl::DataLossError("d"), absl::OutOfRangeError("o"),
        absl::AbortedError("b")}) {
    grpc::Status out = ToGrpcStatus(in);
    EXPECT_EQ(out.error_code(), grpc::StatusCode::INTERNAL) << in;
    EXPECT_EQ(out.error_message(), in.message());
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(ErrorMappingTest, ErrorCodeLabelsAreHttpNumbers) {
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::NOT_FOUND), "404");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::INTERNAL), "500");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::INVALID_ARGUMENT), "400");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::UNAVAILABLE), "503");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::DEADLINE_EXCEEDED), "504");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::RESOURCE_EXHAUSTED), "429");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::PERMISSION_DENIED), "403");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::UNAUTHENTICATED), "401");
  EXPECT_EQ(ErrorCodeLabel(grpc::StatusCode::DATA_LOSS), "500");
}

TEST(ErrorMappingTest, CodeNames) {
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::NOT_FOUND), "NOT_FOUND");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::UNAUTHENTICATED),
               "UNAUTHENTICATED");
}

}  // namespace
}  // namespace flyteplug::connector
