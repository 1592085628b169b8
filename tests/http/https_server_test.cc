// ConnectServer over real HTTPS with mTLS: a test PKI, fake ApiMethods, and
// httplib's own client presenting (or not) a client certificate.
#include "server/http/https_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "safeguard/v1/referrals.pb.h"
#include "safeguard/v1/server_info.pb.h"
#include "server/app/crl_folder.h"
#include "server/core/field_violations.h"
#include "server/http/connect_codec.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_pki.h"

namespace safeguard::http {
namespace {

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::IsOk;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;

constexpr char kEcho[] = "/safeguard.v1.Referrals/ListReferrals";
constexpr char kInfo[] = "/safeguard.v1.ServerInfo/GetServerInfo";
constexpr char kInvalid[] = "/safeguard.v1.Referrals/GetReferral";
constexpr char kWatch[] = "/safeguard.v1.Referrals/WatchReferrals";

const google::protobuf::MethodDescriptor* Method(const char* service,
                                                 const char* method) {
  return google::protobuf::DescriptorPool::generated_pool()
      ->FindServiceByName(service)
      ->FindMethodByName(method);
}

// What the fake stream sessions saw, across all of them.
struct SessionLog {
  absl::Mutex mu;
  int live = 0;       // sessions that went live
  int cancelled = 0;  // sessions that were cancelled
};

// A watch: refuses (area "refuse"), or goes live and writes three events,
// then closes OK, or (area "hold") stays open until cancelled.
class FakeSession final : public StreamSession {
 public:
  FakeSession(StreamSink* sink, std::string area, SessionLog* log)
      : log_(log) {
    thread_ = std::thread([this, sink, area] { Run(sink, area); });
  }
  ~FakeSession() override { thread_.join(); }

  void OnWritten(bool ok) override {
    absl::MutexLock lock(&mu_);
    ++written_;
  }
  void Cancel() override {
    {
      absl::MutexLock lock(&log_->mu);
      ++log_->cancelled;
    }
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }

 private:
  void Run(StreamSink* sink, const std::string& area) {
    if (area == "refuse") {
      sink->Close(absl::PermissionDeniedError("watching is not allowed"));
      return;
    }
    sink->Live();
    {
      absl::MutexLock lock(&log_->mu);
      ++log_->live;
    }
    for (int i = 0; i < 3; ++i) {
      v1::ReferralEvent event;
      event.set_type(v1::ReferralEvent::CREATED);
      event.mutable_referral()->set_name(absl::StrCat("referrals/r", i));
      sink->Write(event);
      bool cancelled = false;
      {
        absl::MutexLock lock(&mu_);
        auto written = [this, i]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return written_ > i || cancelled_;
        };
        mu_.Await(absl::Condition(&written));
        cancelled = cancelled_;
      }
      if (cancelled) {
        sink->Close(absl::CancelledError("cancelled"));
        return;
      }
    }
    if (area == "hold") {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&cancelled_));
    }
    sink->Close(area == "hold" ? absl::CancelledError("cancelled")
                               : absl::OkStatus());
  }

  SessionLog* const log_;
  absl::Mutex mu_;
  int written_ ABSL_GUARDED_BY(mu_) = 0;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

