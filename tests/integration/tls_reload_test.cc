// Certificates and revocation changed under the running server: a caller
// revoked in the CRL folder is refused at its next call and its next
// connection on both transports, and its open watch ends; a bad CRL keeps
// the set in force; a new server certificate is presented from the next
// connection on, and a bad one is refused while the old one stays.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "grpcpp/grpcpp.h"
#include "openssl/pem.h"
#include "openssl/ssl.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "server/common/certificates.h"
#include "tests/testing/connect_client.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

namespace fs = std::filesystem;

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::ConnectClient;
using ::safeguard::testing::Context;
using ::safeguard::testing::CrlOptions;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::testing::HasSubstr;

// The serial number of the certificate in the PEM text.
std::string SerialOf(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  std::string serial = SerialKey(cert);
  X509_free(cert);
  return serial;
}

std::string SerialOfFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return "";
  std::string serial = SerialKey(cert);
  X509_free(cert);
  return serial;
}

// The serial of the certificate the HTTPS listener presents to a new
// connection, made with OpenSSL directly ("" if no handshake).
std::string HttpsServerSerial(int port, const std::string& ca_file,
                              const CertFiles& client) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  SSL_CTX_use_certificate_file(ctx, client.cert.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_use_PrivateKey_file(ctx, client.key.c_str(), SSL_FILETYPE_PEM);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string serial;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      if (X509* peer = SSL_get1_peer_certificate(ssl)) {
        serial = SerialKey(peer);
        X509_free(peer);
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
  }
  close(fd);
  SSL_CTX_free(ctx);
  return serial;
}

// Replaces `to` with `from` in one rename, as an operator's deploy would.
void Replace(const std::string& from, const std::string& to) {
  fs::copy_file(from, to + ".new", fs::copy_options::overwrite_existing);
  fs::rename(to + ".new", to);
}

class TlsReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_.WriteCrl();
    config_.mutable_tls()->set_crl_dir(pki_.crl_dir());
    config_.set_tls_reload_seconds(1);
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  grpc::StatusCode Info(const std::shared_ptr<grpc::Channel>& channel) {
    v1::GetServerInfoResponse out;
    return v1::ServerInfo::NewStub(channel)
        ->GetServerInfo(Context().get(), {}, &out)
        .error_code();
  }
  grpc::StatusCode NewConnectionInfo(const CertFiles& who) {
    return Info(TestChannel(server_->port(), pki_.ca_file(), who));
  }
  absl::Status HttpsInfo(const CertFiles& who) {
    ConnectClient client(server_->http_port(), pki_.ca_file(), who);
    v1::GetServerInfoResponse out;
    return client.Unary("safeguard.v1.ServerInfo/GetServerInfo",
                        v1::GetServerInfoRequest(), &out);
  }

  // Polls `done` for up to 10 s (the reloader looks every second).
  static bool Eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 200; ++i) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
};

TEST_F(TlsReloadTest, ARevokedCallerIsRefusedAtOnceAndItsWatchEnds) {
  const CertFiles lost = pki_.IssueIdentity("west-suffolk-council",
                                            "person/sanctuary-coordinator");
  const CertFiles other = pki_.IssueIdentity("suffolk-police", "system/athena");
  auto open_channel = TestChannel(server_->port(), pki_.ca_file(), lost);
  ASSERT_EQ(Info(open_channel), grpc::StatusCode::OK);
  ASSERT_TRUE(HttpsInfo(lost).ok());
  grpc::ClientContext watch_context;
  auto watch = v1::Referrals::NewStub(open_channel)
                   ->WatchReferrals(&watch_context, v1::WatchReferralsRequest());
  ASSERT_TRUE(testing::WaitUntilLive(*watch, watch_context));

  pki_.Revoke(lost);  // the laptop was stolen: a new CRL in the folder

  // Its open watch ends, saying why.
  v1::ReferralEvent event;
  while (watch->Read(&event)) {
  }
  grpc::Status ended = watch->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ended.error_message(), "the caller's certificate was revoked");
  // Its connection still open: the next call is refused.
  EXPECT_EQ(Info(open_channel), grpc::StatusCode::UNAUTHENTICATED);
  // A new connection is refused in the handshake, on both transports.
  EXPECT_EQ(NewConnectionInfo(lost), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(HttpsInfo(lost).ok());
  // Everyone else carries on.
  EXPECT_EQ(NewConnectionInfo(other), grpc::StatusCode::OK);
  EXPECT_TRUE(HttpsInfo(other).ok());
}

