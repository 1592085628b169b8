// Integration: the Connect (HTTPS) listener called by a client nobody here
// wrote. The real server (in-process SafeguardServer, gRPC and HTTPS both
// on 127.0.0.1 port 0, test PKI, a fresh SQLCipher file, the shipped
// policy) is called by tests/interop/interop.mjs, which uses the Connect
// project's Node.js client (@connectrpc/connect-node) with code that
// tests/interop/generate.sh makes from proto/ with protoc-gen-es: unary
// calls, errors with google.rpc.BadRequest details and a server-streaming
// watch, in JSON and in binary. The Node.js packages come from
// tests/interop/package-lock.json (`npm ci` in that folder; deploy/test.sh
// runs it before ctest).
//
// The server's side of this test is `http_listen_address` in ServerConfig
// (the HTTPS listener's host:port, port 0 picks one; unset, no listener)
// and SafeguardServer::http_port() (the port chosen).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

#ifndef SAFEGUARD_INTEROP_DIR
#error "SAFEGUARD_INTEROP_DIR (the tests/interop folder) must be defined"
#endif

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::CertFiles;
using ::safeguard::testing::Context;
using ::safeguard::testing::RunProgram;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

// Identities granted in policy/partnership.textproto: a referrer, who sees
// its own referrals' status, and a Channel panel role, who sees every
// Channel referral in full.
constexpr char kReferrerAgency[] = "probation-service";
constexpr char kReferrerPrincipal[] = "system/ndelius";
constexpr char kWatcherAgency[] = "suffolk-county-council";
constexpr char kWatcherPrincipal[] = "person/channel-chair";

// What interop.mjs observes in each format, against a fresh database: the
// caller as the certificate says; a Channel referral submitted and read
// back through the referrer's view (status only); NOT_FOUND for a missing
// name; INVALID_ARGUMENT naming every bad field in a BadRequest; a watch
// that says it is live before it sends anything, then delivers another
// identity's submission through the watcher's view, and ends as cancelled
// when the client aborts it. References run on across both formats.
std::string Expected(const std::string& first, const std::string& second) {
  return absl::StrCat(
      R"({"server_info":{"agency":"probation-service",)",
      R"("principal":"system/ndelius","certificate_sha256_matches":true,)",
      R"("has_server_version":true},)",
      R"("submit":{"kind":"CHANNEL","state":"RECEIVED","version":1,)",
      R"("referring_agency":"probation-service","referrer":"system/ndelius",)",
      R"("reference":"CHA-YYYY-)", first, R"(","has_name":true},)",
      R"("get":{"same_name":true,"same_reference":true,"state":"RECEIVED",)",
      R"("subjects":0,"form":null},)",
      R"("get_missing":{"code":"NotFound","message":"referral not found"},)",
      R"("bad_submit":{"code":"InvalidArgument","fields":["request_id",)",
      R"("referral.area","referral.subjects[0].date_of_birth",)",
      R"("referral.target_hardening.address.lines",)",
      R"("referral.target_hardening.address.postcode"],"all_described":true},)",
      R"("watch":{"safeguard_watch":"live","event":{"type":"CREATED",)",
      R"("same_name":true,"reference":"CHA-YYYY-)", second,
      R"(","area":"babergh","subject":"Jo Example","form":"channel"},)",
      R"("after_abort":"Canceled"}})");
}

std::string ExpectedLine() {
  return absl::StrCat(R"({"json":)", Expected("000001", "000002"),
                      R"(,"binary":)", Expected("000003", "000004"), "}");
}

// The last non-empty line of `output` (node may warn on standard error
// before it, which goes to the same file).
std::string LastLine(const std::string& output) {
  std::vector<std::string> lines =
      absl::StrSplit(output, '\n', absl::SkipWhitespace());
  return lines.empty() ? "" : lines.back();
}

class ConnectInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.set_http_listen_address("127.0.0.1:0");
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
};

TEST_F(ConnectInteropTest, ConnectNodeClientInJsonAndBinary) {
  ASSERT_GT(server_->http_port(), 0);
  ASSERT_NE(server_->http_port(), server_->port());
  const std::string interop = SAFEGUARD_INTEROP_DIR;
  ASSERT_TRUE(std::filesystem::exists(interop + "/node_modules/.bin/protoc-gen-es"))
      << "the Node.js packages are missing: run `npm ci --no-audit --no-fund` in "
      << interop << " (deploy/test.sh does)";

  std::string output;
  const std::string gen = dir_.File("gen");
  ASSERT_EQ(RunProgram({"/bin/bash", interop + "/generate.sh", gen}, interop,
                       &output),
            0)
      << output;

  const CertFiles referrer = pki_.IssueIdentity(kReferrerAgency, kReferrerPrincipal);
  const CertFiles watcher = pki_.IssueIdentity(kWatcherAgency, kWatcherPrincipal);
  const int code = RunProgram(
      {"/usr/bin/env", "node", interop + "/interop.mjs",
       "--gen", gen,
       "--base-url", absl::StrCat("https://127.0.0.1:", server_->http_port()),
       "--ca", pki_.ca_file(),
       "--referrer-cert", referrer.cert, "--referrer-key", referrer.key,
       "--watcher-cert", watcher.cert, "--watcher-key", watcher.key},
      interop, &output, absl::Seconds(120));
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(LastLine(output), ExpectedLine()) << output;

  // What the Connect calls stored is what gRPC callers see: the four
  // Channel referrals, submitted by the referrer.
  Callers callers(pki_, server_->port());
  v1::ListReferralsRequest list;
  list.mutable_filter()->set_kind(v1::CHANNEL);
  v1::ListReferralsResponse page;
  const std::string chair = absl::StrCat(kWatcherAgency, "/", kWatcherPrincipal);
  grpc::Status s = callers.As(chair).ListReferrals(Context().get(), list, &page);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(page.referrals_size(), 4);
  for (const v1::Referral& r : page.referrals()) {
    EXPECT_EQ(r.referring_agency(), kReferrerAgency);
    EXPECT_EQ(r.referrer(), kReferrerPrincipal);
    EXPECT_EQ(r.subjects(0).full_name(), "Jo Example");
  }
}

}  // namespace
}  // namespace safeguard
