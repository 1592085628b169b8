// The safeguardd binary on a disk that fills up: a small tmpfs in a private
// mount namespace (tests/testing/private_tmpfs.h) holds its data folder and
// checkpoint file. The disk fills during a group commit and during the
// final checkpoint's append, and falls under the disk reserve: the server
// keeps answering health (NOT_SERVING), refuses calls cleanly, serves again
// once space returns, and always starts again.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/storage/database_key.h"
#include "server/audit/audit_format.h"
#include "tests/testing/private_tmpfs.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::safeguard::testing::CertFiles;
using ::safeguard::testing::ConnectedTestChannel;
using ::safeguard::testing::Context;
using ::safeguard::testing::PrivateTmpfs;
using ::safeguard::testing::ReadFileOrEmpty;
using ::safeguard::testing::Subprocess;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;

constexpr int64_t kDiskBytes = 16 << 20;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CreateKeyFile(dir_.File("db.key")).ok());
    ASSERT_TRUE(CreateSigningKeyFile(dir_.File("audit-signing.key")).ok());
    std::filesystem::create_directory(disk_);
    auto tmpfs = PrivateTmpfs::Mount(disk_, kDiskBytes, dir_.path());
    // A small disk of its own needs root and a private mount namespace
    // (unshare, nsenter); without them (a chroot, a user account) the disk
    // cannot be filled safely, and the test says why it did not run.
    if (!tmpfs.ok()) GTEST_SKIP() << tmpfs.status().message();
    tmpfs_ = *std::move(tmpfs);
  }

  // safeguardd in the namespace, with its data and checkpoints on the
  // tmpfs; checkpoints only at shutdown.
  std::unique_ptr<Subprocess> Safeguardd(int reserve_mb) {
    const std::string source = SAFEGUARD_SOURCE_DIR;
    return std::make_unique<Subprocess>(
        tmpfs_->Command(
            {SAFEGUARDD_PATH, "--listen_address=127.0.0.1:0",
             "--http_listen_address=127.0.0.1:0",
             "--data_dir=" + disk_ + "/data", "--key_file=" + dir_.File("db.key"),
             "--tls_ca_file=" + pki_.ca_file(),
             "--tls_cert_file=" + pki_.server().cert,
             "--tls_key_file=" + pki_.server().key,
             "--policy_file=" + source + "/policy/partnership.textproto",
             "--bank_holidays_file=" + source +
                 "/deploy/bank-holidays-england-and-wales.txt",
             "--audit_signing_key_file=" + dir_.File("audit-signing.key"),
             "--audit_checkpoint_file=" + disk_ + "/checkpoints.log",
             "--audit_checkpoint_entries=1000000",
             "--audit_checkpoint_seconds=86400", "--shutdown_grace_seconds=5",
             absl::StrCat("--disk_reserve_mb=", reserve_mb)}),
        dir_.path(), dir_.File(absl::StrCat("out-", ++runs_)));
  }

  // Waits until the server listens; returns its port (0 if it did not).
  int PortOf(Subprocess& p) {
    if (!p.WaitForOutput(", mTLS required", absl::Seconds(20))) return 0;
    const std::string out = p.Output();
    const std::string marker = "listening on 127.0.0.1:";
    size_t at = out.find(marker) + marker.size();
    int port = 0;
    if (!absl::SimpleAtoi(out.substr(at, out.find(',', at) - at), &port)) {
      return 0;
    }
    return port;
  }

  bool Health(int port, HealthCheckResponse::ServingStatus want) {
    return testing::WaitForHealth(port, pki_.ca_file(), athena_, want);
  }

  grpc::Status Submit(int port) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("submission-", ++submissions_));
    *request.mutable_referral() = testing::TargetHardeningSubmission();
    v1::Referral out;
    return v1::Referrals::NewStub(
               ConnectedTestChannel(port, pki_.ca_file(), athena_))
        ->SubmitReferral(Context().get(), request, &out);
  }

  v1::VerifyAuditLogResponse Verify(int port) {
    v1::VerifyAuditLogResponse out;
    grpc::Status s =
        v1::Audit::NewStub(ConnectedTestChannel(
                               port, pki_.ca_file(),
                               pki_.IssueIdentity("csp-audit", "person/auditor")))
            ->VerifyAuditLog(Context().get(), {}, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // SIGTERM; true if it stopped with exit code 0.
  bool Stop(Subprocess& p) {
    p.Signal(SIGTERM);
    std::optional<int> status = p.Wait(absl::Seconds(20));
    return status.has_value() && WIFEXITED(*status) &&
           WEXITSTATUS(*status) == 0;
  }

  TempDir dir_;
  const std::string disk_ = dir_.File("disk");
  TestPki pki_{dir_.path()};
  CertFiles athena_ = pki_.IssueIdentity("suffolk-police", "system/athena");
  std::unique_ptr<PrivateTmpfs> tmpfs_;
  int runs_ = 0;
  int submissions_ = 0;
};

TEST_F(FullDiskTest, TheDiskFillsDuringAGroupCommitAndTheFinalCheckpoint) {
  // Blank lines (which readers skip) put the checkpoint file's end 40 bytes
  // before a page boundary: on a full disk, the final checkpoint's line is
  // written in part.
  const int64_t padding = 4096 - 40;
  std::ofstream(tmpfs_->Path("checkpoints.log")) << std::string(padding, '\n');
  auto server = Safeguardd(/*reserve_mb=*/0);
  int port = PortOf(*server);
  ASSERT_GT(port, 0) << server->Output();
  ASSERT_TRUE(Submit(port).ok());

  tmpfs_->Fill("filler");
  grpc::Status refused = Submit(port);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_message(), "the server cannot record this call now");
  EXPECT_TRUE(Health(port, HealthCheckResponse::NOT_SERVING));
  EXPECT_EQ(Submit(port).error_code(), grpc::StatusCode::UNAVAILABLE);

  std::filesystem::remove(tmpfs_->Path("filler"));
  EXPECT_TRUE(Health(port, HealthCheckResponse::SERVING));
  EXPECT_TRUE(Submit(port).ok());

  tmpfs_->Fill("filler");
  EXPECT_TRUE(Stop(*server)) << server->Output();
  EXPECT_NE(server->Output().find(absl::StrCat(
                "safeguardd: final audit checkpoint failed: checkpoint file ",
                disk_, "/checkpoints.log: cannot be written (No space left on "
                       "device); the partial line was removed\n")),
            std::string::npos)
      << server->Output();
  EXPECT_EQ(ReadFileOrEmpty(tmpfs_->Path("checkpoints.log")),
            std::string(padding, '\n'));

  std::filesystem::remove(tmpfs_->Path("filler"));
  server = Safeguardd(/*reserve_mb=*/0);
  port = PortOf(*server);
  ASSERT_GT(port, 0) << server->Output();
  EXPECT_TRUE(Health(port, HealthCheckResponse::SERVING));
  v1::VerifyAuditLogResponse verified = Verify(port);
  EXPECT_TRUE(verified.ok()) << verified.problem();
  EXPECT_TRUE(Stop(*server)) << server->Output();
  // The final checkpoint now went in whole.
  auto checkpoints = ReadCheckpointFile(tmpfs_->Path("checkpoints.log"));
  ASSERT_TRUE(checkpoints.ok()) << checkpoints.status();
  EXPECT_EQ(checkpoints->size(), 1u);
}

