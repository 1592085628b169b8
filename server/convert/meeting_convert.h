// File: server/convert/meeting_convert.h
//
// Conversions between meetings and actions (server/core/meeting.h,
// agenda.h) and safeguard.v1's Meeting, Action and Agenda. Enum values
// outside the known range become the unspecified value, which validation
// then refuses. An agenda's referrals are converted as they are; the
// caller's field view is applied by the API.
//
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_CONVERT_MEETING_CONVERT_H_
#define SAFEGUARD_SERVER_CONVERT_MEETING_CONVERT_H_

#include "absl/time/civil_time.h"
#include "safeguard/v1/meetings.pb.h"
#include "server/core/agenda.h"
#include "server/core/meeting.h"
#include "server/core/meeting_service.h"

namespace safeguard {

void ToProto(const Meeting& in, v1::Meeting* out);
// `today` decides whether the action is overdue.
void ToProto(const PlanAction& in, absl::CivilDay today, v1::Action* out);
// The agenda's items without their referrals, which the API adds through
// the caller's field view.
void ToProtoWithoutReferrals(const Agenda& in, absl::CivilDay today,
                             v1::Agenda* out);

MeetingDraft DraftFromProto(const v1::Meeting& in);
// `referral_id` is the id of in.referral(), which the API has parsed.
ActionDraft DraftFromProto(const v1::Action& in, std::string referral_id);
Attendance FromProto(const v1::Attendance& in);
ActionStatus FromProto(v1::ActionStatus in);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CONVERT_MEETING_CONVERT_H_
