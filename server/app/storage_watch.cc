#include "server/app/storage_watch.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

constexpr absl::Duration kInterval = absl::Milliseconds(250);

std::string UnderReserve(const std::string& dir, int64_t free_bytes,
                         int64_t reserve_bytes) {
  return absl::StrCat("data folder ", dir, " has ", free_bytes,
                      " bytes free, under the disk reserve of ", reserve_bytes,
                      " bytes (disk_reserve_mb)");
}

// A one-row write, committed: it needs new space in the WAL as any commit
// does, so it fails while the disk is full.
absl::Status ProbeWrite(Database& db) {
  return db.InTransaction([&]() -> absl::Status {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement s, db.Prepare("INSERT OR REPLACE INTO write_probe (id, "
                                "at_us) VALUES (1, ?);"));
    SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(1, absl::ToUnixMicros(absl::Now())));
    return s.Run();
  });
}

}  // namespace

absl::StatusOr<int64_t> FreeBytes(const std::string& dir) {
  struct statvfs st;
  if (statvfs(dir.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data folder ", dir, ": cannot read its free space: ",
        std::strerror(errno)));
  }
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

absl::Status CheckDiskReserve(const std::string& dir, int64_t reserve_bytes) {
  if (reserve_bytes <= 0) return absl::OkStatus();
  SAFEGUARD_ASSIGN_OR_RETURN(int64_t free_bytes, FreeBytes(dir));
  if (free_bytes >= reserve_bytes) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(UnderReserve(dir, free_bytes, reserve_bytes),
                   "; free some space, or lower disk_reserve_mb"));
}

StorageWatch::StorageWatch(SharedDatabase& db, std::string data_dir,
                           int64_t reserve_bytes,
                           std::function<void(bool)> on_change)
    : db_(db),
      data_dir_(std::move(data_dir)),
      reserve_bytes_(reserve_bytes),
      on_change_(std::move(on_change)) {
  db_.set_write_gate(this);
}

StorageWatch::~StorageWatch() {
  Stop();
  db_.set_write_gate(nullptr);
}

void StorageWatch::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StorageWatch::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status StorageWatch::Admit() {
  if (writable_.load()) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  return absl::UnavailableError(
      absl::StrCat("writes are paused: ", problem_));
}

void StorageWatch::Failed(const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  if (failed_) return;
  failed_ = true;
  problem_ = absl::StrCat("a write failed: ", status.message());
  writable_.store(false);
  wake_ = true;
}

void StorageWatch::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](StorageWatch* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return w->wake_ || w->stopping_;
              },
              this),
          kInterval);
      if (stopping_) return;
      wake_ = false;
    }
    Check();
  }
}

void StorageWatch::Check() {
  absl::StatusOr<int64_t> free_bytes = FreeBytes(data_dir_);
  bool failed;
  {
    absl::MutexLock lock(&mu_);
    failed = failed_;
  }
  // Outside the lock: the probe waits for the writer connection.
  const bool probed = failed && db_.With(ProbeWrite).ok();
  bool writable;
  std::string line;
  {
    absl::MutexLock lock(&mu_);
    if (probed) failed_ = false;
    low_ = reserve_bytes_ > 0 && free_bytes.ok() && *free_bytes < reserve_bytes_;
    if (low_) problem_ = UnderReserve(data_dir_, *free_bytes, reserve_bytes_);
    writable = !low_ && !failed_;
    writable_.store(writable);
    if (writable == reported_) return;
    reported_ = writable;
    line = writable ? "writes resumed; health is SERVING"
                    : absl::StrCat("writes paused, health is NOT_SERVING: ",
                                   problem_);
  }
  Log(writable ? LogLevel::kInfo : LogLevel::kError,
      writable ? "writes_resumed" : "writes_paused", line);
  on_change_(writable);
}

}  // namespace safeguard
