// Integration: requests whose bytes do not decode as the method's request
// message, sent through the real server (in-process, test PKI, a fresh
// SQLCipher file) with a generic stub. gRPC's callback layer answers them
// with UNIMPLEMENTED and no message before any handler runs (README: the
// audit log); the client library says what that means, and the server
// keeps serving.
#include <chrono>
#include <string>

#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "safeguard/client/client.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::ConnectedTestChannel;
using ::safeguard::testing::Context;
using ::safeguard::testing::NrmSubmission;
using ::safeguard::testing::RawCall;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

// A varint that never ends: no protobuf message decodes from it.
const std::string kUndecodable("\xff\xff\xff\xff", 4);

class UndecodableRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = ConnectedTestChannel(server_->port(), pki_.ca_file(),
                                    pki_.IssueIdentity("suffolk-police",
                                                       "system/athena"));
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(UndecodableRequestTest, IsUnimplementedWithNoMessageAndTheServerKeepsServing) {
  for (const char* method :
       {"/safeguard.v1.Referrals/SubmitReferral",
        "/safeguard.v1.Referrals/GetReferral",
        "/safeguard.v1.Referrals/WatchReferrals",
        "/safeguard.v1.Audit/ListAuditEntries",
        "/safeguard.v1.Audit/ExportAuditLog"}) {
    grpc::Status s = RawCall(channel_, method, kUndecodable);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
    EXPECT_EQ(s.error_message(), "") << method;
  }

  // The same channel and server still work.
  auto stub = v1::Referrals::NewStub(channel_);
  v1::SubmitReferralRequest submit;
  submit.set_request_id("after-garbage");
  *submit.mutable_referral() = NrmSubmission();
  v1::Referral created;
  grpc::Status s = stub->SubmitReferral(Context().get(), submit, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::GetReferralRequest get;
  get.set_name(created.name());
  v1::Referral read;
  s = stub->GetReferral(Context().get(), get, &read);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(read.name(), created.name());
  // And a well-formed request that the handlers refuse is INVALID_ARGUMENT.
  get.set_name("not-a-name");
  EXPECT_EQ(stub->GetReferral(Context().get(), get, &read).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(DescribeErrorTest, SaysUnimplementedWithNoMessageMayBeAnUndecodableRequest) {
  EXPECT_EQ(DescribeError(absl::UnimplementedError("")),
            "UNIMPLEMENTED: the server could not decode the request (or does "
            "not have this method)\n");
  EXPECT_EQ(DescribeError(absl::UnimplementedError("not yet")),
            "UNIMPLEMENTED: not yet\n");
}

}  // namespace
}  // namespace safeguard
