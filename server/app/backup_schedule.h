// File: server/app/backup_schedule.h
//
// BackupSchedule: the server's own backups. Every `interval` it writes a
// backup (server/app/backup.h) under `parent`, audited as the system action
// safeguardd/Backup, then keeps only the newest `keep`. A failure is
// audited with its code and logged (paths and reasons only); the next run
// tries again.
//
// Owns its thread and the two keys. Borrows the access gate, which must
// outlive it. Start/Stop from one thread; Stop is idempotent.
#ifndef SAFEGUARD_SERVER_APP_BACKUP_SCHEDULE_H_
#define SAFEGUARD_SERVER_APP_BACKUP_SCHEDULE_H_

#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/access/access_gate.h"
#include "server/app/backup.h"
#include "server/storage/database_key.h"

namespace safeguard {

class BackupSchedule {
 public:
  struct Options {
    LiveFiles live;
    std::string parent;
    absl::Duration interval;
    int keep = 7;
    std::string public_key_pem;
  };

  BackupSchedule(Options options, DatabaseKey live_key, DatabaseKey backup_key,
                 AccessGate& access)
      : options_(std::move(options)),
        live_key_(std::move(live_key)),
        backup_key_(std::move(backup_key)),
        access_(access) {}
  BackupSchedule(const BackupSchedule&) = delete;
  BackupSchedule& operator=(const BackupSchedule&) = delete;
  ~BackupSchedule() { Stop(); }

  void Start();
  void Stop();
  // Writes one backup now, as the schedule does.
  absl::Status BackupNow();
  // When the newest backup was written (by this schedule, or found in its
  // folder at Start), if there is one.
  std::optional<absl::Time> last_success() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run();

  const Options options_;
  const DatabaseKey live_key_;
  const DatabaseKey backup_key_;
  AccessGate& access_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Time> last_success_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_BACKUP_SCHEDULE_H_
