// safeguardd starts again after whatever a full disk or a crash leaves
// behind, through the real server: a torn last checkpoint line is removed;
// a bad line before it, a checkpoint file that is missing or behind the
// database's record of it, and a data folder short of its disk reserve stop
// start-up with the exact reason; and while the disk cannot be written,
// health says NOT_SERVING and calls are refused, until it can again.
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "server/audit/audit_format.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::safeguard::testing::CertFiles;
using ::safeguard::testing::ConnectedTestChannel;
using ::safeguard::testing::Context;
using ::safeguard::testing::IsOk;
using ::safeguard::testing::ReadFileOrEmpty;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::safeguard::testing::WaitForHealth;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class RestartTest : public ::testing::Test {
 protected:
  RestartTest() { config_.set_audit_checkpoint_entries(1); }

  absl::StatusOr<std::unique_ptr<SafeguardServer>> Start() {
    return SafeguardServer::Start(config_);
  }

  grpc::Status ServerInfo(int port) {
    v1::GetServerInfoResponse out;
    return v1::ServerInfo::NewStub(
               ConnectedTestChannel(port, pki_.ca_file(), athena_))
        ->GetServerInfo(Context().get(), {}, &out);
  }

  // Starts the server, makes `calls` audited calls and stops it, which
  // signs (and records) a final checkpoint covering them.
  void RunCalls(int calls) {
    auto server = Start();
    ASSERT_THAT(server, IsOk());
    for (int i = 0; i < calls; ++i) {
      ASSERT_TRUE(ServerInfo((*server)->port()).ok());
    }
    (*server)->Shutdown(absl::Seconds(5));
  }

  std::string checkpoints() const { return config_.audit_checkpoint_file(); }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  CertFiles athena_ = pki_.IssueIdentity("suffolk-police", "system/athena");
};

TEST_F(RestartTest, ATornLastCheckpointLineIsRemovedAtStartUp) {
  RunCalls(3);
  const std::string good = ReadFileOrEmpty(checkpoints());
  ASSERT_FALSE(good.empty());
  struct Case {
    const char* name;
    std::string tail;
  } cases[] = {
      {"a line cut short, without its newline", good.substr(0, 40)},
      {"a whole last line that is no checkpoint", "v1 7 0badc0de\n"},
      {"a bad last line, then blank lines", "v1 7 0badc0de\n\n\n"},
  };
  for (const Case& c : cases) {
    WriteFile(checkpoints(), good + c.tail);
    auto server = Start();
    ASSERT_THAT(server, IsOk()) << c.name;
    EXPECT_EQ(ReadFileOrEmpty(checkpoints()), good) << c.name;
    (*server)->Shutdown(absl::Seconds(5));
  }
}

TEST_F(RestartTest, ABadCheckpointLineBeforeTheLastStopsStartUp) {
  RunCalls(2);
  const std::string good = ReadFileOrEmpty(checkpoints());
  const std::string first_line = good.substr(0, good.find('\n') + 1);
  const int lines = static_cast<int>(std::count(good.begin(), good.end(), '\n'));
  WriteFile(checkpoints(), good + "not a checkpoint\n" + first_line);
  EXPECT_THAT(Start(), StatusIs(absl::StatusCode::kDataLoss,
                                absl::StrCat("checkpoint file ", checkpoints(),
                                             ":", lines + 1,
                                             ": not a checkpoint line")));
  // Nothing was cut from it.
  EXPECT_EQ(ReadFileOrEmpty(checkpoints()),
            good + "not a checkpoint\n" + first_line);
}

