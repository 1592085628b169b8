#include "server/app/backup_schedule.h"

#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/log.h"

namespace safeguard {

void BackupSchedule::Start() {
  // The newest backup already there counts: its age is the recovery point.
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(options_.parent, error)) {
    const std::string name = entry.path().filename().string();
    struct stat st;
    if (!absl::StartsWith(name, "backup-") ||
        stat((entry.path() / "backup-manifest.textproto").c_str(), &st) != 0) {
      continue;
    }
    const absl::Time written = absl::FromTimeT(st.st_mtime);
    absl::MutexLock lock(&mu_);
    if (!last_success_.has_value() || *last_success_ < written) {
      last_success_ = written;
    }
  }
  thread_ = std::thread([this] { Run(); });
}

std::optional<absl::Time> BackupSchedule::last_success() {
  absl::MutexLock lock(&mu_);
  return last_success_;
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
  const long long ms = absl::ToInt64Milliseconds(absl::Now() - begin);
  if (status.ok()) {
    absl::MutexLock lock(&mu_);
    last_success_ = absl::Now();
  }
  if (status.ok()) {
    Log(LogLevel::kInfo, "backup_written",
        absl::StrCat("backup written to ", written, " in ", ms, " ms"),
        {{"dir", written}, {"duration_ms", ms}});
  } else {
    Log(LogLevel::kError, "backup_failed",
        absl::StrCat("scheduled backup failed: ", status.message()),
        {{"code", absl::StatusCodeToString(status.code())}});
  }
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