struct Answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string Header(const char* name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class ConnectServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mkdir(dir_.File("pki").c_str(), 0700);
    mkdir(dir_.File("other").c_str(), 0700);
    pki_ = std::make_unique<TestPki>(dir_.File("pki"));
    client_ = pki_->IssueIdentity("suffolk-police", "system/athena");
    revoked_ = pki_->IssueIdentity("suffolk-police", "system/revoked");
    pki_->Revoke(revoked_);
    other_pki_ = std::make_unique<TestPki>(dir_.File("other"), "other-ca");
    foreign_ = other_pki_->IssueIdentity("suffolk-police", "system/athena");

    static_dir_ = dir_.File("static");
    mkdir(static_dir_.c_str(), 0755);
    mkdir((static_dir_ + "/sub").c_str(), 0755);
    WriteFile(static_dir_ + "/index.html", "<!doctype html><p>console</p>\n");
    WriteFile(static_dir_ + "/app.js", "console.log(1);\n");
    WriteFile(dir_.File("secret.txt"), "secret\n");
    ASSERT_EQ(symlink(dir_.File("secret.txt").c_str(),
                      (static_dir_ + "/link.txt").c_str()),
              0);

    echo_.descriptor = Method("safeguard.v1.Referrals", "ListReferrals");
    echo_.unary = [this](InboundCall call,
                         const google::protobuf::Message& request,
                         google::protobuf::Message* response, UnaryDone done) {
      const auto& in = static_cast<const v1::ListReferralsRequest&>(request);
      static_cast<v1::ListReferralsResponse*>(response)->set_next_page_token(
          in.page_token());
      done(absl::OkStatus(), *gate_.Enter());
    };
    info_.descriptor = Method("safeguard.v1.ServerInfo", "GetServerInfo");
    info_.unary = [this](InboundCall call, const google::protobuf::Message&,
                         google::protobuf::Message* response, UnaryDone done) {
      auto* out = static_cast<v1::GetServerInfoResponse*>(response);
      out->mutable_caller()->set_agency(call.method);
      out->mutable_caller()->set_principal(call.request_id_hint);
      out->mutable_caller()->set_certificate_sha256(
          call.peer_certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0) == 0
              ? "pem"
              : "");
      out->set_schema_version(call.deadline == absl::InfiniteFuture() ? 0 : 1);
      out->set_server_version(call.cancelled && !call.cancelled() ? "connected"
                                                                  : "");
      done(absl::OkStatus(), *gate_.Enter());
    };
    invalid_.descriptor = Method("safeguard.v1.Referrals", "GetReferral");
    invalid_.unary = [this](InboundCall, const google::protobuf::Message&,
                            google::protobuf::Message*, UnaryDone done) {
      // Done from another thread, as a worker pool would.
      std::thread([this, done = std::move(done)]() mutable {
        done(InvalidArgumentWithViolations(
                 {{"name", "must be referrals/{id}"},
                  {"name", "must be at most 128 bytes"}}),
             *gate_.Enter());
      }).detach();
    };
    watch_.descriptor = Method("safeguard.v1.Referrals", "WatchReferrals");
    watch_.open = [this](InboundCall, const google::protobuf::Message& request,
                         StreamSink* sink,
                         std::unique_ptr<StreamSession>* session) {
      const auto& in = static_cast<const v1::WatchReferralsRequest&>(request);
      *session = std::make_unique<FakeSession>(sink, in.filter().area(), &log_);
    };

    pki_->WriteCrl();
    options_.cert_file = pki_->server().cert;
    options_.key_file = pki_->server().key;
    options_.client_ca_file = pki_->ca_file();
    // Revocation as safeguardd checks it: the CRL folder's set, loaded.
    std::ifstream ca(pki_->ca_file());
    std::stringstream ca_pem;
    ca_pem << ca.rdbuf();
    absl::StatusOr<std::shared_ptr<const RevocationSet>> revoked =
        RevocationSet::Load(pki_->crl_dir(), ca_pem.str());
    ASSERT_THAT(revoked, IsOk());
    options_.check_peer_certificate =
        [set = *revoked](const X509* cert) { return set->Check(cert, absl::Now()); };
    options_.static_dir = static_dir_;
    options_.threads = 6;
    options_.max_streams = 2;
    options_.keep_alive_timeout = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<ConnectServer>> server =
        ConnectServer::Start(options_, {&echo_, &info_, &invalid_, &watch_});
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    EXPECT_TRUE(gate_.WaitIdle(absl::Now() + absl::Seconds(5)))
        << "a call ticket was never released";
  }

  static void WriteFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  std::unique_ptr<httplib::SSLClient> Client(const CertFiles* cert) {
    auto cli = cert != nullptr
                   ? std::make_unique<httplib::SSLClient>(
                         "127.0.0.1", server_->port(), cert->cert, cert->key)
                   : std::make_unique<httplib::SSLClient>("127.0.0.1",
                                                          server_->port());
    cli->set_ca_cert_path(pki_->ca_file());
    cli->enable_server_certificate_verification(true);
    cli->set_read_timeout(10, 0);
    cli->set_write_timeout(10, 0);
    return cli;
  }

  // A POST; nullopt if no HTTP answer came (e.g. the handshake failed).
  std::optional<Answer> Post(const std::string& path, const std::string& body,
                             const std::string& content_type,
                             httplib::Headers headers = {{"Connect-Protocol-Version", "1"}},
                             const CertFiles* cert = nullptr) {
    auto cli = Client(cert != nullptr ? cert : &client_);
    return Convert(cli->Post(path.c_str(), headers, body, content_type.c_str()));
  }

  std::optional<Answer> Get(const std::string& path,
                            httplib::Headers headers = {}) {
    return Convert(Client(&client_)->Get(path.c_str(), headers));
  }

  // A GET whose body is kept as sent (not decompressed).
  std::optional<Answer> GetAsSent(const std::string& path,
                                  const std::string& accept_encoding) {
    auto cli = Client(&client_);
    cli->set_decompress(false);
    return Convert(cli->Get(path.c_str(), {{"Accept-Encoding", accept_encoding}}));
  }

  static std::optional<Answer> Convert(const httplib::Result& result) {
    if (!result) return std::nullopt;
    return Answer{result->status, result->body, result->headers};
  }

  // The echo call answers as it should: the server is still serving.
  void ExpectServing(const std::string& after) {
    std::optional<Answer> a =
        Post(kEcho, R"({"pageToken":"still"})", "application/json");
    ASSERT_TRUE(a.has_value()) << "after " << after;
    EXPECT_EQ(a->status, 200) << "after " << after;
    EXPECT_EQ(a->body, R"({"nextPageToken":"still"})") << "after " << after;
  }

  // `cache_control`: no-store for every answer but a static file's.
  static void ExpectSecurityHeaders(const Answer& a, const std::string& what,
                                    const std::string& cache_control =
                                        "no-store") {
    EXPECT_EQ(a.Header("Cache-Control"), cache_control) << what;
    EXPECT_EQ(a.Header("Content-Security-Policy"),
              "default-src 'self'; object-src 'none'; base-uri 'none'; "
              "frame-ancestors 'none'; form-action 'self'")
        << what;
    EXPECT_EQ(a.Header("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(a.Header("Referrer-Policy"), "no-referrer") << what;
    EXPECT_EQ(a.Header("X-Frame-Options"), "DENY") << what;
    EXPECT_EQ(a.Header("Strict-Transport-Security"), "max-age=31536000")
        << what;
    for (const auto& [name, value] : a.headers) {
      EXPECT_NE(name.rfind("Access-Control-", 0), 0u) << what << ": " << name;
    }
  }

  TempDir dir_;
  std::unique_ptr<TestPki> pki_;
  std::unique_ptr<TestPki> other_pki_;
  CertFiles client_, revoked_, foreign_;
  std::string static_dir_;
  CallGate gate_;
  SessionLog log_;
  ApiMethod echo_, info_, invalid_, watch_;
  ConnectServerOptions options_;
  std::unique_ptr<ConnectServer> server_;
};

TEST_F(ConnectServerTest, UnaryJsonAndBinary) {
  std::optional<Answer> json = Post(kEcho, R"({"pageToken":"abc","pageSize":3})",
                                    "application/json");
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->status, 200);
  EXPECT_EQ(json->Header("Content-Type"), "application/json");
  EXPECT_EQ(json->body, R"({"nextPageToken":"abc"})");

  std::optional<Answer> charset = Post(kEcho, R"({"pageToken":"d"})",
                                       "application/json; charset=utf-8");
  ASSERT_TRUE(charset.has_value());
  EXPECT_EQ(charset->status, 200);
  EXPECT_EQ(charset->body, R"({"nextPageToken":"d"})");

  v1::ListReferralsRequest request;
  request.set_page_token("bin");
  std::optional<Answer> binary =
      Post(kEcho, request.SerializeAsString(), "application/proto");
  ASSERT_TRUE(binary.has_value());
  EXPECT_EQ(binary->status, 200);
  EXPECT_EQ(binary->Header("Content-Type"), "application/proto");
  v1::ListReferralsResponse response;
  ASSERT_TRUE(response.ParseFromString(binary->body));
  EXPECT_EQ(response.next_page_token(), "bin");

  // An empty binary answer (the empty message) is an empty body.
  std::optional<Answer> empty = Post(kEcho, "", "application/proto");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(empty->body, "");
}