TEST_F(RestartTest, ACheckpointFileMissingOrBehindTheDatabaseStopsStartUp) {
  RunCalls(2);
  RunCalls(2);
  const std::string good = ReadFileOrEmpty(checkpoints());
  auto signed_checkpoints = ReadCheckpointFile(checkpoints());
  ASSERT_THAT(signed_checkpoints, IsOk());
  ASSERT_GE(signed_checkpoints->size(), 2u);
  const int64_t size = signed_checkpoints->back().size();
  const std::string first_line = good.substr(0, good.find('\n') + 1);
  const int64_t first_size = signed_checkpoints->front().size();
  // The last line, signed over another head: its size stays, its head not.
  std::string replaced = good;
  const size_t head = replaced.rfind("\nv1 ") + 4 + std::to_string(size).size() + 1;
  replaced[head] = replaced[head] == '0' ? '1' : '0';

  struct Case {
    const char* name;
    std::optional<std::string> file;  // none: the file is gone
    std::string message;
  } cases[] = {
      {"missing", std::nullopt,
       absl::StrCat("checkpoint file ", checkpoints(),
                    " is missing, but the database recorded ", good.size(),
                    " bytes in it (a checkpoint of ", size,
                    " entries); restore it from its shipped copy")},
      {"behind", first_line,
       absl::StrCat("checkpoint file ", checkpoints(),
                    " is behind the database's record: it has ",
                    first_line.size(), " bytes (checkpoints up to ", first_size,
                    " entries), the database recorded ", good.size(),
                    " bytes (a checkpoint of ", size,
                    " entries); restore it from its shipped copy")},
      {"replaced", replaced,
       absl::StrCat("checkpoint file ", checkpoints(),
                    " does not hold the checkpoint of ", size,
                    " entries that the database recorded; it was replaced")},
  };
  for (const Case& c : cases) {
    if (c.file.has_value()) {
      WriteFile(checkpoints(), *c.file);
    } else {
      std::filesystem::remove(checkpoints());
    }
    EXPECT_THAT(Start(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                  c.message))
        << c.name;
  }
  // Restored from its shipped copy, it starts.
  WriteFile(checkpoints(), good);
  EXPECT_THAT(Start(), IsOk());
}

TEST_F(RestartTest, ADataFolderShortOfItsDiskReserveStopsStartUp) {
  config_.set_disk_reserve_mb(1 << 20);  // 1 TiB
  EXPECT_THAT(
      Start(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               ::testing::MatchesRegex(absl::StrCat(
                   "data folder ", config_.data_dir(),
                   " has [0-9]+ bytes free, under the disk reserve of ",
                   int64_t{1} << 40,
                   " bytes \\(disk_reserve_mb\\); free some space, or lower "
                   "disk_reserve_mb"))));
  EXPECT_FALSE(std::filesystem::exists(DatabasePath(config_)));
}

// Caps the size of every file this process writes (RLIMIT_FSIZE) for its
// lifetime: a write past the cap fails as on a full disk (EFBIG; SIGXFSZ is
// ignored meanwhile).
class FileSizeCap {
 public:
  explicit FileSizeCap(rlim_t bytes) {
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old_);
    rlimit cap = old_;
    cap.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &cap);
  }
  ~FileSizeCap() {
    setrlimit(RLIMIT_FSIZE, &old_);
    signal(SIGXFSZ, SIG_DFL);
  }

 private:
  rlimit old_;
};

TEST_F(RestartTest, HealthIsNotServingWhileTheAuditLogCannotBeWritten) {
  config_.set_audit_checkpoint_entries(1000);
  auto server = Start();
  ASSERT_THAT(server, IsOk());
  const int port = (*server)->port();
  ASSERT_TRUE(ServerInfo(port).ok());
  ASSERT_TRUE(WaitForHealth(port, pki_.ca_file(), athena_,
                            HealthCheckResponse::SERVING));
  auto submit = [&](const std::string& id) {
    v1::SubmitReferralRequest request;
    request.set_request_id(id);
    *request.mutable_referral() = testing::TargetHardeningSubmission();
    v1::Referral out;
    return v1::Referrals::NewStub(
               ConnectedTestChannel(port, pki_.ca_file(), athena_))
        ->SubmitReferral(Context().get(), request, &out);
  };
  {
    // The WAL cannot grow: every commit fails, as on a full disk.
    FileSizeCap cap(std::filesystem::file_size(DatabasePath(config_) + "-wal"));
    grpc::Status refused = ServerInfo(port);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(refused.error_message(), "the server cannot record this call now");
    EXPECT_TRUE(WaitForHealth(port, pki_.ca_file(), athena_,
                              HealthCheckResponse::NOT_SERVING));
    // Refused before any work, reads and writes alike.
    EXPECT_EQ(ServerInfo(port).error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(submit("while-full").error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  EXPECT_TRUE(WaitForHealth(port, pki_.ca_file(), athena_,
                            HealthCheckResponse::SERVING));
  EXPECT_TRUE(ServerInfo(port).ok());
  EXPECT_TRUE(submit("after").ok());
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();

  // It starts again, with an intact log.
  server = Start();
  ASSERT_THAT(server, IsOk());
  v1::VerifyAuditLogResponse verified;
  ASSERT_TRUE(v1::Audit::NewStub(
                  ConnectedTestChannel(
                      (*server)->port(), pki_.ca_file(),
                      pki_.IssueIdentity("csp-audit", "person/auditor")))
                  ->VerifyAuditLog(Context().get(), {}, &verified)
                  .ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();
}

}  // namespace
}  // namespace safeguard
