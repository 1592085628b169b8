#include "server/storage/shared_database.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "sqlcipher/sqlite3.h"
#include "server/common/log.h"
#include "server/core/status_macros.h"
#include "server/storage/migrations.h"

namespace safeguard {
namespace {

// A body's answer that it will not write, given before it wrote anything;
// storage errors (I/O, corruption, memory) are never taken for one.
bool IsRefusal(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SharedDatabase>> SharedDatabase::Open(
    const std::string& path, const DatabaseKey& key, const Options& options) {
  // The writer's cache stays warm (reads run on it when it is idle); a
  // reader's is emptied whenever the writer commits, so it stays small.
  Database::Options writer;
  writer.cache_kib = 32768;
  writer.create_if_missing = !options.read_only;
  writer.read_only = options.read_only;
  writer.immutable = options.read_only;
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr db, Database::Open(path, key, writer));
  int version = 0;
  if (options.read_only) {
    SAFEGUARD_ASSIGN_OR_RETURN(version, ReadSchemaVersion(*db));
    const int newest = SchemaMigrations().back().version;
    if (version > newest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", path, " has schema v", version,
          ", newer than this build's v", newest));
    }
  } else {
    SAFEGUARD_ASSIGN_OR_RETURN(version, ApplyMigrations(*db, SchemaMigrations()));
  }
  std::vector<DatabasePtr> readers;
  Database::Options read_only;
  read_only.create_if_missing = false;
  read_only.read_only = true;
  read_only.immutable = options.read_only;
  read_only.cache_kib = 2048;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr reader,
                               Database::Open(path, key, read_only));
    readers.push_back(std::move(reader));
  }
  Database::Options checkpointing;
  checkpointing.create_if_missing = false;
  checkpointing.read_only = options.read_only;
  checkpointing.immutable = options.read_only;
  checkpointing.cache_kib = 256;  // a checkpoint copies frames, uncached
  SAFEGUARD_ASSIGN_OR_RETURN(DatabasePtr checkpointer,
                             Database::Open(path, key, checkpointing));
  return std::unique_ptr<SharedDatabase>(
      new SharedDatabase(std::move(db), std::move(readers),
                         std::move(checkpointer), options, version));
}