TEST_F(ConnectServerTest, TheCallCarriesMethodCertificateRequestIdAndDeadline) {
  struct Case {
    std::string name;
    httplib::Headers headers;
    std::string principal;
    int has_deadline;
  };
  const std::vector<Case> cases = {
      {"plain", {{"Connect-Protocol-Version", "1"}}, "", 0},
      {"request id and timeout",
       {{"Connect-Protocol-Version", "1"},
        {"X-Request-Id", "req-42"},
        {"Connect-Timeout-Ms", "5000"}},
       "req-42",
       1},
  };
  for (const Case& c : cases) {
    std::optional<Answer> a = Post(kInfo, "{}", "application/json", c.headers);
    ASSERT_TRUE(a.has_value()) << c.name;
    ASSERT_EQ(a->status, 200) << c.name << ": " << a->body;
    v1::GetServerInfoResponse info;
    ASSERT_THAT(DecodeMessage(Codec::kJson, a->body, &info), IsOk()) << c.name;
    EXPECT_EQ(info.caller().agency(), "safeguard.v1.ServerInfo/GetServerInfo")
        << c.name;
    EXPECT_EQ(info.caller().certificate_sha256(), "pem") << c.name;
    EXPECT_EQ(info.caller().principal(), c.principal) << c.name;
    EXPECT_EQ(info.schema_version(), c.has_deadline) << c.name;
    EXPECT_EQ(info.server_version(), "connected") << c.name;
  }
}

