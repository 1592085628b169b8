// File: server/storage/shared_database.h
//
// SharedDatabase: the one SQLCipher connection of a running server, opened,
// keyed and migrated, and lent out to the stores built on it
// (SqlCipherStore, SqlCipherReferralStore, SqlCipherAuditLog), so that a
// change and whatever else belongs in its transaction commit together.
//
// Writes go through Write(), which commits concurrent writers together
// (group commit): the first waiting writer leads, running every queued
// write in one transaction, each in its own savepoint, then one durable
// COMMIT for all. A write returns only once that COMMIT is on disk, so
// "acknowledged means durable" holds with one fsync for many writes. A
// write that fails rolls back to its savepoint and leaves the others be.
//
// Owns the Database. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_
#define SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <vector>
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

  // Runs `f(Database&)` with the connection to itself (reads).
  template <typename F>
  auto With(F&& f) {
    absl::MutexLock lock(&mu_);
    return f(*db_);
  }

  // Runs `body` as one write of a group commit; returns its status, or the
  // commit's error. `body` must only write through the Database it is
  // given, and may run on another waiting writer's thread.
  absl::Status Write(const std::function<absl::Status(Database&)>& body);

  // How many group commits have run (for tests and benchmarks).
  int64_t commits() const { return commits_.load(); }

 private:
  SharedDatabase(DatabasePtr db, int schema_version)
      : db_(std::move(db)), schema_version_(schema_version) {}

  struct PendingWrite {
    const std::function<absl::Status(Database&)>* body;
    absl::Status status;
    bool done = false;
  };
  void RunBatch(const std::vector<PendingWrite*>& batch);

  absl::Mutex mu_;
  const DatabasePtr db_ ABSL_PT_GUARDED_BY(mu_);
  const int schema_version_;

  absl::Mutex queue_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::CondVar batch_done_;
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leading_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::atomic<int64_t> commits_{0};
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_
