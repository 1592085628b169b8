// The metrics listener of the real server: after a mixed run (writes,
// reads, refusals, an open watch, a backup) each figure is exactly what
// happened, and nothing in the scrape names a caller, a referral or a
// person.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::Context;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
constexpr char kStranger[] = "no-such-agency/person/someone";

// One plain HTTP/1.1 exchange with 127.0.0.1:port; the whole answer.
std::string HttpExchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  (void)!write(fd, request.data(), request.size());
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

std::string Scrape(int port) {
  return HttpExchange(port,
                      "GET /metrics HTTP/1.1\r\nHost: localhost\r\n"
                      "Connection: close\r\n\r\n");
}

// The value of the sample line that starts with `series` ("name{labels}").
std::optional<double> Sample(const std::string& body, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (!absl::StartsWith(line, series + " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) return value;
  }
  return std::nullopt;
}

TEST(MetricsTest, EachFigureIsWhatHappenedAndNoneNamesAnyone) {
  TempDir dir;
  TestPki pki{dir.path()};
  ServerConfig config = TestServerConfig(dir, pki);
  config.set_metrics_listen_address("127.0.0.1:0");
  ASSERT_TRUE(CreateKeyFile(dir.File("backup.key")).ok());
  config.set_backup_key_file(dir.File("backup.key"));
  config.set_backup_dir(dir.File("backups"));
  config.set_backup_interval_seconds(3600);
  auto started = SafeguardServer::Start(config);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<SafeguardServer> server = *std::move(started);
  ASSERT_GT(server->metrics_port(), 0);
  Callers callers(pki, server->port());

  std::vector<v1::Referral> submitted(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(callers
                    .Submit(kCouncil, absl::StrCat("m-", i),
                            TargetHardeningSubmission(), &submitted[i])
                    .ok());
  }
  v1::Referral out;
  EXPECT_EQ(callers.Get(kCouncil, "referrals/0000000000000000000000000000", &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(callers.Get(kStranger, submitted[0].name(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext watch_context;
  v1::WatchReferralsRequest watch;
  auto stream = callers.As(kSanctuary).WatchReferrals(&watch_context, watch);
  ASSERT_TRUE(server->backups_for_test()->BackupNow().ok());

  // The watch opens on a worker: scrape until it shows.
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body = Scrape(server->metrics_port());
    if (Sample(body, "safeguard_watch_streams_open") == 1.0) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(body.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << body;
  EXPECT_NE(body.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"),
            std::string::npos);
  EXPECT_EQ(Sample(body, "safeguard_watch_streams_open"), 1.0) << body;
  const std::string submit = "safeguard.v1.Referrals/SubmitReferral";
  const std::string get = "safeguard.v1.Referrals/GetReferral";
  EXPECT_EQ(Sample(body, "safeguard_calls_total{code=\"OK\",method=\"" + submit + "\"}"),
            3.0)
      << body;
  EXPECT_EQ(Sample(body, "safeguard_calls_total{code=\"NOT_FOUND\",method=\"" + get + "\"}"),
            1.0)
      << body;
  EXPECT_EQ(Sample(body, "safeguard_calls_total{code=\"PERMISSION_DENIED\",method=\"" +
                             get + "\"}"),
            1.0)
      << body;
  EXPECT_EQ(Sample(body, "safeguard_calls_total{code=\"OK\",method=\""
                         "safeguard.v1.Referrals/WatchReferrals\"}"),
            1.0)
      << body;
  EXPECT_EQ(Sample(body, "safeguard_call_duration_seconds_count{method=\"" + submit + "\"}"),
            3.0)
      << body;
  EXPECT_EQ(Sample(body, "safeguard_worker_queue_depth"), 0.0) << body;
  // Each submission is a write of a group commit, as is each audit entry
  // of a read; so is the backup's.
  std::optional<double> commits = Sample(body, "safeguard_group_commit_writes_count");
  ASSERT_TRUE(commits.has_value()) << body;
  EXPECT_GE(*commits, 3.0);
  EXPECT_EQ(Sample(body, "safeguard_commit_seconds_count"), commits);
  std::optional<double> server_days =
      Sample(body, "safeguard_certificate_expiry_days{certificate=\"server\"}");
  std::optional<double> ca_days =
      Sample(body, "safeguard_certificate_expiry_days{certificate=\"ca\"}");
  ASSERT_TRUE(server_days.has_value() && ca_days.has_value()) << body;
  EXPECT_GT(*server_days, 0);
  EXPECT_GT(*ca_days, 0);
  std::optional<double> backup_age = Sample(body, "safeguard_backup_age_seconds");
  ASSERT_TRUE(backup_age.has_value()) << body;
  EXPECT_GE(*backup_age, 0);
  EXPECT_LT(*backup_age, 60);
  std::optional<double> bytes = Sample(body, "safeguard_database_bytes");
  ASSERT_TRUE(bytes.has_value()) << body;
  EXPECT_GT(*bytes, 4096);
  EXPECT_TRUE(Sample(body, "safeguard_audit_unsigned_entries").has_value()) << body;

  // Nothing about anyone.
  std::vector<std::string> secrets = {"Chris Example", "Example Row", "IP33",
                                      "babergh", "west-suffolk", "no-such-agency",
                                      "system/case", "sanctuary", "someone",
                                      "m-0", "referrals/", "THD-"};
  for (const v1::Referral& r : submitted) {
    secrets.push_back(r.name());
    secrets.push_back(r.reference());
    secrets.push_back(r.name().substr(r.name().find('/') + 1));
  }
  for (const std::string& secret : secrets) {
    EXPECT_EQ(body.find(secret), std::string::npos) << secret;
  }

  // Only GET /metrics is there.
  EXPECT_EQ(HttpExchange(server->metrics_port(),
                         "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .rfind("HTTP/1.1 404", 0),
            0u);
  EXPECT_EQ(HttpExchange(server->metrics_port(),
                         "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n")
                .rfind("HTTP/1.1 405", 0),
            0u);
  watch_context.TryCancel();
  server->Shutdown(absl::Seconds(5));
}

}  // namespace
}  // namespace safeguard
