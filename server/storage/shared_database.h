// File: server/storage/shared_database.h
//
// SharedDatabase: the SQLCipher connections of a running server, opened,
// keyed and migrated, and lent out to the stores built on it
// (SqlCipherStore, SqlCipherReferralStore, SqlCipherAuditLog): one writer
// connection, so that a change and whatever else belongs in its transaction
// commit together, and a few read-only connections that every read uses
// (WAL lets them see the last commit while the writer works and syncs), so
// that no read holds up a commit, and no read runs past its time budget.
//
// Writes go through Write(), which commits concurrent writers together
// (group commit): the first waiting writer leads, running every queued
// write in one transaction, then one durable COMMIT for all. A write
// returns only once that COMMIT is on disk, so "acknowledged means
// durable" holds with one fsync for many writes.
//
// A write that refuses (NOT_FOUND, ABORTED, ALREADY_EXISTS, ...) without
// having changed a row simply reports its error. Any other failure, or one
// after changing rows, makes the leader roll the batch back and run it
// again with a savepoint per write, so that it fails alone and leaves the
// others be. (Savepoints are not the default because SQLCipher
// encrypts every page a savepoint journals.) A body may therefore run
// twice; it must keep its results only in what it captured, overwriting
// them on each run.
//
// The WAL is checkpointed into the database file by a thread of its own,
// on a connection of its own, once it holds `checkpoint_pages` pages, so a
// commit never waits for a checkpoint (SQLite's automatic checkpoint would
// run inside the COMMIT that crosses the threshold). Should writers never
// pause long enough for that to finish, at kMaxWalFactor times that size
// the next group commit first folds the whole WAL in and truncates it: the
// WAL never grows much past twice its threshold.
//
// A WriteGate, when set, is asked before each write is queued (a refusal is
// that write's status; nothing runs) and told of each write that failed
// for a storage reason (a full disk, an I/O error) rather than a refusal:
// how the server stops writing while its disk is short of space, and
// notices that it cannot write.
//
// Owns the Databases and the checkpoint thread. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_
#define SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <vector>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/storage/database_key.h"

namespace safeguard {

class SharedDatabase {
 public:
  // See the file comment. Implementations are thread-safe.
  class WriteGate {
   public:
    virtual ~WriteGate() = default;
    // OK to let a write run; otherwise the error it returns.
    virtual absl::Status Admit() = 0;
    // A write failed with `status`, a storage error.
    virtual void Failed(const absl::Status& status) = 0;
  };

  // Told of each group commit: how many writes it carried and how long its
  // COMMIT (with its fsync) took. Thread-safe and quick: it runs on the
  // committing writer's thread with the writer connection held.
  class CommitListener {
   public:
    virtual ~CommitListener() = default;
    virtual void Committed(size_t writes, absl::Duration commit_time) = 0;
  };

  struct Options {
    // Read-only connections; reads wait when all are in use.
    int readers = 4;
    // How long one read may run (see Read()).
    absl::Duration read_budget = absl::Seconds(2);
    // WAL pages that start a checkpoint (64 MiB: fewer, larger checkpoints
    // disturb commits less on a large database).
    int checkpoint_pages = 16384;
    // Open an existing database without changing it: no migrations, and
    // every connection read-only and immutable (Database::Options), for
    // checking a backup copy. A schema newer than this build's is refused.
    bool read_only = false;
  };

  // Opens (creating if missing) the database at `path`, checks the key and
  // applies pending schema migrations (unless `read_only`).
  static absl::StatusOr<std::unique_ptr<SharedDatabase>> Open(
      const std::string& path, const DatabaseKey& key,
      const Options& options);
  static absl::StatusOr<std::unique_ptr<SharedDatabase>> Open(
      const std::string& path, const DatabaseKey& key) {
    return Open(path, key, Options());
  }

  SharedDatabase(const SharedDatabase&) = delete;
  SharedDatabase& operator=(const SharedDatabase&) = delete;
  ~SharedDatabase();

  int schema_version() const { return schema_version_; }

  // Runs `f(Database&)` as a read on a read-only connection of its own,
  // never the writer's, so that no read a caller drives holds up commits.
  // Each statement sees every write acknowledged before it started. The
  // read gets `read_budget`: a statement still running then is interrupted
  // and fails with kDeadlineExceeded. Waits while every reader is in use.
  template <typename F>
  auto Read(F&& f) {
    Reader* reader = AcquireReader();
    struct Release {
      SharedDatabase* self;
      Reader* reader;
      ~Release() { self->ReleaseReader(reader); }
    } release{this, reader};
    return f(*reader->db);
  }

