#include "server/storage/sqlcipher_meeting_store.h"

#include "server/storage/meeting_rows.h"

namespace safeguard {

absl::StatusOr<Meeting> SqlCipherMeetingStore::GetMeeting(
    const std::string& id) {
  return db_.Read([&](Database& db) { return LoadMeeting(db, id); });
}

absl::StatusOr<MeetingPage> SqlCipherMeetingStore::ListMeetings(
    const MeetingQuery& q) {
  return db_.Read([&](Database& db) { return QueryMeetings(db, q); });
}

absl::StatusOr<PlanAction> SqlCipherMeetingStore::GetAction(
    const std::string& id) {
  return db_.Read([&](Database& db) { return LoadAction(db, id); });
}

absl::StatusOr<ActionPage> SqlCipherMeetingStore::ListActions(
    const ActionQuery& q) {
  return db_.Read([&](Database& db) { return QueryActions(db, q); });
}

}  // namespace safeguard
