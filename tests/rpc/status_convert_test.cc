#include "server/rpc/status_convert.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

TEST(StatusConvertTest, KeepsCodeAndMessage) {
  struct Case {
    absl::Status in;
    grpc::StatusCode code;
  } cases[] = {
      {absl::OkStatus(), grpc::StatusCode::OK},
      {absl::NotFoundError("m"), grpc::StatusCode::NOT_FOUND},
      {absl::PermissionDeniedError("m"), grpc::StatusCode::PERMISSION_DENIED},
      {absl::UnauthenticatedError("m"), grpc::StatusCode::UNAUTHENTICATED},
      {absl::FailedPreconditionError("m"),
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::AbortedError("m"), grpc::StatusCode::ABORTED},
      {absl::UnavailableError("m"), grpc::StatusCode::UNAVAILABLE},
      {absl::AlreadyExistsError("m"), grpc::StatusCode::ALREADY_EXISTS},
  };
  for (const Case& c : cases) {
    grpc::Status out = ToGrpcStatus(c.in);
    EXPECT_EQ(out.error_code(), c.code) << c.in;
    EXPECT_EQ(out.error_message(), c.in.message()) << c.in;
    EXPECT_EQ(out.error_details(), "") << c.in;
  }
}

TEST(StatusConvertTest, FieldViolationsBecomeBadRequestDetails) {
  absl::Status in = InvalidArgumentWithViolations(
      {{"referral.subject.date_of_birth", "must not be in the future"},
       {"referral.area", "is not a configured area"}});
  EXPECT_EQ(in.message(),
            "invalid fields: referral.subject.date_of_birth, referral.area");

  grpc::Status out = ToGrpcStatus(in);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(out.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad));
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "referral.subject.date_of_birth");
  EXPECT_EQ(bad.field_violations(0).description(), "must not be in the future");
  EXPECT_EQ(bad.field_violations(1).field(), "referral.area");
  EXPECT_EQ(bad.field_violations(1).description(), "is not a configured area");
}

TEST(StatusConvertTest, ViolationTextCannotBreakThePayload) {
  absl::Status in =
      InvalidArgumentWithViolations({{"a\tb", "line one\nline two"}});
  std::vector<FieldViolation> back = FieldViolations(in);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], (FieldViolation{"a b", "line one line two"}));
}

}  // namespace
}  // namespace safeguard
