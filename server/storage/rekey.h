// File: server/storage/rekey.h
//
// RekeyDatabase(): re-encrypts a safeguard database under a new key.
//
// Recipe: open with the old key and checkpoint the WAL; export every page
// into a sibling file keyed with the new key (sqlcipher_export); check that
// file's integrity under the new key; fsync it; then rename() it over the
// original and fsync the folder. The rename is the single commit point, so a
// crash at any moment leaves a database that opens with exactly one of the
// two keys (the old one before the rename, the new one after). A stale
// "<path>.rekey" file from an interrupted run is removed by the next run.
//
// The caller must hold the data folder lock: no server may have the file
// open.
#ifndef SAFEGUARD_SERVER_STORAGE_REKEY_H_
#define SAFEGUARD_SERVER_STORAGE_REKEY_H_

#include <string>

#include "absl/status/status.h"
#include "server/storage/database_key.h"

namespace safeguard {

absl::Status RekeyDatabase(const std::string& path, const DatabaseKey& old_key,
                           const DatabaseKey& new_key);

// Copies the whole database at `from` (under `from_key`) into the new file
// `to` (under `to_key`) with sqlcipher_export, reading every table from one
// snapshot (one read transaction: in WAL mode writers carry on meanwhile),
// and leaves `to` in WAL mode with its WAL folded in. Used by rekey,
// backup and restore.
absl::Status ExportDatabase(const std::string& from, const DatabaseKey& from_key,
                            const std::string& to, const DatabaseKey& to_key);

// The temporary file RekeyDatabase() writes beside `path`.
std::string RekeyTempPath(const std::string& path);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_REKEY_H_
