// File: server/storage/sqlcipher_store.h
//
// SqlCipherStore: the Store on an encrypted SQLCipher file.
//
// Owns its Database. One connection, serialized by a mutex; every write is
// its own IMMEDIATE transaction committed with synchronous=FULL, so an OK
// return means the change is on stable storage. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_STORE_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_STORE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/core/store.h"
#include "server/storage/database.h"

namespace safeguard {

class SqlCipherStore final : public Store {
 public:
  // Opens (creating if missing) the database at `path`, checks the key and
  // applies pending schema migrations.
  static absl::StatusOr<std::unique_ptr<SqlCipherStore>> Open(
      const std::string& path, const DatabaseKey& key);

  // Store
  int SchemaVersion() const override { return schema_version_; }
  absl::Status RecordCaller(const CallerIdentity& caller,
                            absl::Time now) override;
  absl::StatusOr<CallerRecord> GetCaller(
      const CallerIdentity& caller) const override;

 private:
  SqlCipherStore(DatabasePtr db, int schema_version)
      : db_(std::move(db)), schema_version_(schema_version) {}

  mutable absl::Mutex mu_;
  const DatabasePtr db_ ABSL_PT_GUARDED_BY(mu_);
  const int schema_version_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_STORE_H_