TEST_F(ConnectServerTest, ErrorsHaveTheirHttpStatusAndBadRequestDetails) {
  std::optional<Answer> a = Post(kInvalid, R"({"name":"x"})", "application/json");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 400);
  EXPECT_EQ(a->Header("Content-Type"), "application/json");
  const std::string prefix = R"({"code":"invalid_argument","message":")";
  EXPECT_EQ(a->body.compare(0, prefix.size(), prefix), 0) << a->body;
  EXPECT_NE(a->body.find(R"("details":[{"type":"google.rpc.BadRequest","value":")"),
            std::string::npos)
      << a->body;
  ExpectSecurityHeaders(*a, "an error");

  // A body that does not decode is not echoed.
  std::optional<Answer> bad =
      Post(kEcho, R"({"secretField":"Jane Doe"})", "application/json");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body,
            R"({"code":"invalid_argument","message":"the request body is not )"
            R"(a valid JSON safeguard.v1.ListReferralsRequest message"})");
}

TEST_F(ConnectServerTest, StreamWritesEachMessageThenEndOfStream) {
  for (Codec codec : {Codec::kJson, Codec::kProto}) {
    v1::WatchReferralsRequest request;
    request.mutable_filter()->set_area("suffolk");
    absl::StatusOr<std::string> body = EncodeMessage(codec, request);
    ASSERT_THAT(body, IsOk());
    const ContentType type{codec, true};
    std::optional<Answer> a =
        Post(kWatch, EncodeEnvelope(0, *body), ContentTypeName(type));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->Header("Content-Type"), ContentTypeName(type));
    EXPECT_EQ(a->Header("Safeguard-Watch"), "live");
    absl::StatusOr<std::vector<Envelope>> frames = ParseEnvelopes(a->body);
    ASSERT_THAT(frames, IsOk());
    ASSERT_EQ(frames->size(), 4u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ((*frames)[i].flags, 0);
      v1::ReferralEvent event;
      ASSERT_THAT(DecodeMessage(codec, (*frames)[i].message, &event), IsOk());
      EXPECT_EQ(event.type(), v1::ReferralEvent::CREATED);
      EXPECT_EQ(event.referral().name(), absl::StrCat("referrals/r", i));
    }
    EXPECT_EQ((*frames)[3].flags, kFlagEndStream);
    EXPECT_EQ((*frames)[3].message, "{}");
  }
}

TEST_F(ConnectServerTest, StreamRefusedBeforeLiveEndsWithTheError) {
  std::optional<Answer> a =
      Post(kWatch, EncodeEnvelope(0, R"({"filter":{"area":"refuse"}})"),
           "application/connect+json");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->Header("Safeguard-Watch"), "");
  EXPECT_EQ(a->body,
            EncodeEnvelope(kFlagEndStream,
                           R"({"error":{"code":"permission_denied",)"
                           R"("message":"watching is not allowed"}})"));

  // A compressed request frame is refused the same way.
  std::optional<Answer> compressed =
      Post(kWatch, EncodeEnvelope(kFlagCompressed, "{}"),
           "application/connect+json");
  ASSERT_TRUE(compressed.has_value());
  EXPECT_EQ(compressed->status, 200);
  EXPECT_EQ(compressed->body,
            EncodeEnvelope(kFlagEndStream,
                           R"({"error":{"code":"invalid_argument",)"
                           R"("message":"compressed stream frames are not )"
                           R"(supported"}})"));
}

TEST_F(ConnectServerTest, ShutdownEndsOpenStreamsWithUnavailable) {
  std::optional<Answer> held;
  std::thread caller([&] {
    held = Post(kWatch, EncodeEnvelope(0, R"({"filter":{"area":"hold"}})"),
                "application/connect+json");
  });
  {
    absl::MutexLock lock(&log_.mu);
    auto live = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(log_.mu) {
      return log_.live == 1;
    };
    ASSERT_TRUE(log_.mu.AwaitWithTimeout(absl::Condition(&live),
                                         absl::Seconds(10)));
  }
  // Give the three writes time to reach the client.
  absl::SleepFor(absl::Milliseconds(300));
  server_->Shutdown();
  caller.join();
  ASSERT_TRUE(held.has_value());
  absl::StatusOr<std::vector<Envelope>> frames = ParseEnvelopes(held->body);
  ASSERT_THAT(frames, IsOk());
  ASSERT_EQ(frames->size(), 4u);
  EXPECT_EQ((*frames)[3].flags, kFlagEndStream);
  EXPECT_EQ((*frames)[3].message,
            R"({"error":{"code":"unavailable","message":"the server is )"
            R"(shutting down"}})");
  absl::MutexLock lock(&log_.mu);
  EXPECT_EQ(log_.cancelled, 1);
}

TEST_F(ConnectServerTest, AClientThatGoesAwayCancelsItsStream) {
  std::thread caller([&] {
    auto cli = Client(&client_);
    cli->set_read_timeout(1, 0);
    auto result = cli->Post(kWatch, {{"Connect-Protocol-Version", "1"}},
                            EncodeEnvelope(0, R"({"filter":{"area":"hold"}})"),
                            "application/connect+json");
    EXPECT_FALSE(result) << "the held stream never ends by itself";
  });
  caller.join();
  absl::MutexLock lock(&log_.mu);
  auto cancelled = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(log_.mu) {
    return log_.cancelled == 1;
  };
  EXPECT_TRUE(
      log_.mu.AwaitWithTimeout(absl::Condition(&cancelled), absl::Seconds(10)));
}

