// File: server/app/storage_watch.h
//
// StorageWatch: whether safeguardd can write to its disk now, for the
// health service and for the writes themselves. It is the database's
// WriteGate. Writes are refused at once (UNAVAILABLE, nothing runs) while
//   - the data folder's free space is under the reserve (disk_reserve_mb),
//     so that a clean stop can still fold the WAL into the database and a
//     restart succeeds; or
//   - a write has failed for a storage reason (SQLite's "database or disk
//     is full" at commit), until a probe write succeeds again.
// A thread of its own checks the free space four times a second and, after
// a failure, rewrites one row (a commit that needs disk space as any other
// does) until that works. Each change is one line on stderr and a call to
// `on_change(writable)`, from that thread only.
//
// CheckDiskReserve() is the same check made once, at start-up.
//
// Borrows the SharedDatabase, which must outlive it; sets itself as its
// gate while it lives. Owns its thread. Start/Stop from one thread; the
// rest is thread-safe.
#ifndef SAFEGUARD_SERVER_APP_STORAGE_WATCH_H_
#define SAFEGUARD_SERVER_APP_STORAGE_WATCH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/storage/shared_database.h"

namespace safeguard {

// The bytes free to safeguardd in the folder `dir` (statvfs).
absl::StatusOr<int64_t> FreeBytes(const std::string& dir);

// Fails, naming the folder, its free bytes and the reserve, when `dir` has
// less than `reserve_bytes` free.
absl::Status CheckDiskReserve(const std::string& dir, int64_t reserve_bytes);

class StorageWatch final : public SharedDatabase::WriteGate {
 public:
  StorageWatch(SharedDatabase& db, std::string data_dir, int64_t reserve_bytes,
               std::function<void(bool writable)> on_change);
  StorageWatch(const StorageWatch&) = delete;
  StorageWatch& operator=(const StorageWatch&) = delete;
  ~StorageWatch();

  // Starts the thread.
  void Start();
  // Stops the thread; writes are still gated by the last state seen.
  void Stop();

  bool writable() const { return writable_.load(); }

  // SharedDatabase::WriteGate
  absl::Status Admit() override;
  void Failed(const absl::Status& status) override;

 private:
  void Run();
  // One check: the free space, and after a failure a probe write.
  void Check();

  SharedDatabase& db_;
  const std::string data_dir_;
  const int64_t reserve_bytes_;
  const std::function<void(bool)> on_change_;

  std::atomic<bool> writable_{true};  // what Admit() lets through
  absl::Mutex mu_;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;      // a write failed
  bool low_ ABSL_GUARDED_BY(mu_) = false;         // under the reserve
  bool reported_ ABSL_GUARDED_BY(mu_) = true;     // writable, as last said
  std::string problem_ ABSL_GUARDED_BY(mu_);      // why writes are refused
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_STORAGE_WATCH_H_
