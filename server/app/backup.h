// File: server/app/backup.h
//
// Backups of a safeguard data folder: taken while the server runs, checked
// without one, restored onto a stopped one.
//
// A backup is a folder "backup-<UTC time>" holding
//   safeguard.db               the database, encrypted under the backup key
//                              (not the live key: the copy can go to an
//                              off-site store that never sees the live key)
//   audit-checkpoints          the signed audit checkpoints that the copy's
//                              log reaches (a prefix of the live file)
//   audit-public-key.pem       the public half of the audit signing key
//   backup-manifest.textproto  written last (safeguard.storage.v1.
//                              BackupManifest): time, schema version, the
//                              log's size and chain head, each file's size
//                              and SHA-256
// It is written under a ".partial-" name and renamed into place once every
// file is synced, so a folder with the backup name is whole.
//
// WriteBackup() copies the database with sqlcipher_export inside one read
// transaction on a connection of its own: one consistent snapshot, and in
// WAL mode writers are not held up at all. CheckBackup() trusts nothing in
// the folder until it has checked it: the manifest's hashes, the copy
// opening under the backup key, its integrity, and the audit chain against
// the copied checkpoints under the audit public key the caller trusts.
// RestoreBackup() checks first and swaps in only a backup that passes.
//
// Errors name the folder, the file and the problem; none holds data from
// the database. Stateless functions; thread-safe, though two runs must not
// write one backup folder or restore one data folder at once.
#ifndef SAFEGUARD_SERVER_APP_BACKUP_H_
#define SAFEGUARD_SERVER_APP_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "safeguard/storage/v1/backup_manifest.pb.h"
#include "safeguard/v1/audit.pb.h"
#include "server/audit/audit_format.h"
#include "server/storage/database_key.h"

namespace safeguard {

// The live files a backup copies and a restore replaces.
struct LiveFiles {
  std::string database;
  std::string checkpoint_file;
};

struct BackupResult {
  std::string dir;  // the backup folder written
  storage::v1::BackupManifest manifest;
};

// Writes a new backup folder under `parent` (created, mode 0700, if
// missing). `public_key_pem` is the audit key's public half.
absl::StatusOr<BackupResult> WriteBackup(const LiveFiles& live,
                                         const DatabaseKey& live_key,
                                         const DatabaseKey& backup_key,
                                         const std::string& public_key_pem,
                                         const std::string& parent,
                                         absl::Time now);

struct BackupCheck {
  storage::v1::BackupManifest manifest;
  v1::VerifyAuditLogResponse chain;  // ok: CheckBackup fails otherwise
};

// Checks the backup in `dir`; `key` verifies the checkpoints' signatures.
// kNotFound for a folder without a manifest, kFailedPrecondition for the
// wrong backup key, kDataLoss for anything changed, missing or broken.
absl::StatusOr<BackupCheck> CheckBackup(const std::string& dir,
                                        const DatabaseKey& backup_key,
                                        const AuditPublicKey& key);

struct RestoreResult {
  BackupCheck check;
  // Where the files that were replaced were moved ("" when there were
  // none): nothing is deleted.
  std::string replaced_dir;
};

// Restores the backup in `dir` onto the live files. REQUIRES: the caller
// holds the data folder's lock (no server runs). The restored database is
// keyed with `live_key`, brought to this build's schema, and its audit log
// gains one entry, safeguardd/Restore, after the backup's last: where the
// copy ends is written in the chain itself.
absl::StatusOr<RestoreResult> RestoreBackup(const std::string& dir,
                                            const DatabaseKey& backup_key,
                                            const AuditPublicKey& key,
                                            const LiveFiles& live,
                                            const DatabaseKey& live_key,
                                            absl::Time now);

// Removes all but the newest `keep` backups under `parent`, and any
// ".partial-" folder a run cut short more than a day ago.
absl::Status PruneBackups(const std::string& parent, int keep, absl::Time now);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_BACKUP_H_