  // For a long read made of many short ones (a report's pages), between
  // two of them: while a commit waits for the WAL to be folded in, which
  // needs a moment with no read open, waits for that (at most `limit`), so
  // that the reads do not hold commits up for longer than one of them.
  void AwaitFold(absl::Duration limit = absl::Milliseconds(500));

  // Runs `f(Database&)` with the writer connection to itself, outside any
  // group commit (schema changes and repairs in tests and tools).
  template <typename F>
  auto With(F&& f) {
    absl::MutexLock lock(&mu_);
    return f(*db_);
  }

  // Runs `body` as one write of a group commit; returns its status, or the
  // commit's error. `body` must only write through the Database it is
  // given, and may run on another waiting writer's thread.
  absl::Status Write(const std::function<absl::Status(Database&)>& body);

  // Sets (or, with nullptr, clears) the gate every later write passes;
  // not owned, must outlive its use. Set it before writes run.
  void set_write_gate(WriteGate* gate) { gate_.store(gate); }
  // Likewise for the listener told of each commit.
  void set_commit_listener(CommitListener* listener) {
    commit_listener_.store(listener);
  }

  // Folds the whole WAL into the database file and cuts it back, as a
  // batch past the WAL's cap does (for benchmarks: a database at rest).
  absl::Status CheckpointNow() ABSL_LOCKS_EXCLUDED(mu_);

  // Writes queued or running, not yet returned (for tests).
  int writes_waiting() const { return writes_waiting_.load(); }
  // How many group commits have run (for tests and benchmarks).
  int64_t commits() const { return commits_.load(); }
  // How many background checkpoints have run (for tests and benchmarks).
  int64_t checkpoints() const { return checkpoints_.load(); }
  // How many of them had to fold and truncate a WAL past its cap.
  int64_t wal_truncations() const { return wal_truncations_.load(); }
  static constexpr int kMaxWalFactor = 2;

 private:
  // A read-only connection and the time its current read must end by.
  struct Reader {
    DatabasePtr db;
    std::atomic<int64_t> deadline_ns{0};
  };

  SharedDatabase(DatabasePtr db, std::vector<DatabasePtr> readers,
                 DatabasePtr checkpointer, const Options& options,
                 int schema_version);

  // sqlite3_progress_handler callback: interrupts a read past its budget.
  static int OnReaderProgress(void* reader);

  // sqlite3_wal_hook callback: after each commit on the writer.
  static int OnWalCommit(void* self, struct sqlite3* db, const char* name,
                         int pages);
  void CheckpointLoop() ABSL_LOCKS_EXCLUDED(checkpoint_mu_);

  Reader* AcquireReader() ABSL_LOCKS_EXCLUDED(readers_mu_);
  void ReleaseReader(Reader* reader) ABSL_LOCKS_EXCLUDED(readers_mu_);

  // Write() past the gate.
  absl::Status RunWrite(const std::function<absl::Status(Database&)>& body)
      ABSL_LOCKS_EXCLUDED(queue_mu_, mu_);

  struct PendingWrite {
    const std::function<absl::Status(Database&)>* body;
    absl::Status status;
    bool done = false;
    absl::CondVar wake;  // with queue_mu_
  };
  void RunBatch(const std::vector<PendingWrite*>& batch)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Runs and commits `batch`, setting each write's status. Without
  // savepoints, returns false (having rolled back) when a write failed
  // after changing rows.
  bool TryBatch(Database& db, const std::vector<PendingWrite*>& batch,
                bool savepoints) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const DatabasePtr db_ ABSL_PT_GUARDED_BY(mu_);
  const int schema_version_;

  const absl::Duration read_budget_;
  std::vector<std::unique_ptr<Reader>> readers_;
  absl::Mutex readers_mu_;
  std::vector<Reader*> idle_readers_ ABSL_GUARDED_BY(readers_mu_);

  absl::Mutex queue_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leading_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::atomic<int64_t> commits_{0};
  std::atomic<int> writes_waiting_{0};  // in Write(), not yet done
  std::atomic<WriteGate*> gate_{nullptr};
  std::atomic<CommitListener*> commit_listener_{nullptr};

  const DatabasePtr checkpoint_db_;  // used by the checkpoint thread only
  const int checkpoint_pages_;
  absl::Mutex checkpoint_mu_;
  bool checkpoint_wanted_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  std::atomic<int64_t> checkpoints_{0};
  std::atomic<int64_t> wal_truncations_{0};
  std::atomic<int> wal_pages_{0};  // at the last commit
  // Held while a checkpoint runs: SQLite lets one run at a time, and would
  // refuse the writer's at once.
  absl::Mutex wal_fold_mu_ ABSL_ACQUIRED_AFTER(mu_);
  std::thread checkpoint_thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SHARED_DATABASE_H_