TEST_F(TlsReloadTest, ABadCrlKeepsTheSetInForceAndSaysWhy) {
  const CertFiles lost = pki_.IssueIdentity("suffolk-police", "system/lost");
  const CertFiles other = pki_.IssueIdentity("suffolk-police", "system/athena");
  pki_.Revoke(lost);
  ASSERT_TRUE(Eventually(
      [&] { return NewConnectionInfo(lost) == grpc::StatusCode::UNAVAILABLE; }));

  // An expired CRL replaces the good one in the folder.
  CrlOptions expired;
  expired.expired = true;
  pki_.WriteCrl(expired);
  absl::Status reloaded = server_->ReloadTls();
  EXPECT_THAT(reloaded, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 HasSubstr("lacks a current CRL: ")));
  EXPECT_THAT(std::string(reloaded.message()),
              HasSubstr(absl::StrCat("CRL folder ", pki_.crl_dir(), ": CA \"")));
  // The set in force stays: the lost certificate is still refused, the
  // others still served.
  EXPECT_EQ(NewConnectionInfo(lost), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(HttpsInfo(lost).ok());
  EXPECT_EQ(NewConnectionInfo(other), grpc::StatusCode::OK);
  EXPECT_TRUE(HttpsInfo(other).ok());
}

TEST_F(TlsReloadTest, ANewServerCertificateIsPresentedWithoutARestart) {
  const CertFiles athena = pki_.IssueIdentity("suffolk-police", "system/athena");
  const std::string before = SerialOfFile(config_.tls().cert_file());
  auto grpc_serial = [&] {
    grpc::ClientContext context;
    v1::GetServerInfoResponse out;
    auto channel = TestChannel(server_->port(), pki_.ca_file(), athena);
    if (!v1::ServerInfo::NewStub(channel)->GetServerInfo(&context, {}, &out).ok()) {
      return std::string();
    }
    std::vector<grpc::string_ref> pem =
        context.auth_context()->FindPropertyValues("x509_pem_cert");
    return pem.empty() ? std::string()
                       : SerialOf(std::string(pem[0].data(), pem[0].size()));
  };
  ASSERT_EQ(grpc_serial(), before);
  ASSERT_EQ(HttpsServerSerial(server_->http_port(), pki_.ca_file(), athena), before);

  // A key that does not match: refused, the old pair stays in use.
  const CertFiles renewed = pki_.IssueServer("renewed-server");
  const CertFiles stray = pki_.IssueServer("stray-server");
  Replace(stray.key, config_.tls().key_file());
  EXPECT_THAT(server_->ReloadTls(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("does not match the certificate in")));
  EXPECT_EQ(HttpsServerSerial(server_->http_port(), pki_.ca_file(), athena), before);
  EXPECT_EQ(grpc_serial(), before);

  // The renewed pair: new connections get it, on both transports.
  Replace(renewed.key, config_.tls().key_file());
  Replace(renewed.cert, config_.tls().cert_file());
  const std::string after = SerialOfFile(renewed.cert);
  ASSERT_NE(after, before);
  EXPECT_TRUE(Eventually([&] {
    return HttpsServerSerial(server_->http_port(), pki_.ca_file(), athena) == after;
  }));
  EXPECT_TRUE(Eventually([&] { return grpc_serial() == after; }));
}

}  // namespace
}  // namespace safeguard
