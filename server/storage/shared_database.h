// File: server/storage/shared_database.h
//
// SharedDatabase: the one SQLCipher connection of a running server, opened,
// keyed and migrated, and lent out under a mutex to the stores built on it
// (SqlCipherStore, SqlCipherReferralStore), so that a change and whatever
// else belongs in its transaction commit together.
//
// Owns the Database. Safe for concurrent use: With() serializes callers.
#ifndef SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_
#define SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/storage/database.h"
#include "server/storage/database_key.h"

namespace safeguard {

class SharedDatabase {
 public:
  // Opens (creating if missing) the database at `path`, checks the key and
  // applies pending schema migrations.
  static absl::StatusOr<std::unique_ptr<SharedDatabase>> Open(
      const std::string& path, const DatabaseKey& key);

  SharedDatabase(const SharedDatabase&) = delete;
  SharedDatabase& operator=(const SharedDatabase&) = delete;

  int schema_version() const { return schema_version_; }

  // Runs `f(Database&)` with the connection to itself.
  template <typename F>
  auto With(F&& f) {
    absl::MutexLock lock(&mu_);
    return f(*db_);
  }

 private:
  SharedDatabase(DatabasePtr db, int schema_version)
      : db_(std::move(db)), schema_version_(schema_version) {}

  absl::Mutex mu_;
  const DatabasePtr db_ ABSL_PT_GUARDED_BY(mu_);
  const int schema_version_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_
