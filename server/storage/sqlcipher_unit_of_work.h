// File: server/storage/sqlcipher_unit_of_work.h
//
// SqlCipherUnitOfWork: the UnitOfWork on the encrypted SQLCipher database.
// Each Write is one body inside SharedDatabase's group commit, its audit
// entry appended in the same transaction (AppendAuditRecord), durable when
// it returns OK. A body's own refusal (any code, the transaction's store
// calls having answered as expected) is answered as it is and never taken
// for a failure of the store, which would pause writes.
//
// Where given RecentMentions, a write's FindRecentMentions asks them first,
// and IndexPeople adds to them.
//
// Borrows the SharedDatabase and the RecentMentions, which must outlive
// it. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_UNIT_OF_WORK_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_UNIT_OF_WORK_H_

#include "server/core/unit_of_work.h"
#include "server/storage/recent_mentions.h"
#include "server/storage/shared_database.h"

namespace safeguard {

class SqlCipherUnitOfWork final : public UnitOfWork {
 public:
  explicit SqlCipherUnitOfWork(SharedDatabase& db,
                               RecentMentions* recent = nullptr)
      : db_(db), recent_(recent) {}

  // UnitOfWork
  absl::Status Write(
      AuditRecord& audit,
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) override;

 private:
  SharedDatabase& db_;
  RecentMentions* const recent_;  // may be null
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_UNIT_OF_WORK_H_
