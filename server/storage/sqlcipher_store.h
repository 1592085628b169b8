// File: server/storage/sqlcipher_store.h
//
// SqlCipherStore: the Store on the encrypted SQLCipher database.
//
// Borrows the SharedDatabase, which must outlive it. Every write is its own
// IMMEDIATE transaction committed with synchronous=FULL, so an OK return
// means the change is on stable storage. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_STORE_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_STORE_H_

#include <memory>
#include <string>

#include "server/core/store.h"
#include "server/storage/shared_database.h"

namespace safeguard {

class SqlCipherStore final : public Store {
 public:
  explicit SqlCipherStore(SharedDatabase& db) : db_(db) {}

  // Store
  int SchemaVersion() const override { return db_.schema_version(); }
  absl::Status RecordCaller(const CallerIdentity& caller,
                            absl::Time now) override;
  absl::StatusOr<CallerRecord> GetCaller(
      const CallerIdentity& caller) const override;

 private:
  SharedDatabase& db_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_STORE_H_