TEST_F(ConnectServerTest, RefusesTlsPeersWithoutAGoodClientCertificate) {
  struct Case {
    std::string name;
    const CertFiles* cert;  // nullptr: none presented
  };
  const std::vector<Case> cases = {
      {"no client certificate", nullptr},
      {"a certificate from another CA", &foreign_},
      {"a revoked certificate", &revoked_},
  };
  for (const Case& c : cases) {
    auto cli = Client(c.cert);
    auto result = cli->Post(kEcho, {{"Connect-Protocol-Version", "1"}}, "{}",
                            "application/json");
    EXPECT_FALSE(result) << c.name << ": got HTTP "
                         << (result ? result->status : 0);
    ExpectServing(c.name);
  }
}

TEST_F(ConnectServerTest, RefusesWhatIsNotAConnectCall) {
  const std::string own_origin =
      absl::StrCat("https://127.0.0.1:", server_->port());
  struct Case {
    std::string name;
    std::string method;
    std::string path;
    httplib::Headers headers;
    std::string content_type;
    std::string body;
    int status;
    std::string answer;  // the exact body, if not empty
  };
  const std::vector<Case> cases = {
      {"cross-origin Origin", "POST", kEcho,
       {{"Connect-Protocol-Version", "1"}, {"Origin", "https://evil.example"}},
       "application/json", "{}", 403, "cross-origin requests are refused\n"},
      {"null Origin", "POST", kEcho,
       {{"Connect-Protocol-Version", "1"}, {"Origin", "null"}},
       "application/json", "{}", 403, "cross-origin requests are refused\n"},
      {"missing Connect-Protocol-Version", "POST", kEcho, {},
       "application/json", "{}", 400,
       R"({"code":"invalid_argument","message":"the Connect-Protocol-Version )"
       R"(header must be 1"})"},
      {"another Connect-Protocol-Version", "POST", kEcho,
       {{"Connect-Protocol-Version", "2"}}, "application/json", "{}", 400,
       R"({"code":"invalid_argument","message":"the Connect-Protocol-Version )"
       R"(header must be 1"})"},
      {"form content type", "POST", kEcho, {{"Connect-Protocol-Version", "1"}},
       "application/x-www-form-urlencoded", "a=b", 415,
       "unsupported content type\n"},
      {"text content type", "POST", kEcho, {{"Connect-Protocol-Version", "1"}},
       "text/plain", "{}", 415, "unsupported content type\n"},
      {"streaming content type on a unary method", "POST", kEcho,
       {{"Connect-Protocol-Version", "1"}}, "application/connect+json",
       EncodeEnvelope(0, "{}"), 415, "unsupported content type\n"},
      {"unary content type on a stream", "POST", kWatch,
       {{"Connect-Protocol-Version", "1"}}, "application/json", "{}", 415,
       "unsupported content type\n"},
      {"gzip content encoding", "POST", kEcho,
       {{"Connect-Protocol-Version", "1"}, {"Content-Encoding", "gzip"}},
       "application/json", "{}", 501,
       R"({"code":"unimplemented","message":"the supported Content-Encoding )"
       R"(is identity"})"},
      {"bad timeout", "POST", kEcho,
       {{"Connect-Protocol-Version", "1"}, {"Connect-Timeout-Ms", "soon"}},
       "application/json", "{}", 400,
       R"({"code":"invalid_argument","message":"Connect-Timeout-Ms must be a )"
       R"(number of milliseconds"})"},
      {"body over 1 MiB", "POST", kEcho, {{"Connect-Protocol-Version", "1"}},
       "application/json", std::string((1 << 20) + 1, ' '), 429,
       R"({"code":"resource_exhausted","message":"requests are at most )"
       R"(1048576 bytes"})"},
      {"unknown path", "POST", "/safeguard.v1.Referrals/DropTables",
       {{"Connect-Protocol-Version", "1"}}, "application/json", "{}", 404,
       "not found\n"},
      {"GET on an API path", "GET", kEcho, {}, "", "", 405,
       "method not allowed\n"},
      {"OPTIONS on an API path", "OPTIONS", kEcho,
       {{"Origin", "https://evil.example"},
        {"Access-Control-Request-Method", "POST"}},
       "", "", 403, "cross-origin requests are refused\n"},
      {"OPTIONS from the own origin", "OPTIONS", kEcho,
       {{"Origin", own_origin}}, "", "", 405, "method not allowed\n"},
      {"PUT", "PUT", kEcho, {{"Connect-Protocol-Version", "1"}},
       "application/json", "{}", 405, "method not allowed\n"},
  };
  for (const Case& c : cases) {
    auto cli = Client(&client_);
    auto send = [&]() {
      if (c.method == "POST") {
        return cli->Post(c.path.c_str(), c.headers, c.body,
                         c.content_type.c_str());
      }
      if (c.method == "PUT") {
        return cli->Put(c.path.c_str(), c.headers, c.body,
                        c.content_type.c_str());
      }
      if (c.method == "GET") return cli->Get(c.path.c_str(), c.headers);
      return cli->Options(c.path.c_str(), c.headers);
    };
    httplib::Result result = send();
    ASSERT_TRUE(result) << c.name << ": " << httplib::to_string(result.error());
    EXPECT_EQ(result->status, c.status) << c.name;
    if (!c.answer.empty()) {
      EXPECT_EQ(result->body, c.answer) << c.name;
    }
    ExpectSecurityHeaders(Answer{result->status, result->body, result->headers},
                          c.name);
    ExpectServing(c.name);
  }

  // The server's own origin is let through.
  std::optional<Answer> same = Post(
      kEcho, R"({"pageToken":"o"})", "application/json",
      {{"Connect-Protocol-Version", "1"}, {"Origin", own_origin}});
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->status, 200);
}

