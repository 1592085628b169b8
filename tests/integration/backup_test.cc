// Backups of the real server's data: taken while it serves and writes,
// checked file by file and entry by entry (every kind of damage named),
// restored with nothing deleted, and scheduled by the server itself,
// audited and pruned.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/app/backup.h"
#include "server/app/safeguard_server.h"
#include "server/common/durable_file.h"
#include "server/common/text_proto.h"
#include "server/storage/database.h"
#include "tests/testing/open_store.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

namespace fs = std::filesystem;

using ::safeguard::testing::Callers;
using ::safeguard::testing::Context;
using ::safeguard::testing::OpenStore;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::testing::HasSubstr;

constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.set_audit_checkpoint_entries(3);
    ASSERT_TRUE(CreateKeyFile(backup_key_file_).ok());
    Start();
  }

  void Start() {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }
  void Stop() {
    callers_.reset();
    server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }

  v1::Referral Submit() {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("b-", ++submissions_));
    *request.mutable_referral() = TargetHardeningSubmission();
    v1::Referral out;
    grpc::Status s =
        callers_->As(kCouncil).SubmitReferral(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::StatusCode Get(const std::string& name) {
    v1::GetReferralRequest request;
    request.set_name(name);
    v1::Referral out;
    return callers_->As(kCouncil).GetReferral(Context().get(), request, &out)
        .error_code();
  }

  std::vector<v1::AuditEntry> Entries(const std::string& method) {
    auto auditor = v1::Audit::NewStub(TestChannel(
        server_->port(), pki_.ca_file(),
        pki_.IssueIdentity("csp-audit", "person/auditor")));
    v1::ListAuditEntriesRequest request;
    request.set_page_size(1000);
    request.mutable_filter()->set_method(method);
    v1::ListAuditEntriesResponse page;
    grpc::Status s = auditor->ListAuditEntries(Context().get(), request, &page);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {page.entries().begin(), page.entries().end()};
  }

  DatabaseKey Key(const std::string& file) {
    absl::StatusOr<DatabaseKey> key = ReadKeyFile(file);
    EXPECT_TRUE(key.ok()) << key.status();
    if (!key.ok()) return DatabaseKey(std::array<uint8_t, DatabaseKey::kSize>{});
    return *std::move(key);
  }

  std::unique_ptr<AuditPublicKey> PublicKey() {
    auto signer = AuditSigner::FromKeyFile(config_.audit_signing_key_file());
    EXPECT_TRUE(signer.ok());
    auto key = AuditPublicKey::FromPem((*signer)->PublicKeyPem());
    EXPECT_TRUE(key.ok());
    return *std::move(key);
  }

  std::string PublicKeyPem() {
    auto signer = AuditSigner::FromKeyFile(config_.audit_signing_key_file());
    EXPECT_TRUE(signer.ok());
    return (*signer)->PublicKeyPem();
  }

  LiveFiles Live() const {
    return {DatabasePath(config_), config_.audit_checkpoint_file()};
  }

  absl::StatusOr<BackupResult> Backup(absl::Time now = absl::Now()) {
    return WriteBackup(Live(), Key(config_.key_file()), Key(backup_key_file_),
                       PublicKeyPem(), dir_.File("backups"), now);
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::string backup_key_file_ = dir_.File("backup.key");
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int submissions_ = 0;
};

TEST_F(BackupTest, ABackupTakenWhileWritesGoOnIsOneConsistentSnapshot) {
  for (int i = 0; i < 10; ++i) Submit();
  std::atomic<bool> done{false};
  std::atomic<int> during{0};
  std::thread writer([&] {
    while (!done.load()) {
      Submit();
      during.fetch_add(1);
    }
  });
  absl::StatusOr<BackupResult> backup = Backup();
  done.store(true);
  writer.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_GT(during.load(), 0);  // writers were not held up

  absl::StatusOr<BackupCheck> check =
      CheckBackup(backup->dir, Key(backup_key_file_), *PublicKey());
  ASSERT_TRUE(check.ok()) << check.status();
  const storage::v1::BackupManifest& manifest = check->manifest;
  EXPECT_TRUE(check->chain.ok());
  EXPECT_EQ(check->chain.entries(), manifest.audit_entries());
  // Ten submissions before the backup began, each with its entry.
  EXPECT_GE(manifest.audit_entries(), 10);
  EXPECT_LE(manifest.last_checkpoint_entries(), manifest.audit_entries());
  EXPECT_EQ(check->chain.unsigned_entries(),
            manifest.audit_entries() - manifest.last_checkpoint_entries());
  EXPECT_EQ(manifest.format(), 1);
  EXPECT_EQ(manifest.schema_version(), server_->schema_version());
  ASSERT_EQ(manifest.files_size(), 3);
  EXPECT_EQ(manifest.files(0).name(), "safeguard.db");
  EXPECT_EQ(manifest.files(1).name(), "audit-checkpoints");
  EXPECT_EQ(manifest.files(2).name(), "audit-public-key.pem");
  EXPECT_EQ(fs::path(backup->dir).parent_path(), fs::path(dir_.File("backups")));
  EXPECT_EQ(fs::path(backup->dir).filename().string().rfind("backup-", 0), 0u);

  // Every referral in the copy has the entry that recorded it: read the
  // copy under the backup key and count both.
  auto copy = OpenStore(backup->dir + "/safeguard.db", Key(backup_key_file_));
  ASSERT_TRUE(copy.ok()) << copy.status();
  int64_t referrals = 0, submitted = 0;
  ASSERT_TRUE(copy->db->Read([&](Database& d) -> absl::Status {
    auto count = [&](const char* sql, int64_t* out) -> absl::Status {
      absl::StatusOr<Statement> s = d.Prepare(sql);
      if (!s.ok()) return s.status();
      absl::StatusOr<bool> row = s->Step();
      if (!row.ok()) return row.status();
      *out = s->ColumnInt64(0);
      return absl::OkStatus();
    };
    absl::Status a = count("SELECT count(*) FROM referrals;", &referrals);
    return a.ok() ? count("SELECT count(*) FROM audit_entries WHERE method = "
                          "'safeguard.v1.Referrals/SubmitReferral' AND code = 0;",
                          &submitted)
                  : a;
  }).ok());
  EXPECT_EQ(referrals, submitted);
  EXPECT_GE(referrals, 10);
  EXPECT_LE(referrals, 10 + during.load());
}

TEST_F(BackupTest, TheBackupIsNotReadableWithTheLiveKey) {
  Submit();
  absl::StatusOr<BackupResult> backup = Backup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_THAT(CheckBackup(backup->dir, Key(config_.key_file()), *PublicKey()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("database ", backup->dir,
                                    "/safeguard.db cannot be decrypted with "
                                    "this key (wrong key, or not a safeguard "
                                    "database)")));
  // And a backup under the live key itself is refused.
  EXPECT_THAT(WriteBackup(Live(), Key(config_.key_file()), Key(config_.key_file()),
                          PublicKeyPem(), dir_.File("backups"), absl::Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the backup key is the database key: a backup needs a "
                       "key of its own"));
}

// Rewrites the manifest's record of `name` to match the file as it is now,
// as someone covering their tracks would.
void Rehash(const std::string& dir, const std::string& name) {
  storage::v1::BackupManifest manifest;
  const std::string path = dir + "/backup-manifest.textproto";
  ASSERT_TRUE(ReadTextProtoFile("manifest", path, &manifest).ok());
  absl::StatusOr<FileDigest> digest = DigestFile(dir + "/" + name);
  ASSERT_TRUE(digest.ok());
  for (storage::v1::BackupFile& f : *manifest.mutable_files()) {
    if (f.name() != name) continue;
    f.set_bytes(digest->bytes);
    f.set_sha256(digest->sha256_hex);
  }
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(manifest, &text));
  std::ofstream(path, std::ios::trunc) << text;
}