SharedDatabase::SharedDatabase(DatabasePtr db,
                               std::vector<DatabasePtr> readers,
                               DatabasePtr checkpointer, const Options& options,
                               int schema_version)
    : db_(std::move(db)),
      schema_version_(schema_version),
      read_budget_(options.read_budget),
      checkpoint_db_(std::move(checkpointer)),
      checkpoint_pages_(std::max(1, options.checkpoint_pages)) {
  for (DatabasePtr& r : readers) {
    auto reader = std::make_unique<Reader>();
    reader->db = std::move(r);
    // Checked every 1000 virtual-machine steps: cheap, and fine-grained.
    sqlite3_progress_handler(reader->db->handle(), 1000,
                             &SharedDatabase::OnReaderProgress, reader.get());
    idle_readers_.push_back(reader.get());
    readers_.push_back(std::move(reader));
  }
  // Replaces SQLite's automatic checkpoint on the writer.
  sqlite3_wal_hook(db_->handle(), &SharedDatabase::OnWalCommit, this);
  checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

SharedDatabase::~SharedDatabase() {
  {
    absl::MutexLock lock(&checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_thread_.join();
  sqlite3_wal_hook(db_->handle(), nullptr, nullptr);
}

int SharedDatabase::OnWalCommit(void* arg, sqlite3*, const char*, int pages) {
  auto* self = static_cast<SharedDatabase*>(arg);
  self->wal_pages_.store(pages, std::memory_order_relaxed);
  if (pages >= self->checkpoint_pages_) {
    absl::MutexLock lock(&self->checkpoint_mu_);
    self->checkpoint_wanted_ = true;
  }
  return SQLITE_OK;
}

void SharedDatabase::CheckpointLoop() {
  while (true) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      checkpoint_mu_.Await(absl::Condition(
          +[](SharedDatabase* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return self->checkpoint_wanted_ || self->stopping_;
          },
          this));
      if (stopping_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE: copies what no reader still needs, without blocking the
    // writer; the writer starts the WAL over once all of it is copied.
    int rc;
    {
      absl::MutexLock fold(&wal_fold_mu_);
      rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->handle(), "main",
                                     SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                     nullptr);
    }
    checkpoints_.fetch_add(1);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      // Not fatal: the WAL keeps every commit and the next one tries again.
      Log(LogLevel::kError, "wal_checkpoint_failed",
          absl::StrCat("WAL checkpoint failed: ",
                       FromSqliteRc(rc, checkpoint_db_->handle(), "checkpoint")
                           .message()));
    }
  }
}

int SharedDatabase::OnReaderProgress(void* arg) {
  const auto* reader = static_cast<const Reader*>(arg);
  return absl::GetCurrentTimeNanos() >
                 reader->deadline_ns.load(std::memory_order_relaxed)
             ? 1
             : 0;
}

SharedDatabase::Reader* SharedDatabase::AcquireReader() {
  Reader* reader;
  {
    absl::MutexLock lock(&readers_mu_);
    readers_mu_.Await(absl::Condition(
        +[](std::vector<Reader*>* idle) { return !idle->empty(); },
        &idle_readers_));
    reader = idle_readers_.back();
    idle_readers_.pop_back();
  }
  reader->deadline_ns.store(
      absl::ToUnixNanos(absl::Now() + read_budget_), std::memory_order_relaxed);
  return reader;
}

void SharedDatabase::ReleaseReader(Reader* reader) {
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(reader);
}

absl::Status SharedDatabase::Write(
    const std::function<absl::Status(Database&)>& body) {
  WriteGate* gate = gate_.load();
  if (gate != nullptr) {
    absl::Status admitted = gate->Admit();
    if (!admitted.ok()) return admitted;
  }
  absl::Status status = RunWrite(body);
  if (gate != nullptr && !status.ok() && !IsRefusal(status)) {
    gate->Failed(status);
  }
  return status;
}

absl::Status SharedDatabase::RunWrite(
    const std::function<absl::Status(Database&)>& body) {
  PendingWrite mine{&body};
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(&mine);
  writes_waiting_.fetch_add(1, std::memory_order_relaxed);
  // Each writer sleeps on its own CondVar: a finished batch wakes only its
  // own writers, and the first writer still queued, to lead the next.
  while (!mine.done) {
    if (leading_) {
      mine.wake.Wait(&queue_mu_);
      continue;
    }
    // Lead one batch: everything queued so far, this write included.
    leading_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(queue_);
    queue_mu_.Unlock();
    RunBatch(batch);
    queue_mu_.Lock();
    leading_ = false;
    for (PendingWrite* w : batch) {
      w->done = true;
      if (w != &mine) w->wake.Signal();
    }
    if (!queue_.empty()) queue_.front()->wake.Signal();
  }
  writes_waiting_.fetch_sub(1, std::memory_order_relaxed);
  return mine.status;
}

void SharedDatabase::AwaitFold(absl::Duration limit) {
  const absl::Time until = absl::Now() + limit;
  while (writes_waiting_.load(std::memory_order_relaxed) > 0 &&
         wal_pages_.load(std::memory_order_relaxed) >=
             kMaxWalFactor * checkpoint_pages_ &&
         absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(1));
  }
}

absl::Status SharedDatabase::CheckpointNow() {
  absl::MutexLock lock(&mu_);
  absl::MutexLock fold(&wal_fold_mu_);
  const int rc = sqlite3_wal_checkpoint_v2(
      db_->handle(), "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqliteRc(rc, db_->handle(), "checkpoint");
  wal_pages_.store(0, std::memory_order_relaxed);
  return absl::OkStatus();
}

void SharedDatabase::RunBatch(const std::vector<PendingWrite*>& batch) {
  absl::MutexLock lock(&mu_);
  if (wal_pages_.load(std::memory_order_relaxed) >=
      kMaxWalFactor * checkpoint_pages_) {
    // Writers that never pause let the background checkpoint chase the
    // log's end for ever, and the WAL grow without bound. Past the cap this
    // batch waits while the writer folds the whole WAL in and cuts the file
    // back, so that the WAL, and the disk reserve it needs, stay bounded.
    // (Reads finish within their budget; a busy one is waited for; so is
    // a background checkpoint, which finishes the sooner for it.)
    absl::MutexLock fold(&wal_fold_mu_);
    if (sqlite3_wal_checkpoint_v2(db_->handle(), "main",
                                  SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                  nullptr) == SQLITE_OK) {
      wal_pages_.store(0, std::memory_order_relaxed);
    }
    wal_truncations_.fetch_add(1);
  }
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
      if (!s.ok() && (!IsRefusal(s) || db.TotalChanges() != before ||
                      !db.InTransaction())) {
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
  const absl::Time commit_start = absl::Now();
  absl::Status commit = aborted ? absl::UnavailableError("write aborted")
                                : db.Exec("COMMIT;");
  commits_.fetch_add(1);
  if (CommitListener* listener = commit_listener_.load(); listener != nullptr) {
    listener->Committed(batch.size(), absl::Now() - commit_start);
  }
  if (!commit.ok()) {
    if (db.InTransaction()) db.Exec("ROLLBACK;").IgnoreError();
    for (PendingWrite* w : batch) {
      if (w->status.ok()) w->status = commit;
    }
  }
  return true;
}

}  // namespace safeguard