TEST_F(ConnectServerTest, ChunkedBodyOverTheLimitIsRefused) {
  auto cli = Client(&client_);
  size_t sent = 0;
  auto result = cli->Post(
      kEcho, {{"Connect-Protocol-Version", "1"}},
      [&sent](size_t, httplib::DataSink& sink) {
        const std::string chunk(64 << 10, ' ');
        if (sent > (2u << 20)) {
          sink.done();
          return true;
        }
        sent += chunk.size();
        return sink.write(chunk.data(), chunk.size());
      },
      "application/json");
  // Either the refusal arrives, or the server stopped reading mid-upload.
  if (result) {
    EXPECT_EQ(result->status, 429);
    EXPECT_EQ(result->body,
              R"({"code":"resource_exhausted","message":"requests are at most )"
              R"(1048576 bytes"})");
  }
  ExpectServing("a chunked body over the limit");
}

TEST_F(ConnectServerTest, ServesStaticFilesAndNothingElse) {
  struct Case {
    std::string path;
    int status;
    std::string body;
    std::string content_type;
  };
  const std::vector<Case> cases = {
      {"/", 200, "<!doctype html><p>console</p>\n", "text/html; charset=utf-8"},
      {"/index.html", 200, "<!doctype html><p>console</p>\n",
       "text/html; charset=utf-8"},
      {"/app.js", 200, "console.log(1);\n", "text/javascript; charset=utf-8"},
      {"/missing.js", 404, "not found\n", "text/plain; charset=utf-8"},
      {"/../secret.txt", 404, "not found\n", "text/plain; charset=utf-8"},
      {"/%2e%2e/secret.txt", 404, "not found\n", "text/plain; charset=utf-8"},
      {"/link.txt", 404, "not found\n", "text/plain; charset=utf-8"},
      {"/sub", 404, "not found\n", "text/plain; charset=utf-8"},
      {"/sub/", 404, "not found\n", "text/plain; charset=utf-8"},
      {"/.hidden", 404, "not found\n", "text/plain; charset=utf-8"},
  };
  for (const Case& c : cases) {
    std::optional<Answer> a = Get(c.path);
    ASSERT_TRUE(a.has_value()) << c.path;
    EXPECT_EQ(a->status, c.status) << c.path;
    EXPECT_EQ(a->body, c.body) << c.path;
    EXPECT_EQ(a->Header("Content-Type"), c.content_type) << c.path;
    // A file may be kept and revalidated; a refusal is never kept.
    ExpectSecurityHeaders(*a, c.path, c.status == 200 ? "no-cache" : "no-store");
  }
  auto head = Client(&client_)->Head("/app.js");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

// A file stored gzipped beside the original is sent, as stored, to a
// client that accepts gzip; anyone else gets the original, as stored.
// A static file may be kept by the browser, which asks before each use
// whether it changed: the plain file and its gzip copy have validators of
// their own, a matching If-None-Match is answered 304 with no body, and a
// rewritten file has a new validator.
TEST_F(ConnectServerTest, StaticFilesAreRevalidatedByTheirValidator) {
  WriteFile(static_dir_ + "/app.js.gz", "app.js, gzipped");
  auto get = [&](const std::string& accept, const std::string& if_none_match) {
    auto cli = Client(&client_);
    cli->set_decompress(false);
    httplib::Headers headers = {{"Accept-Encoding", accept}};
    if (!if_none_match.empty()) headers.emplace("If-None-Match", if_none_match);
    std::optional<Answer> a = Convert(cli->Get("/app.js", headers));
    EXPECT_TRUE(a.has_value());
    return a.value_or(Answer{});
  };
  const Answer plain = get("identity", "");
  const Answer gzipped = get("gzip", "");
  ASSERT_EQ(plain.status, 200);
  ASSERT_EQ(gzipped.status, 200);
  const std::string tag = plain.Header("ETag");
  EXPECT_THAT(tag, ::testing::MatchesRegex("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\\.[0-9a-f]+\""));
  EXPECT_TRUE(absl::EndsWith(gzipped.Header("ETag"), "-gz\"")) << gzipped.Header("ETag");
  ExpectSecurityHeaders(plain, "plain", "no-cache");

  struct Case {
    std::string name;
    std::string accept;
    std::string if_none_match;
    int status;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"same validator", "identity", tag, 304, ""},
      {"one of several", "identity", "\"x\", " + tag, 304, ""},
      {"any", "identity", "*", 304, ""},
      {"weak form of the same", "identity", "W/" + tag, 304, ""},
      {"the gzip copy's validator", "gzip", gzipped.Header("ETag"), 304, ""},
      {"another file's validator", "identity", "\"1-2-3.4\"", 200,
       "console.log(1);\n"},
      {"the plain file's validator for the gzip copy", "gzip", tag, 200,
       "app.js, gzipped"},
  };
  for (const Case& c : cases) {
    const Answer a = get(c.accept, c.if_none_match);
    EXPECT_EQ(a.status, c.status) << c.name;
    EXPECT_EQ(a.body, c.body) << c.name;
    ExpectSecurityHeaders(a, c.name, "no-cache");
  }

  // Rewritten (the console rebuilt): a new validator, and the old one no
  // longer matches.
  WriteFile(static_dir_ + "/app.js", "console.log(2);\n");
  const Answer again = get("identity", tag);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "console.log(2);\n");
  EXPECT_NE(again.Header("ETag"), tag);

  // An API answer is never kept.
  auto cli = Client(&client_);
  std::optional<Answer> missing = Convert(cli->Get("/missing.js"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->Header("ETag"), "");
  ExpectSecurityHeaders(*missing, "a missing file");
}

