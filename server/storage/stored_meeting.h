// File: server/storage/stored_meeting.h
//
// Meetings and actions to and from their stored bodies
// (proto/safeguard/storage/v1/meeting.proto), the store's own format. An
// enumeration's number is kept as it is, even one this build does not
// name.
//
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_STORAGE_STORED_MEETING_H_
#define SAFEGUARD_SERVER_STORAGE_STORED_MEETING_H_

#include "safeguard/storage/v1/meeting.pb.h"
#include "server/core/meeting.h"

namespace safeguard {

void ToStored(const Meeting& in, storage::v1::StoredMeeting* out);
Meeting FromStored(const storage::v1::StoredMeeting& in);
void ToStored(const PlanAction& in, storage::v1::StoredAction* out);
PlanAction FromStored(const storage::v1::StoredAction& in);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_STORED_MEETING_H_
