// File: server/storage/sqlcipher_referral_store.h
//
// SqlCipherReferralStore: the ReferralStore on the encrypted SQLCipher
// database, its reads (rows as referral_rows.h keeps them; the writes are
// SqlCipherUnitOfWork's). Queue pages use keyset pagination on (deadline,
// id) or (priority, deadline, id), so page tokens stay stable while
// referrals are added.
//
// Borrows the SharedDatabase, which must outlive it. Safe for concurrent use.
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
  absl::StatusOr<Referral> Get(const std::string& id) override;
  absl::StatusOr<QueuePage> List(const QueueQuery& query) override;
  absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) override;
  absl::StatusOr<PersonRecord> GetPerson(const std::string& id) override;
  absl::StatusOr<std::string> PersonOf(const MentionRef& mention) override;

  // How SQLite reads a queue page: one line per step of its query plan
  // (each scope's query has an index of its own; tests check it).
  absl::StatusOr<std::vector<std::string>> QueuePlan(const QueueQuery& query);

 private:
  SharedDatabase& db_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REFERRAL_STORE_H_
