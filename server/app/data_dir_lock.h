// File: server/app/data_dir_lock.h
//
// DataDirLock: an exclusive advisory lock (flock) on the data folder's lock
// file, held for the life of the object. It keeps a second safeguardd, or a
// rekey, away from a database that is in use. Move-only; the lock is
// released when the object is destroyed or the process dies.
#ifndef SAFEGUARD_SERVER_APP_DATA_DIR_LOCK_H_
#define SAFEGUARD_SERVER_APP_DATA_DIR_LOCK_H_

#include <string>

#include "absl/status/statusor.h"

namespace safeguard {

class DataDirLock {
 public:
  // Creates the data folder (mode 0700) if missing, then takes the lock.
  // kFailedPrecondition if another process holds it.
  static absl::StatusOr<DataDirLock> Acquire(const std::string& data_dir,
                                             const std::string& lock_path);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) = delete;
  DataDirLock(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_DATA_DIR_LOCK_H_
