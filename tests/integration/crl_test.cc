// A CRL folder turns revocation on for every CA, or the server does not
// start: each way gRPC would silently skip a CA's revocation check (a
// misnamed, foreign, unsigned, unparseable or expired CRL, or none for an
// intermediate) stops start-up naming the folder, the CA and what it lacks.
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::CrlOptions;
using ::safeguard::testing::IsOk;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

CrlOptions Crl(void (*set)(CrlOptions&)) {
  CrlOptions options;
  set(options);
  return options;
}

absl::StatusOr<std::unique_ptr<SafeguardServer>> StartWithCrls(
    const TempDir& dir, const TestPki& pki) {
  ServerConfig config = TestServerConfig(dir, pki);
  config.mutable_tls()->set_crl_dir(pki.crl_dir());
  return SafeguardServer::Start(config);
}

TEST(CrlFolderTest, EachWayRevocationWouldBeSkippedStopsStartUp) {
  struct Case {
    const char* name;
    // Fills the CRL folder; returns the expected error after "CA ".
    std::string (*prepare)(TestPki& pki, const std::string& dir);
  } cases[] = {
      {"misnamed",
       [](TestPki& pki, const std::string&) {
         pki.WriteCrl(Crl([](CrlOptions& o) { o.file_name = "test-ca.crl"; }));
         return absl::StrCat("\"CN=test-ca\" lacks a CRL named ",
                             pki.CrlFileName(),
                             " (its subject hash, as OpenSSL looks it up)");
       }},
      {"from another CA",
       [](TestPki& pki, const std::string& dir) {
         TestPki other(dir, "other-ca");
         std::filesystem::copy_file(other.WriteCrl(CrlOptions()),
                                    pki.crl_dir() + "/" + pki.CrlFileName());
         return absl::StrCat("\"CN=test-ca\" lacks a CRL it issued: ",
                             pki.CrlFileName(), " is issued by \"CN=other-ca\"");
       }},
      {"signed with another key",
       [](TestPki& pki, const std::string&) {
         pki.WriteCrl(Crl([](CrlOptions& o) { o.foreign_key = true; }));
         return absl::StrCat("\"CN=test-ca\" lacks a CRL it signed: ",
                             pki.CrlFileName(),
                             " does not carry its signature");
       }},
      {"not a CRL",
       [](TestPki& pki, const std::string&) {
         std::ofstream(pki.crl_dir() + "/" + pki.CrlFileName())
             << "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n"
                "-----END X509 CRL-----\n";
         return absl::StrCat("\"CN=test-ca\" lacks a parseable CRL: ",
                             pki.CrlFileName(), " is not a PEM CRL");
       }},
      {"expired",
       [](TestPki& pki, const std::string&) {
         pki.WriteCrl(Crl([](CrlOptions& o) { o.expired = true; }));
         return absl::StrCat("\"CN=test-ca\" lacks a current CRL: ",
                             pki.CrlFileName(), " expired at ");
       }},
      {"an intermediate without its CRL",
       [](TestPki& pki, const std::string&) {
         pki.AddIntermediateCa("test-intermediate");
         pki.WriteCrl();
         return absl::StrCat("\"CN=test-intermediate\" lacks a CRL named ",
                             pki.CrlFileName(1),
                             " (its subject hash, as OpenSSL looks it up)");
       }},
  };
  for (const Case& c : cases) {
    TempDir dir;
    TestPki pki(dir.path());
    const std::string expected = absl::StrCat(
        "CRL folder ", pki.crl_dir(), ": CA ", c.prepare(pki, dir.path()));
    EXPECT_THAT(StartWithCrls(dir, pki),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         ::testing::StartsWith(expected)))
        << c.name;
    // The database was not touched.
    EXPECT_FALSE(std::filesystem::exists(dir.File("data/safeguard.db")))
        << c.name;
  }
}

TEST(CrlFolderTest, AnExpiredCrlIsNamedWithItsNextUpdate) {
  TempDir dir;
  TestPki pki(dir.path());
  pki.WriteCrl(Crl([](CrlOptions& o) { o.expired = true; }));
  EXPECT_THAT(
      StartWithCrls(dir, pki),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               ::testing::MatchesRegex(
                   ".* expired at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z")));
}

TEST(CrlFolderTest, WithEveryCaCoveredARevokedClientIsRefused) {
  TempDir dir;
  TestPki pki(dir.path());
  pki.AddIntermediateCa("test-intermediate");
  CertFiles good = pki.IssueIdentity("suffolk-police", "system/good");
  CertFiles revoked = pki.IssueIdentity("suffolk-police", "system/revoked");
  pki.Revoke(revoked);
  pki.WriteCrl(Crl([](CrlOptions& o) { o.ca = 1; }));
  auto server = StartWithCrls(dir, pki);
  ASSERT_THAT(server, IsOk());
  auto call = [&](const CertFiles& who) {
    v1::GetServerInfoResponse out;
    return v1::ServerInfo::NewStub(
               TestChannel((*server)->port(), pki.ca_file(), who))
        ->GetServerInfo(testing::Context().get(), {}, &out)
        .error_code();
  };
  EXPECT_EQ(call(revoked), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(call(good), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace safeguard