TEST_F(BackupTest, EveryKindOfDamageIsFoundAndNamed) {
  for (int i = 0; i < 7; ++i) Submit();
  Stop();  // a final checkpoint: the chain is signed to its end
  absl::StatusOr<BackupResult> backup = Backup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  const std::string pristine = dir_.File("pristine");
  fs::copy(backup->dir, pristine);
  const int64_t entries = backup->manifest.audit_entries();
  const std::string db_file = "/safeguard.db";

  struct Case {
    const char* name;
    std::function<void(const std::string& dir)> damage;
    absl::StatusCode code;
    // How the message begins after "backup <dir>: " (" " for kNotFound).
    std::string message;
  } cases[] = {
      {"no manifest",
       [](const std::string& dir) {
         fs::remove(dir + "/backup-manifest.textproto");
       },
       absl::StatusCode::kNotFound,
       "has no backup-manifest.textproto: not a backup, or one that was cut "
       "short"},
      {"a byte of the database flipped",
       [&](const std::string& dir) {
         std::fstream f(dir + db_file, std::ios::in | std::ios::out | std::ios::binary);
         f.seekp(5000);
         f.put('\x5a');
       },
       absl::StatusCode::kDataLoss, "safeguard.db is not the file the backup wrote"},
      {"a checkpoint cut off",
       [](const std::string& dir) {
         fs::resize_file(dir + "/audit-checkpoints",
                         fs::file_size(dir + "/audit-checkpoints") - 10);
       },
       absl::StatusCode::kDataLoss,
       "audit-checkpoints is not the file the backup wrote"},
      {"a file missing",
       [](const std::string& dir) { fs::remove(dir + "/audit-public-key.pem"); },
       absl::StatusCode::kDataLoss, "audit-public-key.pem cannot be read"},
      {"an entry changed and the manifest rehashed",
       [&](const std::string& dir) {
         auto copy = OpenStore(dir + db_file, Key(backup_key_file_));
         ASSERT_TRUE(copy.ok());
         ASSERT_TRUE(copy->db->With([](Database& d) {
           return d.Exec("UPDATE audit_entries SET code = 7 WHERE seq = 4;");
         }).ok());
         copy->db.reset();
         Rehash(dir, "safeguard.db");
       },
       absl::StatusCode::kDataLoss,
       "its audit chain does not verify: entry 4: entry 4 was changed: its "
       "hash differs"},
      {"the last entries cut and the manifest rewritten to match",
       [&](const std::string& dir) {
         auto copy = OpenStore(dir + db_file, Key(backup_key_file_));
         ASSERT_TRUE(copy.ok());
         ASSERT_TRUE(copy->db->With([&](Database& d) {
           return d.Exec(absl::StrCat("DELETE FROM audit_entries WHERE seq > ",
                                      entries - 2, ";"));
         }).ok());
         absl::StatusOr<AuditHead> head = SqlCipherAuditLog(*copy->db).Head();
         ASSERT_TRUE(head.ok());
         copy->db.reset();
         Rehash(dir, "safeguard.db");
         storage::v1::BackupManifest manifest;
         const std::string path = dir + "/backup-manifest.textproto";
         ASSERT_TRUE(ReadTextProtoFile("manifest", path, &manifest).ok());
         manifest.set_audit_entries(head->size);
         manifest.set_audit_chain_head(absl::BytesToHexString(head->chain));
         std::string text;
         google::protobuf::TextFormat::PrintToString(manifest, &text);
         std::ofstream(path, std::ios::trunc) << text;
       },
       absl::StatusCode::kDataLoss,
       // The first checkpoint past the cut names it.
       absl::StrCat("its audit chain does not verify: entry ", entries - 1,
                    ": checkpoint ")},
      {"checkpoints signed by another key",
       [&](const std::string& dir) {
         const std::string other = dir_.File("other-signing.key");
         fs::remove(other);
         ASSERT_TRUE(CreateSigningKeyFile(other).ok());
         auto signer = AuditSigner::FromKeyFile(other);
         ASSERT_TRUE(signer.ok());
         auto lines = ReadCheckpointFile(dir + "/audit-checkpoints");
         ASSERT_TRUE(lines.ok());
         std::ofstream out(dir + "/audit-checkpoints", std::ios::trunc);
         for (v1::AuditCheckpoint c : *lines) {
           c.set_signature((*signer)->Sign(CheckpointMessage(
               c.size(), c.head(), c.time().seconds())));
           out << FormatCheckpointLine(c) << "\n";
         }
         out.close();
         Rehash(dir, "audit-checkpoints");
       },
       absl::StatusCode::kDataLoss,
       "its audit chain does not verify: a checkpoint: checkpoint 1 (size "},
  };
  const std::string dir = backup->dir;
  for (const Case& c : cases) {
    fs::remove_all(dir);
    fs::copy(pristine, dir);
    c.damage(dir);
    const std::string message =
        c.code == absl::StatusCode::kNotFound
            ? absl::StrCat("backup ", dir, " ", c.message)
            : absl::StrCat("backup ", dir, ": ", c.message);
    absl::StatusOr<BackupCheck> check =
        CheckBackup(dir, Key(backup_key_file_), *PublicKey());
    ASSERT_FALSE(check.ok()) << c.name;
    EXPECT_EQ(check.status().code(), c.code) << c.name << ": " << check.status();
    EXPECT_EQ(std::string(check.status().message()).substr(0, message.size()),
              message)
        << c.name << ": " << check.status();
    // A damaged backup is never restored: the live files stay as they were.
    absl::StatusOr<FileDigest> before = DigestFile(DatabasePath(config_));
    ASSERT_TRUE(before.ok());
    EXPECT_FALSE(RestoreBackup(dir, Key(backup_key_file_), *PublicKey(), Live(),
                               Key(config_.key_file()), absl::Now())
                     .ok())
        << c.name;
    absl::StatusOr<FileDigest> after = DigestFile(DatabasePath(config_));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(before->sha256_hex, after->sha256_hex) << c.name;
    EXPECT_FALSE(fs::exists(DatabasePath(config_) + ".restore")) << c.name;
  }
}

