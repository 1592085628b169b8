#include "server/app/backup_schedule.h"

#include <cstdio>

namespace safeguard {

void BackupSchedule::Start() {
  thread_ = std::thread([this] { Run(); });
}

void BackupSchedule::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status BackupSchedule::BackupNow() {
  const absl::Time begin = absl::Now();
  std::string written;
  absl::Status status = access_.System(
      "safeguardd/Backup", "schedule", "backup-schedule", [&]() -> absl::Status {
        absl::StatusOr<BackupResult> backup =
            WriteBackup(options_.live, live_key_, backup_key_,
                        options_.public_key_pem, options_.parent, absl::Now());
        if (!backup.ok()) return backup.status();
        written = backup->dir;
        return PruneBackups(options_.parent, options_.keep, absl::Now());
      });
  if (status.ok()) {
    std::fprintf(stderr, "safeguardd: backup written to %s in %lld ms\n",
                 written.c_str(),
                 static_cast<long long>(
                     absl::ToInt64Milliseconds(absl::Now() - begin)));
  } else {
    std::fprintf(stderr, "safeguardd: scheduled backup failed: %s\n",
                 std::string(status.message()).c_str());
  }
  std::fflush(stderr);
  return status;
}

void BackupSchedule::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) {
        return;
      }
    }
    BackupNow().IgnoreError();  // audited and reported; tried again next time
  }
}

}  // namespace safeguard
