// No plaintext at rest: a canary written through the real server never
// appears in the database file or its WAL, and the file is not a plain
// SQLite file.
#include <fstream>

#include "gtest/gtest.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::ReadFileOrEmpty;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kAgencyCanary[] = "canary-agency-7f3a9e2b51";
constexpr char kPrincipalCanary[] = "canary-person-c41d08e6aa";

void ExpectNoCanary(const std::string& bytes, const std::string& what) {
  EXPECT_EQ(bytes.find(kAgencyCanary), std::string::npos) << what;
  EXPECT_EQ(bytes.find(kPrincipalCanary), std::string::npos) << what;
  EXPECT_NE(bytes.substr(0, 16), std::string("SQLite format 3\0", 16)) << what;
}

TEST(AtRestTest, CanaryNeverReachesTheDiskInPlaintext) {
  TempDir dir;
  TestPki pki(dir.path());
  ServerConfig config = TestServerConfig(dir, pki);
  // The shipped policy, plus a grant for the canary identity.
  const std::string policy = dir.File("policy.textproto");
  std::ofstream(policy) << ReadFileOrEmpty(config.policy_file())
                        << "\ngrants { agency: \"" << kAgencyCanary
                        << "\" roles: \"referrer\" }\n";
  config.set_policy_file(policy);
  const std::string db = DatabasePath(config);
  auto server = SafeguardServer::Start(config);
  ASSERT_TRUE(server.ok()) << server.status();

  auto channel = TestChannel((*server)->port(), pki.ca_file(),
                             pki.IssueIdentity(kAgencyCanary,
                                               std::string("person/") +
                                                   kPrincipalCanary));
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    v1::GetServerInfoResponse info;
    grpc::Status s = v1::ServerInfo::NewStub(channel)->GetServerInfo(
        &context, v1::GetServerInfoRequest(), &info);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(info.caller().agency(), kAgencyCanary);
  }

  // While the server runs the writes sit in the WAL: scan both files.
  std::string wal = ReadFileOrEmpty(db + "-wal");
  ASSERT_GT(wal.size(), 4096u);
  EXPECT_EQ(wal.find(kAgencyCanary), std::string::npos);
  EXPECT_EQ(wal.find(kPrincipalCanary), std::string::npos);
  ExpectNoCanary(ReadFileOrEmpty(db), "database while running");

  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  std::string bytes = ReadFileOrEmpty(db);
  ASSERT_GT(bytes.size(), 4096u);
  ExpectNoCanary(bytes, "database after shutdown");
  EXPECT_EQ(ReadFileOrEmpty(db + "-wal"), "");
}

}  // namespace
}  // namespace safeguard
