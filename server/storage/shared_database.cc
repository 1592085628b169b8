#include "server/storage/shared_database.h"

#include "server/core/status_macros.h"
#include "server/storage/migrations.h"

namespace safeguard {

absl::StatusOr<std::unique_ptr<SharedDatabase>> SharedDatabase::Open(
    const std::string& path, const DatabaseKey& key) {
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr db,
                             Database::Open(path, key, Database::Options()));
  SAFEGUARD_ASSIGN_OR_RETURN(int version,
                             ApplyMigrations(*db, SchemaMigrations()));
  return std::unique_ptr<SharedDatabase>(
      new SharedDatabase(std::move(db), version));
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
  Database& db = *db_;
  absl::Status begin = db.Exec("BEGIN IMMEDIATE;");
  if (!begin.ok()) {
    for (PendingWrite* w : batch) w->status = begin;
    return;
  }
  bool aborted = false;
  for (PendingWrite* w : batch) {
    if (aborted) {
      w->status = absl::UnavailableError("the group commit was aborted");
      continue;
    }
    absl::Status s = db.Exec("SAVEPOINT write;");
    if (s.ok()) s = (*w->body)(db);
    if (s.ok()) {
      s = db.Exec("RELEASE write;");
    } else if (!db.Exec("ROLLBACK TO write; RELEASE write;").ok()) {
      aborted = true;  // the transaction itself is gone
    }
    w->status = s;
  }
  absl::Status commit = aborted ? absl::UnavailableError("write aborted")
                                : db.Exec("COMMIT;");
  commits_.fetch_add(1);
  if (!commit.ok()) {
    db.Exec("ROLLBACK;").IgnoreError();
    for (PendingWrite* w : batch) {
      if (w->status.ok()) w->status = commit;
    }
  }
}

}  // namespace safeguard
