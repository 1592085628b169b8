#include "server/storage/checkpoint_record.h"

#include "server/core/status_macros.h"

namespace safeguard {

absl::StatusOr<std::optional<CheckpointRecord>> CheckpointRecords::Last() {
  return db_.Read(
      [](Database& db) -> absl::StatusOr<std::optional<CheckpointRecord>> {
        SAFEGUARD_ASSIGN_OR_RETURN(
            Statement s, db.Prepare("SELECT size, head, file_bytes FROM "
                                    "audit_checkpoint WHERE id = 1;"));
        SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return std::optional<CheckpointRecord>();
        return CheckpointRecord{s.ColumnInt64(0), s.ColumnText(1),
                                s.ColumnInt64(2)};
      });
}

absl::Status CheckpointRecords::Save(const CheckpointRecord& record) {
  return db_.Write([&](Database& db) -> absl::Status {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT OR REPLACE INTO audit_checkpoint (id, size, head, "
                   "file_bytes) VALUES (1, ?, ?, ?);"));
    SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(1, record.size));
    SAFEGUARD_RETURN_IF_ERROR(s.BindBlob(2, record.head));
    SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(3, record.file_bytes));
    return s.Run();
  });
}

}  // namespace safeguard
