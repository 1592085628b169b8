#include "server/storage/rekey.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/common/durable_file.h"
#include "server/common/secret_file.h"
#include "server/core/status_macros.h"
#include "server/storage/database.h"
#include "server/storage/migrations.h"

namespace safeguard {
namespace {

absl::Status Export(const std::string& path, const std::string& temp,
                    const DatabaseKey& old_key, const DatabaseKey& new_key) {
  Database::Options options;
  options.create_if_missing = false;
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr db,
                             Database::Open(path, old_key, options));
  SAFEGUARD_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(*db));
  SAFEGUARD_RETURN_IF_ERROR(db->Exec("PRAGMA wal_checkpoint(TRUNCATE);"));
  db.reset();
  SAFEGUARD_RETURN_IF_ERROR(ExportDatabase(path, old_key, temp, new_key));

  // Check the copy under the new key before it replaces anything.
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr copy,
                             Database::Open(temp, new_key, options));
  SAFEGUARD_RETURN_IF_ERROR(copy->CheckIntegrity());
  SAFEGUARD_ASSIGN_OR_RETURN(int copied_version, ReadSchemaVersion(*copy));
  if (copied_version != version) {
    return absl::InternalError("re-encrypted copy lost the schema version");
  }
  // Fold the copy's WAL into the file so the rename moves everything.
  SAFEGUARD_RETURN_IF_ERROR(copy->Exec("PRAGMA wal_checkpoint(TRUNCATE);"));
  SAFEGUARD_RETURN_IF_ERROR(copy->Exec("PRAGMA journal_mode = DELETE;"));
  return absl::OkStatus();
}

}  // namespace

absl::Status ExportDatabase(const std::string& from, const DatabaseKey& from_key,
                            const std::string& to, const DatabaseKey& to_key) {
  {
    Database::Options options;
    options.create_if_missing = false;
    options.cache_kib = 2048;
    SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr source,
                               Database::Open(from, from_key, options));
    SAFEGUARD_RETURN_IF_ERROR(source->Exec(absl::StrCat(
        "PRAGMA cipher_default_page_size = ", kCipherPageSize, ";")));
    {
      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement attach, source->Prepare("ATTACH DATABASE ? AS other KEY ?;"));
      std::string raw_key = to_key.SqlCipherRawKey();
      absl::Status bound = attach.BindText(1, to);
      if (bound.ok()) bound = attach.BindText(2, raw_key);
      WipeString(raw_key);
      SAFEGUARD_RETURN_IF_ERROR(bound);
      SAFEGUARD_RETURN_IF_ERROR(attach.Run());
    }
    // One transaction: every table is read from the same snapshot.
    absl::Status copied =
        source->Exec("BEGIN; SELECT sqlcipher_export('other'); COMMIT;");
    if (!copied.ok() && source->InTransaction()) {
      source->Exec("ROLLBACK;").IgnoreError();
    }
    absl::Status detached = source->Exec("DETACH DATABASE other;");
    SAFEGUARD_RETURN_IF_ERROR(copied);
    SAFEGUARD_RETURN_IF_ERROR(detached);
  }
  Database::Options options;
  options.create_if_missing = false;
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr copy, Database::Open(to, to_key, options));
  return copy->Exec("PRAGMA wal_checkpoint(TRUNCATE);");
}

std::string RekeyTempPath(const std::string& path) {
  return absl::StrCat(path, ".rekey");
}

absl::Status RekeyDatabase(const std::string& path, const DatabaseKey& old_key,
                           const DatabaseKey& new_key) {
  if (old_key == new_key) {
    return absl::InvalidArgumentError("the new key is the same as the old key");
  }
  const std::string temp = RekeyTempPath(path);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::string stale = absl::StrCat(temp, suffix);
    if (unlink(stale.c_str()) != 0 && errno != ENOENT) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot remove stale ", stale, ": ",
                       std::strerror(errno)));
    }
  }
  absl::Status exported = Export(path, temp, old_key, new_key);
  if (!exported.ok()) {
    unlink(temp.c_str());
    return exported;
  }
  SAFEGUARD_RETURN_IF_ERROR(FsyncPath(temp, /*directory=*/false));
  // The original's WAL was checkpointed and emptied; remove what is left of
  // it so the renamed file is never paired with a WAL of the old key.
  for (const char* suffix : {"-wal", "-shm"}) {
    unlink(absl::StrCat(path, suffix).c_str());
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot rename ", temp, " to ", path, ": ", std::strerror(errno)));
  }
  return FsyncPath(DirName(path), /*directory=*/true);
}

}  // namespace safeguard
