// File: server/audit/audit_reader.h
//
// AuditReader: read access to the stored audit log for the Audit service:
// filtered pages, the chain head, and every entry in order (for verifying
// and exporting). Implemented on SQLCipher by SqlCipherAuditLog.
// Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_AUDIT_AUDIT_READER_H_
#define SAFEGUARD_SERVER_AUDIT_AUDIT_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "safeguard/v1/audit.pb.h"

namespace safeguard {

struct AuditHead {
  int64_t size = 0;
  std::string chain;  // 32 bytes; zeros for an empty log
};

class AuditReader {
 public:
  virtual ~AuditReader() = default;
  // Up to `limit` entries matching `filter` with sequence > `after`.
  virtual absl::StatusOr<std::vector<v1::AuditEntry>> List(
      const v1::AuditFilter& filter, int64_t after, int limit) = 0;
  virtual absl::StatusOr<AuditHead> Head() = 0;
  // Calls `fn` with every entry from `from_sequence` on, in order, until it
  // returns false. The entry is refilled for each call, so `fn` may change
  // it but must copy what it keeps. `fn` runs while a read-only connection
  // is held (never the writer's), so it must not read or write the log.
  virtual absl::Status ForEach(
      int64_t from_sequence,
      const std::function<bool(v1::AuditEntry&)>& fn) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_AUDIT_AUDIT_READER_H_
