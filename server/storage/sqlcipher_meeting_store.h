// File: server/storage/sqlcipher_meeting_store.h
//
// SqlCipherMeetingStore: the MeetingStore on the encrypted SQLCipher
// database, its reads (rows as meeting_rows.h keeps them; the writes are
// SqlCipherUnitOfWork's).
//
// Borrows the SharedDatabase, which must outlive it. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_MEETING_STORE_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_MEETING_STORE_H_

#include <string>

#include "server/core/meeting_store.h"
#include "server/storage/shared_database.h"

namespace safeguard {

class SqlCipherMeetingStore final : public MeetingStore {
 public:
  explicit SqlCipherMeetingStore(SharedDatabase& db) : db_(db) {}

  // MeetingStore
  absl::StatusOr<Meeting> GetMeeting(const std::string& id) override;
  absl::StatusOr<MeetingPage> ListMeetings(const MeetingQuery& q) override;
  absl::StatusOr<PlanAction> GetAction(const std::string& id) override;
  absl::StatusOr<ActionPage> ListActions(const ActionQuery& q) override;

 private:
  SharedDatabase& db_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_MEETING_STORE_H_