TEST_F(FullDiskTest, UnderTheDiskReserveWritesPauseAndStartUpIsRefused) {
  constexpr int kReserveMb = 4;
  auto server = Safeguardd(kReserveMb);
  int port = PortOf(*server);
  ASSERT_GT(port, 0) << server->Output();
  ASSERT_TRUE(Submit(port).ok());

  tmpfs_->Fill("filler", /*leave=*/2 << 20);
  EXPECT_TRUE(Health(port, HealthCheckResponse::NOT_SERVING));
  EXPECT_EQ(Submit(port).error_code(), grpc::StatusCode::UNAVAILABLE);
  const std::string paused = absl::StrCat(
      "safeguardd: writes paused, health is NOT_SERVING: data folder ", disk_,
      "/data has ");
  EXPECT_NE(server->Output().find(paused), std::string::npos)
      << server->Output();
  EXPECT_NE(server->Output().find(" bytes free, under the disk reserve of "
                                  "4194304 bytes (disk_reserve_mb)\n"),
            std::string::npos)
      << server->Output();

  std::filesystem::remove(tmpfs_->Path("filler"));
  EXPECT_TRUE(Health(port, HealthCheckResponse::SERVING));
  EXPECT_TRUE(Submit(port).ok());

  // Under the reserve, a stop still folds the WAL in, and start-up says why
  // it will not start.
  tmpfs_->Fill("filler", /*leave=*/2 << 20);
  EXPECT_TRUE(Stop(*server)) << server->Output();
  EXPECT_FALSE(std::filesystem::exists(tmpfs_->Path("data/safeguard.db-wal")));
  server = Safeguardd(kReserveMb);
  std::optional<int> status = server->Wait(absl::Seconds(20));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_NE(server->Output().find(absl::StrCat("safeguardd: data folder ",
                                               disk_, "/data has ")),
            std::string::npos)
      << server->Output();
  EXPECT_NE(server->Output().find(" bytes free, under the disk reserve of "
                                  "4194304 bytes (disk_reserve_mb); free some "
                                  "space, or lower disk_reserve_mb\n"),
            std::string::npos)
      << server->Output();

  std::filesystem::remove(tmpfs_->Path("filler"));
  server = Safeguardd(kReserveMb);
  port = PortOf(*server);
  ASSERT_GT(port, 0) << server->Output();
  v1::VerifyAuditLogResponse verified = Verify(port);
  EXPECT_TRUE(verified.ok()) << verified.problem();
  EXPECT_TRUE(Stop(*server)) << server->Output();
}

}  // namespace
}  // namespace safeguard
