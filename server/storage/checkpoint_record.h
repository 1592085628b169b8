// File: server/storage/checkpoint_record.h
//
// CheckpointRecord: the database's note of the last audit checkpoint
// appended to the checkpoint file (its size in entries, its chain head, and
// the file's length once it was appended), so that a checkpoint file that
// was cut, lost or replaced is noticed at start-up. It is written after the
// file is synced: a crash in between leaves the file ahead of the note,
// never behind it.
//
// CheckpointRecords borrows the SharedDatabase, which must outlive it.
// Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_CHECKPOINT_RECORD_H_
#define SAFEGUARD_SERVER_STORAGE_CHECKPOINT_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/shared_database.h"

namespace safeguard {

struct CheckpointRecord {
  int64_t size = 0;        // entries the checkpoint covers
  std::string head;        // its chain head, 32 bytes
  int64_t file_bytes = 0;  // the checkpoint file's length after it
};

class CheckpointRecords {
 public:
  explicit CheckpointRecords(SharedDatabase& db) : db_(db) {}

  // The last record, or none before the first checkpoint.
  absl::StatusOr<std::optional<CheckpointRecord>> Last();
  // Replaces the record, as one write of a group commit.
  absl::Status Save(const CheckpointRecord& record);

 private:
  SharedDatabase& db_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_CHECKPOINT_RECORD_H_