TEST_F(BackupTest, ARestoreBringsBackTheCopyAndSaysInTheChainWhereItEnds) {
  std::vector<std::string> before, after;
  for (int i = 0; i < 4; ++i) before.push_back(Submit().name());
  absl::StatusOr<BackupResult> backup = Backup();
  ASSERT_TRUE(backup.ok()) << backup.status();
  for (int i = 0; i < 3; ++i) after.push_back(Submit().name());
  Stop();

  const absl::Time when = absl::FromUnixSeconds(1800000000);
  absl::StatusOr<RestoreResult> restored =
      RestoreBackup(backup->dir, Key(backup_key_file_), *PublicKey(), Live(),
                    Key(config_.key_file()), when);
  ASSERT_TRUE(restored.ok()) << restored.status();
  const int64_t entries = backup->manifest.audit_entries();
  EXPECT_EQ(restored->check.chain.entries(), entries);
  // Nothing deleted: the replaced database and checkpoint file are kept.
  EXPECT_EQ(restored->replaced_dir,
            config_.data_dir() + "/replaced-20270115T080000.000Z");
  EXPECT_TRUE(fs::exists(restored->replaced_dir + "/safeguard.db"));
  EXPECT_TRUE(fs::exists(config_.audit_checkpoint_file() +
                         ".replaced-20270115T080000.000Z"));
  // The checkpoint file is the backup's: none signed after the copy.
  absl::StatusOr<std::vector<v1::AuditCheckpoint>> checkpoints =
      ReadCheckpointFile(config_.audit_checkpoint_file());
  ASSERT_TRUE(checkpoints.ok());
  EXPECT_EQ(static_cast<int64_t>(checkpoints->size()),
            backup->manifest.audit_checkpoints());

  Start();
  for (const std::string& name : before) {
    EXPECT_EQ(Get(name), grpc::StatusCode::OK) << name;
  }
  for (const std::string& name : after) {
    EXPECT_EQ(Get(name), grpc::StatusCode::NOT_FOUND) << name;
  }
  std::vector<v1::AuditEntry> restores = Entries("safeguardd/Restore");
  ASSERT_EQ(restores.size(), 1u);
  EXPECT_EQ(restores[0].sequence(), entries + 1);
  EXPECT_EQ(restores[0].principal(), "system/operator");
  EXPECT_EQ(restores[0].request_id(), fs::path(backup->dir).filename().string());
  EXPECT_EQ(restores[0].time().seconds(), 1800000000);
  // The restored chain verifies, checkpoints included.
  auto auditor = v1::Audit::NewStub(TestChannel(
      server_->port(), pki_.ca_file(),
      pki_.IssueIdentity("csp-audit", "person/auditor")));
  v1::VerifyAuditLogResponse verified;
  ASSERT_TRUE(auditor->VerifyAuditLog(Context().get(), {}, &verified).ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();
  // The server may have signed more since it started.
  EXPECT_GE(verified.checkpoints(), backup->manifest.audit_checkpoints());
}

TEST_F(BackupTest, TheServerBacksUpOnItsScheduleAuditedAndKeepsTheNewest) {
  Stop();
  config_.set_backup_dir(dir_.File("scheduled"));
  config_.set_backup_interval_seconds(3600);
  config_.set_backup_keep(2);
  config_.set_backup_key_file(backup_key_file_);
  Start();
  Submit();
  ASSERT_NE(server_->backups_for_test(), nullptr);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(server_->backups_for_test()->BackupNow().ok());
  }
  std::vector<std::string> kept;
  for (const auto& entry : fs::directory_iterator(dir_.File("scheduled"))) {
    kept.push_back(entry.path().string());
  }
  std::sort(kept.begin(), kept.end());
  ASSERT_EQ(kept.size(), 2u);
  for (const std::string& dir : kept) {
    absl::StatusOr<BackupCheck> check =
        CheckBackup(dir, Key(backup_key_file_), *PublicKey());
    EXPECT_TRUE(check.ok()) << dir << ": " << check.status();
  }
  std::vector<v1::AuditEntry> backups = Entries("safeguardd/Backup");
  ASSERT_EQ(backups.size(), 3u);
  for (const v1::AuditEntry& e : backups) {
    EXPECT_EQ(e.agency(), "safeguardd");
    EXPECT_EQ(e.principal(), "system/schedule");
    EXPECT_EQ(e.rule(), "backup-schedule");
    EXPECT_EQ(e.code(), 0);
  }

  // The schedule's key is checked at start-up, like every other key.
  Stop();
  config_.set_backup_key_file(dir_.File("missing.key"));
  absl::StatusOr<std::unique_ptr<SafeguardServer>> refused =
      SafeguardServer::Start(config_);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(dir_.File("missing.key")));
  config_.set_backup_key_file(config_.key_file());
  refused = SafeguardServer::Start(config_);
  EXPECT_THAT(refused.status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("backup key file ", config_.key_file(),
                                    " holds the database key: backups need a "
                                    "key of their own")));
}

}  // namespace
}  // namespace safeguard
