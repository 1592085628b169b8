// File: server/storage/meeting_rows.h
//
// How meetings and actions are kept: the `meetings` and `plan_actions`
// tables, each row a stored body (stored_meeting.h) plus the columns their
// lists filter and sort on. Shared by the reads (SqlCipherMeetingStore) and
// the writes (SqlCipherUnitOfWork).
//
// Functions of the connection they are given; thread-compatible.
#ifndef SAFEGUARD_SERVER_STORAGE_MEETING_ROWS_H_
#define SAFEGUARD_SERVER_STORAGE_MEETING_ROWS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/core/meeting.h"
#include "server/core/meeting_store.h"
#include "server/storage/database.h"

namespace safeguard {

// kNotFound if there is none.
absl::StatusOr<Meeting> LoadMeeting(Database& db, const std::string& id);
absl::StatusOr<PlanAction> LoadAction(Database& db, const std::string& id);

// kAlreadyExists if the id is taken.
absl::Status InsertMeetingRow(Database& db, const Meeting& meeting);
absl::Status InsertActionRow(Database& db, const PlanAction& action);
// kNotFound if missing, kAborted unless the stored version is `expected`.
absl::Status UpdateMeetingRow(Database& db, const Meeting& meeting,
                              int64_t expected);
absl::Status UpdateActionRow(Database& db, const PlanAction& action,
                             int64_t expected);

// How many of the referral's actions have `status`.
absl::StatusOr<int> CountActions(Database& db, const std::string& referral_id,
                                 ActionStatus status);

absl::StatusOr<MeetingPage> QueryMeetings(Database& db, const MeetingQuery& q);
absl::StatusOr<ActionPage> QueryActions(Database& db, const ActionQuery& q);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_MEETING_ROWS_H_
