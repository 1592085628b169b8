// File: server/storage/sqlcipher_audit_log.h
//
// SqlCipherAuditLog: the hash-chained audit log in the encrypted database.
// AppendAuditRecord() adds one entry inside the caller's open transaction
// (the stores use it to commit a change with its entry); Append() does so
// in a transaction of its own. Each entry stores its leaf and chain hashes
// (server/audit/audit_format.h).
//
// Borrows the SharedDatabase, which must outlive it. Safe for concurrent
// use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_AUDIT_LOG_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_AUDIT_LOG_H_

#include "server/audit/audit_reader.h"
#include "server/core/audit_log.h"
#include "server/storage/shared_database.h"

namespace safeguard {

// REQUIRES: a transaction is open on `db`.
absl::Status AppendAuditRecord(Database& db, const AuditRecord& record);

class SqlCipherAuditLog final : public AuditLog, public AuditReader {
 public:
  explicit SqlCipherAuditLog(SharedDatabase& db) : db_(db) {}

  // AuditLog
  absl::Status Append(const AuditRecord& record) override;

  // AuditReader
  absl::StatusOr<std::vector<v1::AuditEntry>> List(
      const v1::AuditFilter& filter, int64_t after, int limit) override;
  absl::StatusOr<AuditHead> Head() override;
  absl::Status ForEach(
      int64_t from_sequence,
      const std::function<bool(v1::AuditEntry&)>& fn) override;

 private:
  SharedDatabase& db_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_AUDIT_LOG_H_
