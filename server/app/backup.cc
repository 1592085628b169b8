#include "server/app/backup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "server/app/checkpointer.h"
#include "server/audit/parallel_verification.h"
#include "server/common/durable_file.h"
#include "server/common/text_proto.h"
#include "server/core/status_macros.h"
#include "server/storage/checkpoint_record.h"
#include "server/storage/database.h"
#include "server/storage/migrations.h"
#include "server/storage/rekey.h"
#include "server/storage/shared_database.h"
#include "server/storage/sqlcipher_audit_log.h"

namespace safeguard {
namespace {

namespace fs = std::filesystem;

constexpr char kDatabase[] = "safeguard.db";
constexpr char kCheckpoints[] = "audit-checkpoints";
constexpr char kPublicKey[] = "audit-public-key.pem";
constexpr char kManifest[] = "backup-manifest.textproto";
constexpr char kPrefix[] = "backup-";
constexpr char kPartial[] = ".partial-";
constexpr int kFormat = 1;
// A checkpoint line is about 150 bytes: a line a minute for decades.
constexpr int64_t kMaxCheckpointFileBytes = int64_t{1} << 32;

std::string Join(const std::string& dir, absl::string_view name) {
  return absl::StrCat(dir, "/", name);
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

std::string FormatHead(const AuditHead& head) {
  return absl::BytesToHexString(head.chain);
}

// The checkpoint file's lines up to the last that covers no more than
// `entries`: the part of the live file that a copy of `entries` entries can
// be checked against. Checkpoints only grow, so this is a prefix.
absl::StatusOr<std::string> CheckpointPrefix(const std::string& path,
                                             int64_t entries) {
  if (access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::string();
  SAFEGUARD_ASSIGN_OR_RETURN(std::string bytes,
                             ReadWholeFile(path, kMaxCheckpointFileBytes));
  size_t keep = 0;
  size_t at = 0;
  while (at < bytes.size()) {
    const size_t end = bytes.find('\n', at);
    if (end == std::string::npos) break;  // being appended: not yet signed whole
    const std::string line = bytes.substr(at, end - at);
    if (!line.empty()) {
      absl::StatusOr<v1::AuditCheckpoint> c = ParseCheckpointLine(line);
      if (!c.ok()) {
        return absl::DataLossError(absl::StrCat(
            "checkpoint file ", path, ": a line at byte ", at,
            " is not a checkpoint"));
      }
      if (c->size() > entries) break;
    }
    at = end + 1;
    keep = at;
  }
  return bytes.substr(0, keep);
}

absl::Status WriteManifest(const std::string& dir,
                           storage::v1::BackupManifest& manifest) {
  for (const char* name : {kDatabase, kCheckpoints, kPublicKey}) {
    SAFEGUARD_ASSIGN_OR_RETURN(FileDigest digest, DigestFile(Join(dir, name)));
    storage::v1::BackupFile* file = manifest.add_files();
    file->set_name(name);
    file->set_bytes(digest.bytes);
    file->set_sha256(digest.sha256_hex);
  }
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(manifest, &text)) {
    return absl::InternalError("cannot print the backup manifest");
  }
  return WriteNewFile(Join(dir, kManifest), text);
}

absl::Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("create folder", path);
  }
  return absl::OkStatus();
}

// Everything WriteBackup does inside its ".partial-" folder.
absl::Status FillBackup(const LiveFiles& live, const DatabaseKey& live_key,
                        const DatabaseKey& backup_key,
                        const std::string& public_key_pem,
                        const std::string& dir, absl::Time now,
                        storage::v1::BackupManifest& manifest) {
  const std::string copy = Join(dir, kDatabase);
  SAFEGUARD_RETURN_IF_ERROR(
      ExportDatabase(live.database, live_key, copy, backup_key));
  // The manifest describes the copy itself, read back under the backup key.
  AuditHead head;
  std::optional<CheckpointRecord> record;
  {
    SharedDatabase::Options options;
    options.readers = 1;
    options.read_only = true;
    SAFEGUARD_ASSIGN_OR_RETURN(std::unique_ptr<SharedDatabase> db,
                               SharedDatabase::Open(copy, backup_key, options));
    manifest.set_schema_version(db->schema_version());
    SqlCipherAuditLog log(*db);
    SAFEGUARD_ASSIGN_OR_RETURN(head, log.Head());
    CheckpointRecords records(*db);
    SAFEGUARD_ASSIGN_OR_RETURN(record, records.Last());
  }
  SAFEGUARD_ASSIGN_OR_RETURN(std::string checkpoints,
                             CheckpointPrefix(live.checkpoint_file, head.size));
  SAFEGUARD_RETURN_IF_ERROR(WriteNewFile(Join(dir, kCheckpoints), checkpoints));
  SAFEGUARD_ASSIGN_OR_RETURN(CheckpointFileContents contents,
                             ReadCheckpointFileContents(Join(dir, kCheckpoints)));
  if (record.has_value()) {
    SAFEGUARD_RETURN_IF_ERROR(
        CheckAgainstRecord(live.checkpoint_file, contents, *record));
  }
  SAFEGUARD_RETURN_IF_ERROR(WriteNewFile(Join(dir, kPublicKey), public_key_pem));
  SAFEGUARD_RETURN_IF_ERROR(FsyncPath(copy, /*directory=*/false));

  manifest.set_format(kFormat);
  manifest.set_created(absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone()));
  manifest.set_safeguard_version(SAFEGUARD_VERSION);
  manifest.set_audit_entries(head.size);
  manifest.set_audit_chain_head(FormatHead(head));
  manifest.set_audit_checkpoints(static_cast<int64_t>(contents.checkpoints.size()));
  manifest.set_last_checkpoint_entries(
      contents.checkpoints.empty() ? 0 : contents.checkpoints.back().size());
  SAFEGUARD_RETURN_IF_ERROR(WriteManifest(dir, manifest));
  return FsyncPath(dir, /*directory=*/true);
}

