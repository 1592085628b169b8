// File: server/storage/sqlcipher_referral_store.h
//
// SqlCipherReferralStore: the ReferralStore on the encrypted SQLCipher
// database. A referral is kept as its serialized safeguard.v1.Referral plus
// the columns the triage queue filters and sorts on; queue pages use keyset
// pagination on (deadline, id) or (priority, deadline, id), so page tokens
// stay stable while referrals are added.
//
// Borrows the SharedDatabase, which must outlive it. Each write is one
// IMMEDIATE transaction, durable when it returns OK. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REFERRAL_STORE_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REFERRAL_STORE_H_

#include <string>
#include <vector>

#include "server/core/referral_store.h"
#include "server/storage/shared_database.h"

namespace safeguard {

class SqlCipherReferralStore final : public ReferralStore {
 public:
  explicit SqlCipherReferralStore(SharedDatabase& db) : db_(db) {}

  // ReferralStore
  absl::StatusOr<CreateResult> Create(
      Referral referral, const std::string& reference_prefix,
      const std::string& idempotency_key, const std::string& fingerprint,
      const std::optional<std::string>& repeat_key,
      const CompleteNewReferral& complete, AuditRecord& audit) override;
  absl::StatusOr<Referral> Get(const std::string& id) override;
  absl::Status Update(const Referral& referral, int64_t expected_version,
                      AuditRecord& audit) override;
  absl::StatusOr<QueuePage> List(const QueueQuery& query) override;

  // How SQLite reads a queue page: one line per step of its query plan
  // (each scope's query has an index of its own; tests check it).
  absl::StatusOr<std::vector<std::string>> QueuePlan(const QueueQuery& query);

 private:
  SharedDatabase& db_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REFERRAL_STORE_H_
