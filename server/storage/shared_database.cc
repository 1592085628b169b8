#include "server/storage/shared_database.h"

#include <algorithm>

#include "server/core/status_macros.h"
#include "server/storage/migrations.h"

namespace safeguard {

absl::StatusOr<std::unique_ptr<SharedDatabase>> SharedDatabase::Open(
    const std::string& path, const DatabaseKey& key, const Options& options) {
  Database::Options writer;
  writer.cache_kib = 16384;
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr db, Database::Open(path, key, writer));
  SAFEGUARD_ASSIGN_OR_RETURN(int version,
                             ApplyMigrations(*db, SchemaMigrations()));
  std::vector<DatabasePtr> readers;
  Database::Options read_only;
  read_only.create_if_missing = false;
  read_only.read_only = true;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr reader,
                               Database::Open(path, key, read_only));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<SharedDatabase>(
      new SharedDatabase(std::move(db), std::move(readers), version));
}

SharedDatabase::SharedDatabase(DatabasePtr db,
                               std::vector<DatabasePtr> readers,
                               int schema_version)
    : db_(std::move(db)),
      schema_version_(schema_version),
      readers_(std::move(readers)) {
  for (const DatabasePtr& r : readers_) idle_readers_.push_back(r.get());
}

Database* SharedDatabase::AcquireReader() {
  absl::MutexLock lock(&readers_mu_);
  readers_mu_.Await(absl::Condition(
      +[](std::vector<Database*>* idle) { return !idle->empty(); },
      &idle_readers_));
  Database* reader = idle_readers_.back();
  idle_readers_.pop_back();
  return reader;
}

void SharedDatabase::ReleaseReader(Database* reader) {
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(reader);
}

absl::Status SharedDatabase::Write(
    const std::function<absl::Status(Database&)>& body) {
  PendingWrite mine{&body};
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leading_) {
      batch_done_.Wait(&queue_mu_);
      continue;
    }
    // Lead one batch: everything queued so far, this write included unless
    // an earlier leader already took it.
    leading_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(queue_);
    queue_mu_.Unlock();
    RunBatch(batch);
    queue_mu_.Lock();
    for (PendingWrite* w : batch) w->done = true;
    leading_ = false;
    batch_done_.SignalAll();
  }
  return mine.status;
}

void SharedDatabase::RunBatch(const std::vector<PendingWrite*>& batch) {
  absl::MutexLock lock(&mu_);
  if (!TryBatch(*db_, batch, /*savepoints=*/false)) {
    TryBatch(*db_, batch, /*savepoints=*/true);
  }
}

bool SharedDatabase::TryBatch(Database& db,
                              const std::vector<PendingWrite*>& batch,
                              bool savepoints) {
  absl::Status begin = db.Exec("BEGIN IMMEDIATE;");
  if (!begin.ok()) {
    for (PendingWrite* w : batch) w->status = begin;
    return true;
  }
  bool aborted = false;
  for (PendingWrite* w : batch) {
    if (aborted) {
      w->status = absl::UnavailableError("the group commit was aborted");
      continue;
    }
    if (!savepoints) {
      const int64_t before = db.TotalChanges();
      absl::Status s = (*w->body)(db);
      if (!s.ok() && (db.TotalChanges() != before || !db.InTransaction())) {
        // It failed half-way: only a savepoint per write can undo it alone.
        if (db.InTransaction()) db.Exec("ROLLBACK;").IgnoreError();
        return false;
      }
      w->status = s;
      continue;
    }
    absl::Status s = db.Exec("SAVEPOINT write;");
    if (s.ok()) s = (*w->body)(db);
    if (s.ok()) {
      s = db.Exec("RELEASE write;");
    } else if (!db.Exec("ROLLBACK TO write;").ok() ||
               !db.Exec("RELEASE write;").ok()) {
      aborted = true;  // the transaction itself is gone
    }
    w->status = s;
  }
  absl::Status commit = aborted ? absl::UnavailableError("write aborted")
                                : db.Exec("COMMIT;");
  commits_.fetch_add(1);
  if (!commit.ok()) {
    if (db.InTransaction()) db.Exec("ROLLBACK;").IgnoreError();
    for (PendingWrite* w : batch) {
      if (w->status.ok()) w->status = commit;
    }
  }
  return true;
}

}  // namespace safeguard