absl::Status BadBackup(const std::string& dir, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("backup ", dir, ": ", problem));
}

absl::Status CheckFiles(const std::string& dir,
                        const storage::v1::BackupManifest& manifest) {
  if (manifest.format() != kFormat) {
    return BadBackup(dir, absl::StrCat("its manifest has format ",
                                       manifest.format(), "; this build reads ",
                                       kFormat));
  }
  for (const char* name : {kDatabase, kCheckpoints, kPublicKey}) {
    bool listed = false;
    for (const storage::v1::BackupFile& f : manifest.files()) {
      listed = listed || f.name() == name;
    }
    if (!listed) {
      return BadBackup(dir, absl::StrCat("its manifest does not list ", name));
    }
  }
  for (const storage::v1::BackupFile& f : manifest.files()) {
    if (f.name().empty() || absl::StrContains(f.name(), "/") ||
        f.name() == "." || f.name() == "..") {
      return BadBackup(dir, "its manifest names a file outside the folder");
    }
    absl::StatusOr<FileDigest> digest = DigestFile(Join(dir, f.name()));
    if (!digest.ok()) {
      return BadBackup(dir, absl::StrCat(f.name(), " cannot be read: ",
                                         digest.status().message()));
    }
    if (digest->bytes != f.bytes() || digest->sha256_hex != f.sha256()) {
      return BadBackup(dir, absl::StrCat(
                                f.name(), " is not the file the backup wrote (",
                                digest->bytes, " bytes, SHA-256 ",
                                digest->sha256_hex, "; the manifest says ",
                                f.bytes(), " bytes, SHA-256 ", f.sha256(), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BackupResult> WriteBackup(const LiveFiles& live,
                                         const DatabaseKey& live_key,
                                         const DatabaseKey& backup_key,
                                         const std::string& public_key_pem,
                                         const std::string& parent,
                                         absl::Time now) {
  if (live_key == backup_key) {
    return absl::FailedPreconditionError(
        "the backup key is the database key: a backup needs a key of its own");
  }
  SAFEGUARD_RETURN_IF_ERROR(MakeDir(parent));
  const std::string name = absl::StrCat(
      kPrefix, absl::FormatTime("%Y%m%dT%H%M%E3SZ", now, absl::UTCTimeZone()));
  const std::string partial = Join(parent, absl::StrCat(kPartial, name));
  const std::string dir = Join(parent, name);
  if (access(dir.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError(absl::StrCat("backup ", dir, " already exists"));
  }
  std::error_code ignored;
  fs::remove_all(partial, ignored);
  if (mkdir(partial.c_str(), 0700) != 0) return Errno("create folder", partial);
  BackupResult result;
  absl::Status filled = FillBackup(live, live_key, backup_key, public_key_pem,
                                   partial, now, result.manifest);
  if (filled.ok() && rename(partial.c_str(), dir.c_str()) != 0) {
    filled = Errno("rename into place", partial);
  }
  if (filled.ok()) filled = FsyncPath(parent, /*directory=*/true);
  if (!filled.ok()) {
    fs::remove_all(partial, ignored);
    return filled;
  }
  result.dir = dir;
  return result;
}

absl::StatusOr<BackupCheck> CheckBackup(const std::string& dir,
                                        const DatabaseKey& backup_key,
                                        const AuditPublicKey& key) {
  BackupCheck check;
  const std::string manifest_path = Join(dir, kManifest);
  if (access(manifest_path.c_str(), F_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(
        "backup ", dir, " has no ", kManifest,
        ": not a backup, or one that was cut short"));
  }
  SAFEGUARD_RETURN_IF_ERROR(
      ReadTextProtoFile("backup manifest", manifest_path, &check.manifest));
  const storage::v1::BackupManifest& manifest = check.manifest;
  SAFEGUARD_RETURN_IF_ERROR(CheckFiles(dir, manifest));

  SharedDatabase::Options options;
  options.readers = 2;
  options.read_only = true;
  SAFEGUARD_ASSIGN_OR_RETURN(
      std::unique_ptr<SharedDatabase> db,
      SharedDatabase::Open(Join(dir, kDatabase), backup_key, options));
  // Its indexes were built from its rows by sqlcipher_export, and its bytes
  // are the ones written: the structure is what is left to check.
  absl::Status intact = db->With([](Database& d) { return d.CheckStructure(); });
  if (!intact.ok()) {
    return BadBackup(dir, absl::StrCat(kDatabase, " fails its structure check"));
  }
  if (db->schema_version() != manifest.schema_version()) {
    return BadBackup(dir, absl::StrCat(kDatabase, " has schema v",
                                       db->schema_version(),
                                       "; the manifest says v",
                                       manifest.schema_version()));
  }
  SqlCipherAuditLog log(*db);
  SAFEGUARD_ASSIGN_OR_RETURN(AuditHead head, log.Head());
  if (head.size != manifest.audit_entries() ||
      FormatHead(head) != manifest.audit_chain_head()) {
    return BadBackup(dir, absl::StrCat("its audit log has ", head.size,
                                       " entries and chain head ",
                                       FormatHead(head), "; the manifest says ",
                                       manifest.audit_entries(), " and ",
                                       manifest.audit_chain_head()));
  }
  const std::string checkpoint_file = Join(dir, kCheckpoints);
  SAFEGUARD_ASSIGN_OR_RETURN(CheckpointFileContents contents,
                             ReadCheckpointFileContents(checkpoint_file));
  if (contents.torn_line != 0 ||
      static_cast<int64_t>(contents.checkpoints.size()) !=
          manifest.audit_checkpoints()) {
    return BadBackup(dir, absl::StrCat(kCheckpoints, " does not hold the ",
                                       manifest.audit_checkpoints(),
                                       " checkpoints the manifest lists"));
  }
  CheckpointRecords records(*db);
  SAFEGUARD_ASSIGN_OR_RETURN(std::optional<CheckpointRecord> record,
                             records.Last());
  if (record.has_value()) {
    absl::Status matches = CheckAgainstRecord(checkpoint_file, contents, *record);
    if (!matches.ok()) return BadBackup(dir, matches.message());
  }
  ChainVerifier verifier(contents.checkpoints, key);
  SAFEGUARD_RETURN_IF_ERROR(VerifyInParallel(log, verifier));
  check.chain = verifier.Finish();
  if (!check.chain.ok()) {
    return BadBackup(dir, absl::StrCat("its audit chain does not verify: ",
                                       check.chain.first_bad_sequence() == 0
                                           ? std::string("a checkpoint")
                                           : absl::StrCat("entry ",
                                                          check.chain.first_bad_sequence()),
                                       ": ", check.chain.problem()));
  }
  return check;
}

absl::StatusOr<RestoreResult> RestoreBackup(const std::string& dir,
                                            const DatabaseKey& backup_key,
                                            const AuditPublicKey& key,
                                            const LiveFiles& live,
                                            const DatabaseKey& live_key,
                                            absl::Time now) {
  RestoreResult result;
  SAFEGUARD_ASSIGN_OR_RETURN(result.check, CheckBackup(dir, backup_key, key));

  // The restored database is made beside the live one, whole, first.
  const std::string temp = absl::StrCat(live.database, ".restore");
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string stale = absl::StrCat(temp, suffix);
    if (unlink(stale.c_str()) != 0 && errno != ENOENT) {
      return Errno("remove stale", stale);
    }
  }
  auto fail = [&](absl::Status status) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      unlink(absl::StrCat(temp, suffix).c_str());
    }
    return status;
  };
  absl::Status made =
      ExportDatabase(Join(dir, kDatabase), backup_key, temp, live_key);
  if (!made.ok()) return fail(made);
  {
    absl::StatusOr<std::unique_ptr<SharedDatabase>> db =
        SharedDatabase::Open(temp, live_key);  // this build's schema
    if (!db.ok()) return fail(db.status());
    AuditRecord restored;
    restored.time = now;
    restored.agency = "safeguardd";
    restored.principal = "system/operator";
    restored.rule = "restore";
    restored.method = "safeguardd/Restore";
    restored.request_id = fs::path(dir).filename().string().substr(0, 64);
    made = (*db)->Write(
        [&](Database& d) { return AppendAuditRecord(d, restored); });
    if (!made.ok()) return fail(made);
  }
  // Closed: the WAL was folded in and removed, so one file moves.
  if (access(absl::StrCat(temp, "-wal").c_str(), F_OK) == 0) {
    return fail(absl::InternalError(
        absl::StrCat("the restored database ", temp, " kept a WAL after closing")));
  }
  made = FsyncPath(temp, /*directory=*/false);
  if (!made.ok()) return fail(made);
  absl::StatusOr<std::string> checkpoints = ReadWholeFile(
      Join(dir, kCheckpoints), kMaxCheckpointFileBytes);
  if (!checkpoints.ok()) return fail(checkpoints.status());
  const std::string checkpoint_temp = absl::StrCat(live.checkpoint_file, ".restore");
  unlink(checkpoint_temp.c_str());
  made = WriteNewFile(checkpoint_temp, *checkpoints);
  if (!made.ok()) return fail(made);

  // Nothing is deleted, and each live path is replaced by one rename, so
  // at every moment it holds the old file or the new. The order:
  //   1. keep the old database and checkpoint file (hard links, so they
  //      stay in place until replaced);
  //   2. the checkpoint file: a stop here leaves the old database with a
  //      checkpoint file not matching its record, which start-up refuses;
  //   3. the old WAL and shared memory aside (they must never pair with the
  //      new database), then the database.
  // A failure puts back what was moved.
  const std::string stamp =
      absl::FormatTime("%Y%m%dT%H%M%E3SZ", now, absl::UTCTimeZone());
  const std::string data_dir = DirName(live.database);
  const std::string aside = Join(data_dir, absl::StrCat("replaced-", stamp));
  const std::string old_checkpoints =
      absl::StrCat(live.checkpoint_file, ".replaced-", stamp);
  auto exists = [](const std::string& path) {
    return access(path.c_str(), F_OK) == 0;
  };
  const bool had_database = exists(live.database);
  const bool had_checkpoints = exists(live.checkpoint_file);
  if (had_database || exists(absl::StrCat(live.database, "-wal"))) {
    made = MakeDir(aside);
    if (!made.ok()) return fail(made);
    result.replaced_dir = aside;
  }
  if (had_database &&
      link(live.database.c_str(), Join(aside, kDatabase).c_str()) != 0) {
    return fail(Errno("keep a link to", live.database));
  }
  if (had_checkpoints &&
      link(live.checkpoint_file.c_str(), old_checkpoints.c_str()) != 0) {
    return fail(Errno("keep a link to", live.checkpoint_file));
  }
  if (rename(checkpoint_temp.c_str(), live.checkpoint_file.c_str()) != 0) {
    return fail(Errno("rename into place", checkpoint_temp));
  }
  std::vector<std::pair<std::string, std::string>> moved;  // from, to
  auto put_back = [&](absl::Status status) {
    for (auto it = moved.rbegin(); it != moved.rend(); ++it) {
      rename(it->second.c_str(), it->first.c_str());
    }
    if (had_checkpoints) {
      rename(old_checkpoints.c_str(), live.checkpoint_file.c_str());
    }
    return fail(status);
  };
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string from = absl::StrCat(live.database, suffix);
    if (!exists(from)) continue;
    const std::string to = Join(aside, absl::StrCat(kDatabase, suffix));
    if (rename(from.c_str(), to.c_str()) != 0) {
      return put_back(Errno("move aside", from));
    }
    moved.emplace_back(from, to);
  }
  if (rename(temp.c_str(), live.database.c_str()) != 0) {
    return put_back(Errno("rename into place", temp));
  }
  SAFEGUARD_RETURN_IF_ERROR(FsyncPath(data_dir, /*directory=*/true));
  SAFEGUARD_RETURN_IF_ERROR(
      FsyncPath(DirName(live.checkpoint_file), /*directory=*/true));
  return result;
}

absl::Status PruneBackups(const std::string& parent, int keep, absl::Time now) {
  std::vector<std::string> backups;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory()) continue;
    if (absl::StartsWith(name, kPrefix)) {
      backups.push_back(name);
    } else if (absl::StartsWith(name, kPartial)) {
      struct stat st;
      if (stat(entry.path().c_str(), &st) == 0 &&
          absl::FromTimeT(st.st_mtime) < now - absl::Hours(24)) {
        fs::remove_all(entry.path(), error);
      }
    }
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot list backups in ", parent, ": ", error.message()));
  }
  std::sort(backups.begin(), backups.end());  // names sort by time
  for (size_t i = 0; i + static_cast<size_t>(keep) < backups.size(); ++i) {
    fs::remove_all(Join(parent, backups[i]), error);
    if (error) {
      return absl::UnavailableError(absl::StrCat(
          "cannot remove backup ", Join(parent, backups[i]), ": ", error.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace safeguard
