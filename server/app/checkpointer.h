// File: server/app/checkpointer.h
//
// Checkpointer: signs the audit log's size and chain head with the Ed25519
// audit key and appends the checkpoint to a file outside the database (for
// an operator to ship elsewhere): when the log has grown by `every_entries`
// since the last checkpoint, when `every` has passed with growth, and at
// Stop(). The file is appended to and fsynced; never rewritten. An append
// cut short (a full disk) is cut back off the file before the error is
// returned. Once a checkpoint is synced, its size, head and the file's new
// length are recorded in the database (CheckpointRecords).
//
// Start() repairs a torn last line left by a crash (reporting it on
// stderr), and refuses a file that is missing or behind the database's
// record of it, naming the file and both lengths.
//
// Owns its thread. Does not own the reader, records, signer or clock; all
// must outlive it. Start/Stop from one thread; Stop is idempotent.
#ifndef SAFEGUARD_SERVER_APP_CHECKPOINTER_H_
#define SAFEGUARD_SERVER_APP_CHECKPOINTER_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/audit/audit_format.h"
#include "server/audit/audit_reader.h"
#include "server/core/clock.h"
#include "server/storage/checkpoint_record.h"

namespace safeguard {

// Fails unless the checkpoint file `file` (read from `path`) holds the
// checkpoint `record` describes, at least as far: a file that was cut,
// lost or replaced would stop covering entries that were signed.
absl::Status CheckAgainstRecord(const std::string& path,
                                const CheckpointFileContents& file,
                                const CheckpointRecord& record);

class Checkpointer {
 public:
  Checkpointer(AuditReader& reader, CheckpointRecords& records,
               const AuditSigner& signer, std::string path,
               int64_t every_entries, absl::Duration every, const Clock& clock)
      : reader_(reader),
        records_(records),
        signer_(signer),
        path_(std::move(path)),
        every_entries_(every_entries),
        every_(every),
        clock_(clock) {}
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  ~Checkpointer() { Stop(); }

  // Reads the last checkpoint from the file (repairing a torn last line);
  // fails if it cannot be read, or is missing or behind the database's
  // record.
  absl::Status Start();
  // Stops the thread and writes a final checkpoint if the log grew.
  void Stop();
  // Writes a checkpoint now if the log grew since the last one.
  absl::Status CheckpointNow();

 private:
  void Run();
  // Appends `line` to the file and syncs it; returns the file's new length.
  // On failure the file is cut back to its old length.
  absl::StatusOr<int64_t> Append(const std::string& line);

  AuditReader& reader_;
  CheckpointRecords& records_;
  const AuditSigner& signer_;
  const std::string path_;
  const int64_t every_entries_;
  const absl::Duration every_;
  const Clock& clock_;

  absl::Mutex mu_;
  int64_t last_size_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_time_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool failing_ = false;  // the thread's last checkpoint failed
  bool started_ = false;
  std::thread thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_CHECKPOINTER_H_
