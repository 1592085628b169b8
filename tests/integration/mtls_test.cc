// Integration: the real SafeguardServer on 127.0.0.1 port 0 with a
// test-generated PKI and a fresh SQLCipher file. Good clients are served;
// every kind of bad client certificate is refused before any handler runs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "openssl/ssl.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "server/access/authenticator.h"
#include "server/storage/migrations.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::CertKind;
using ::safeguard::testing::ListServicesByReflection;
using ::safeguard::testing::ReadFileOrEmpty;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

grpc::Status CallServerInfo(const std::shared_ptr<grpc::Channel>& channel,
                            v1::GetServerInfoResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  return v1::ServerInfo::NewStub(channel)->GetServerInfo(
      &context, v1::GetServerInfoRequest(), response);
}

grpc::Status CallHealth(const std::shared_ptr<grpc::Channel>& channel,
                        grpc::health::v1::HealthCheckResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  return grpc::health::v1::Health::NewStub(channel)->Check(
      &context, grpc::health::v1::HealthCheckRequest(), response);
}

class MtlsTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(false); }

  void StartServer(bool with_crl) {
    server_.reset();
    if (with_crl) config_.mutable_tls()->set_crl_dir(pki_.crl_dir());
    absl::StatusOr<std::unique_ptr<SafeguardServer>> server =
        SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::shared_ptr<grpc::Channel> Channel(const std::optional<CertFiles>& c) {
    return TestChannel(server_->port(), pki_.ca_file(), c);
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
};

TEST_F(MtlsTest, GoodClientGetsServerInfoAndHealth) {
  CertFiles athena = pki_.IssueIdentity("suffolk-police", "system/athena");
  auto channel = Channel(athena);

  v1::GetServerInfoResponse info;
  grpc::Status s = CallServerInfo(channel, &info);
  ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  EXPECT_EQ(info.server_version(), SAFEGUARD_VERSION);
  EXPECT_EQ(info.schema_version(),
            static_cast<int>(SchemaMigrations().size()));
  EXPECT_EQ(info.caller().agency(), "suffolk-police");
  EXPECT_EQ(info.caller().principal(), "system/athena");
  EXPECT_EQ(info.caller().certificate_sha256(),
            CertificateSha256(ReadFileOrEmpty(athena.cert)));

  grpc::health::v1::HealthCheckResponse health;
  s = CallHealth(channel, &health);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(MtlsTest, BadClientCertificatesNeverReachAHandler) {
  TempDir other_dir;
  TestPki other_ca(other_dir.path(), "other-ca");
  struct Case {
    const char* name;
    std::optional<CertFiles> cert;
    grpc::StatusCode code;
  } cases[] = {
      {"no certificate", std::nullopt, grpc::StatusCode::UNAVAILABLE},
      {"another CA", other_ca.IssueIdentity("suffolk-police", "system/athena"),
       grpc::StatusCode::UNAVAILABLE},
      {"expired",
       pki_.IssueIdentity("suffolk-police", "system/old", CertKind::kExpired),
       grpc::StatusCode::UNAVAILABLE},
      {"not yet valid",
       pki_.IssueIdentity("suffolk-police", "system/new", CertKind::kNotYetValid),
       grpc::StatusCode::UNAVAILABLE},
      {"server-only purpose",
       pki_.IssueIdentity("suffolk-police", "system/srv",
                          CertKind::kServerAuthOnly),
       grpc::StatusCode::UNAVAILABLE},
      {"no identity SAN", pki_.IssueClient("anonymous", {}),
       grpc::StatusCode::UNAUTHENTICATED},
      {"other trust domain",
       pki_.IssueClient("foreign",
                        {"spiffe://elsewhere/agency/suffolk-police/system/x"}),
       grpc::StatusCode::UNAUTHENTICATED},
      {"two identities",
       pki_.IssueClient("double",
                        {"spiffe://safeguard/agency/a/system/x",
                         "spiffe://safeguard/agency/b/system/y"}),
       grpc::StatusCode::UNAUTHENTICATED},
  };
  for (const Case& c : cases) {
    v1::GetServerInfoResponse info;
    grpc::Status s = CallServerInfo(Channel(c.cert), &info);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    EXPECT_EQ(info.ByteSizeLong(), 0u) << c.name;
  }
}

TEST_F(MtlsTest, RequestsOverOneMebibyteAreRefusedUnread) {
  auto stub = v1::Referrals::NewStub(
      Channel(pki_.IssueIdentity("suffolk-police", "system/athena")));
  struct Case {
    const char* name;
    size_t request_id_bytes;
    grpc::StatusCode code;
  } cases[] = {
      {"just under the limit reaches the handler, which refuses the id",
       (1 << 20) - 64, grpc::StatusCode::INVALID_ARGUMENT},
      {"over the limit is refused by gRPC", (1 << 20) + 1,
       grpc::StatusCode::RESOURCE_EXHAUSTED},
  };
  for (const Case& c : cases) {
    v1::SubmitReferralRequest request;
    request.set_request_id(std::string(c.request_id_bytes, 'x'));
    grpc::ClientContext context;
    v1::Referral out;
    EXPECT_EQ(stub->SubmitReferral(&context, request, &out).error_code(), c.code)
        << c.name;
  }
}

TEST_F(MtlsTest, HealthNeedsACertificateButNoIdentity) {
  grpc::health::v1::HealthCheckResponse health;
  EXPECT_EQ(CallHealth(Channel(pki_.IssueClient("probe", {})), &health).error_code(),
            grpc::StatusCode::OK);
  EXPECT_EQ(CallHealth(Channel(std::nullopt), &health).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MtlsTest, RevokedCertificateIsRefusedWhenACrlIsConfigured) {
  CertFiles good = pki_.IssueIdentity("suffolk-police", "system/good");
  CertFiles revoked = pki_.IssueIdentity("suffolk-police", "system/revoked");
  pki_.Revoke(revoked);
  StartServer(/*with_crl=*/true);

  v1::GetServerInfoResponse info;
  EXPECT_EQ(CallServerInfo(Channel(revoked), &info).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CallServerInfo(Channel(good), &info).error_code(),
            grpc::StatusCode::OK);
}

// Opens a raw TLS connection to the server limited to `max_version`.
bool HandshakeSucceeds(int port, int max_version, const CertFiles& client,
                       const std::string& ca_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  SSL_CTX_set_security_level(ctx, 0);  // allow the old versions to be offered
  SSL_CTX_use_certificate_file(ctx, client.cert.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_use_PrivateKey_file(ctx, client.key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof(kAlpn));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ok = SSL_connect(ssl) == 1;
    SSL_free(ssl);
  }
  close(fd);
  SSL_CTX_free(ctx);
  return ok;
}

TEST_F(MtlsTest, OnlyTls12AndNewerAreAccepted) {
  CertFiles athena = pki_.IssueIdentity("suffolk-police", "system/athena");
  EXPECT_FALSE(HandshakeSucceeds(server_->port(), TLS1_VERSION, athena,
                                 pki_.ca_file()));
  EXPECT_FALSE(HandshakeSucceeds(server_->port(), TLS1_1_VERSION, athena,
                                 pki_.ca_file()));
  EXPECT_TRUE(HandshakeSucceeds(server_->port(), TLS1_2_VERSION, athena,
                                pki_.ca_file()));
  EXPECT_TRUE(HandshakeSucceeds(server_->port(), TLS1_3_VERSION, athena,
                                pki_.ca_file()));
}

TEST_F(MtlsTest, ReflectionIsOffUnlessAskedFor) {
  CertFiles athena = pki_.IssueIdentity("suffolk-police", "system/athena");
  std::string raw;
  EXPECT_EQ(ListServicesByReflection(Channel(athena), &raw).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(raw, "");
}

TEST_F(MtlsTest, ShutdownFinishesCallsInFlightAndRefusesNewOnes) {
  auto channel = Channel(pki_.IssueIdentity("suffolk-police", "system/athena"));
  auto stub = v1::ServerInfo::NewStub(channel);
  {  // Connect first, so the calls below are not racing the handshake.
    v1::GetServerInfoResponse warm;
    ASSERT_TRUE(CallServerInfo(channel, &warm).ok());
  }
  // Hold every database worker, so an admitted call stays in flight.
  testing::HeldWorkers held(server_->worker_pool_for_test(),
                            config_.worker_threads());

  grpc::ClientContext in_flight_context;
  v1::GetServerInfoRequest in_flight_request;
  v1::GetServerInfoResponse in_flight_response;
  grpc::Status in_flight_status;
  absl::Notification in_flight_done;
  stub->async()->GetServerInfo(&in_flight_context, &in_flight_request,
                               &in_flight_response, [&](grpc::Status s) {
                                 in_flight_status = s;
                                 in_flight_done.Notify();
                               });
  // Admitted once its work waits for a worker.
  EXPECT_EQ(held.WaitForQueued(), 1u);

  std::thread stopper([&] { server_->Shutdown(absl::Seconds(10)); });
  // Draining has started once health says NOT_SERVING.
  bool draining = false;
  for (int tries = 0; !draining && tries < 1000; ++tries) {
    grpc::health::v1::HealthCheckResponse health;
    draining = CallHealth(channel, &health).ok() &&
               health.status() ==
                   grpc::health::v1::HealthCheckResponse::NOT_SERVING;
    if (!draining) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(draining);
  v1::GetServerInfoResponse late;
  grpc::Status refused = CallServerInfo(channel, &late);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_message(), "the server is shutting down");

  absl::Time released_at = absl::Now();
  held.Release();
  stopper.join();
  EXPECT_LT(absl::Now() - released_at, absl::Seconds(2));
  ASSERT_TRUE(in_flight_done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_TRUE(in_flight_status.ok()) << in_flight_status.error_message();
  EXPECT_EQ(in_flight_response.caller().principal(), "system/athena");
}

}  // namespace
}  // namespace safeguard
