#include "server/storage/sqlcipher_store.h"

#include "server/core/status_macros.h"

namespace safeguard {

absl::Status SqlCipherStore::RecordCaller(const CallerIdentity& caller,
                                          absl::Time now) {
  const int64_t now_us = absl::ToUnixMicros(now);
  return db_.Write([&](Database& db) -> absl::Status {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement update,
        db.Prepare("UPDATE callers SET last_seen_us = ?, calls = calls + 1 "
                     "WHERE agency = ? AND principal = ? "
                     "AND certificate_sha256 = ?;"));
    SAFEGUARD_RETURN_IF_ERROR(update.BindInt64(1, now_us));
    SAFEGUARD_RETURN_IF_ERROR(update.BindText(2, caller.agency));
    SAFEGUARD_RETURN_IF_ERROR(update.BindText(3, caller.principal));
    SAFEGUARD_RETURN_IF_ERROR(update.BindText(4, caller.certificate_sha256));
    SAFEGUARD_RETURN_IF_ERROR(update.Run());
    if (db.Changes() > 0) return absl::OkStatus();
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO callers (agency, principal, "
                     "certificate_sha256, first_seen_us, last_seen_us, calls) "
                     "VALUES (?, ?, ?, ?, ?, 1);"));
    SAFEGUARD_RETURN_IF_ERROR(insert.BindText(1, caller.agency));
    SAFEGUARD_RETURN_IF_ERROR(insert.BindText(2, caller.principal));
    SAFEGUARD_RETURN_IF_ERROR(insert.BindText(3, caller.certificate_sha256));
    SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(4, now_us));
    SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(5, now_us));
    return insert.Run();
  });
}

absl::StatusOr<CallerRecord> SqlCipherStore::GetCaller(
    const CallerIdentity& caller) const {
  return db_.Read([&](Database& db) -> absl::StatusOr<CallerRecord> {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT first_seen_us, last_seen_us, calls FROM callers "
                   "WHERE agency = ? AND principal = ? "
                   "AND certificate_sha256 = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(stmt.BindText(1, caller.agency));
  SAFEGUARD_RETURN_IF_ERROR(stmt.BindText(2, caller.principal));
  SAFEGUARD_RETURN_IF_ERROR(stmt.BindText(3, caller.certificate_sha256));
  SAFEGUARD_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError("no such caller");
  CallerRecord record;
  record.identity = caller;
  record.first_seen = absl::FromUnixMicros(stmt.ColumnInt64(0));
  record.last_seen = absl::FromUnixMicros(stmt.ColumnInt64(1));
  record.calls = stmt.ColumnInt64(2);
  return record;
  });
}

}  // namespace safeguard