// Files under /assets/ are named by their content (a rebuilt console has
// new names), so the browser keeps them without asking; every other file
// is asked about each time.
TEST_F(ConnectServerTest, ContentNamedAssetsAreKeptWithoutAsking) {
  ASSERT_EQ(mkdir((static_dir_ + "/assets").c_str(), 0755), 0);
  WriteFile(static_dir_ + "/assets/console.0123456789abcdef.js", "console.log(3);\n");
  WriteFile(static_dir_ + "/assets/console.0123456789abcdef.js.gz", "gzipped");
  WriteFile(static_dir_ + "/assets.js", "console.log(4);\n");
  struct Case {
    std::string name;
    std::string path;
    std::string accept_encoding;
    std::string body;
    std::string cache_control;
  };
  const std::string kept = "public, max-age=31536000, immutable";
  const std::vector<Case> cases = {
      {"an asset", "/assets/console.0123456789abcdef.js", "identity",
       "console.log(3);\n", kept},
      {"an asset's gzip copy", "/assets/console.0123456789abcdef.js", "gzip",
       "gzipped", kept},
      {"a name that only starts alike", "/assets.js", "identity",
       "console.log(4);\n", "no-cache"},
      {"the index", "/index.html", "identity", "<!doctype html><p>console</p>\n",
       "no-cache"},
  };
  for (const Case& c : cases) {
    std::optional<Answer> a = GetAsSent(c.path, c.accept_encoding);
    ASSERT_TRUE(a.has_value()) << c.name;
    EXPECT_EQ(a->status, 200) << c.name;
    EXPECT_EQ(a->body, c.body) << c.name;
    ExpectSecurityHeaders(*a, c.name, c.cache_control);
  }
  // A missing asset is a refusal like any other: never kept.
  std::optional<Answer> missing =
      Convert(Client(&client_)->Get("/assets/console.ffffffffffffffff.js"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  ExpectSecurityHeaders(*missing, "a missing asset");
}

TEST_F(ConnectServerTest, ServesStoredGzipToClientsThatAcceptIt) {
  // Not real gzip: the server sends the stored bytes whatever they are.
  const std::string app_gz =
      std::string("\x1f\x8b\x08") + '\0' + "app.js, gzipped";
  WriteFile(static_dir_ + "/app.js.gz", app_gz);
  WriteFile(static_dir_ + "/index.html.gz", "index, gzipped");
  mkdir((static_dir_ + "/sub/page.html.gz").c_str(), 0755);
  WriteFile(static_dir_ + "/sub/page.html", "<p>page</p>");
  WriteFile(dir_.File("outside.gz"), "outside the root");
  WriteFile(static_dir_ + "/linked.txt", "linked, plain");
  ASSERT_EQ(symlink(dir_.File("outside.gz").c_str(),
                    (static_dir_ + "/linked.txt.gz").c_str()),
            0);
  struct Case {
    std::string name;
    std::string path;
    std::string accept_encoding;
    std::string body;
    std::string content_encoding;
    std::string content_type;
  };
  const std::string js = "text/javascript; charset=utf-8";
  const std::string html = "text/html; charset=utf-8";
  const std::vector<Case> cases = {
      {"gzip accepted", "/app.js", "gzip", app_gz, "gzip", js},
      {"gzip among others", "/app.js", "br;q=1.0, GZIP;q=0.5, deflate", app_gz,
       "gzip", js},
      {"x-gzip", "/app.js", "x-gzip", app_gz, "gzip", js},
      {"the index", "/", "gzip, deflate", "index, gzipped", "gzip", html},
      {"not accepted", "/app.js", "identity", "console.log(1);\n", "", js},
      {"refused with q=0", "/app.js", "gzip;q=0, br", "console.log(1);\n", "",
       js},
      {"a wildcard is not gzip", "/app.js", "*", "console.log(1);\n", "", js},
      {"no .gz beside it", "/sub/page.html", "gzip", "<p>page</p>", "", html},
      {".gz outside the root", "/linked.txt", "gzip", "linked, plain", "",
       "text/plain; charset=utf-8"},
  };
  for (const Case& c : cases) {
    std::optional<Answer> a = GetAsSent(c.path, c.accept_encoding);
    ASSERT_TRUE(a.has_value()) << c.name;
    EXPECT_EQ(a->status, 200) << c.name;
    EXPECT_EQ(a->body, c.body) << c.name;
    EXPECT_EQ(a->Header("Content-Encoding"), c.content_encoding) << c.name;
    EXPECT_EQ(a->Header("Content-Type"), c.content_type) << c.name;
    EXPECT_EQ(a->Header("Vary"), "Accept-Encoding") << c.name;
    EXPECT_EQ(a->Header("Content-Length"), std::to_string(c.body.size()))
        << c.name;
    ExpectSecurityHeaders(*a, c.name, "no-cache");
  }
  // A HEAD answers with the headers of the GET, and no body.
  auto head_client = Client(&client_);
  head_client->set_decompress(false);
  auto head = head_client->Head("/app.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
  EXPECT_EQ(head->get_header_value("Content-Encoding"), "gzip");
}

TEST_F(ConnectServerTest, SecurityHeadersOnAnApiAnswer) {
  std::optional<Answer> a = Post(kEcho, "{}", "application/json");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 200);
  ExpectSecurityHeaders(*a, "an API answer");
}

TEST(ConnectServerStartTest, RefusesBadFilesAndMethods) {
  TempDir dir;
  mkdir(dir.File("pki").c_str(), 0700);
  TestPki pki(dir.File("pki"));
  ConnectServerOptions options;
  options.cert_file = pki.server().cert;
  options.key_file = pki.server().key;
  options.client_ca_file = pki.ca_file();
  ApiMethod unary;
  unary.descriptor = Method("safeguard.v1.Referrals", "ListReferrals");
  unary.unary = [](InboundCall, const google::protobuf::Message&,
                   google::protobuf::Message*, UnaryDone) {};
  ApiMethod stream_as_unary;
  stream_as_unary.descriptor = Method("safeguard.v1.Referrals", "WatchReferrals");
  stream_as_unary.unary = unary.unary;

  struct Case {
    std::string name;
    ConnectServerOptions options;
    std::vector<const ApiMethod*> methods;
    absl::StatusCode code;
    std::string message_prefix;
  };
  ConnectServerOptions missing_key = options;
  missing_key.key_file = dir.File("nope.key");
  ConnectServerOptions wrong_key = options;
  wrong_key.key_file = pki.IssueIdentity("a", "system/b").key;
  ConnectServerOptions bad_address = options;
  bad_address.listen_address = "127.0.0.1";
  const std::vector<Case> cases = {
      {"missing key", missing_key, {&unary},
       absl::StatusCode::kFailedPrecondition,
       "private key file " + missing_key.key_file},
      {"key of another certificate", wrong_key, {&unary},
       absl::StatusCode::kFailedPrecondition,
       "private key file " + wrong_key.key_file + ": does not match"},
      {"bad address", bad_address, {&unary},
       absl::StatusCode::kInvalidArgument, "HTTPS listen address 127.0.0.1"},
      {"method twice", options, {&unary, &unary},
       absl::StatusCode::kInvalidArgument,
       "HTTPS method /safeguard.v1.Referrals/ListReferrals is given twice"},
      {"stream as unary", options, {&stream_as_unary},
       absl::StatusCode::kInvalidArgument, "every HTTPS method"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::unique_ptr<ConnectServer>> server =
        ConnectServer::Start(c.options, c.methods);
    ASSERT_EQ(server.status().code(), c.code) << c.name << ": " << server.status();
    EXPECT_EQ(server.status().message().substr(0, c.message_prefix.size()),
              c.message_prefix)
        << c.name << ": " << server.status();
  }
}

}  // namespace
}  // namespace safeguard::http
