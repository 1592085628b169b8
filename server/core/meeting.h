// File: server/core/meeting.h
//
// Meetings and their action plans: a MARAC, or a Channel panel, as a
// record of its own. A meeting belongs to one kind of referral and one
// area; its coordinator (MARAC) or chair (Channel) lists screened
// referrals to it, the represented agencies record their research on each
// case beforehand, and at the meeting the coordinator records attendance,
// each case's outcome and its actions (PlanAction), which their owning
// agencies then work between meetings. The agenda (agenda.h) is built from
// this record.
//
// Value types; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_MEETING_H_
#define SAFEGUARD_SERVER_CORE_MEETING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/core/referral.h"
#include "server/core/roles.h"

namespace safeguard {

enum class MeetingState { kUnspecified, kScheduled, kHeld, kClosed };

// How an agency was at the meeting (SafeLives asks minutes to record
// apologies, and whether information was sent in their place).
enum class Presence {
  kUnspecified,
  kPresent,
  kApologies,
  kApologiesInformationSent,
};

struct Attendance {
  std::string agency;
  std::string attendee;  // the person attending, or sending apologies
  Presence presence = Presence::kUnspecified;
  // The attendee acknowledged the meeting's confidentiality statement.
  bool confidentiality_acknowledged = false;
  std::string recorded_by;  // "<agency>/<principal>"
  absl::Time record_time = absl::InfinitePast();
};

// What an agency's records hold about a case, recorded before the meeting.
struct Research {
  std::string agency;
  std::string author;  // "<agency>/<principal>"
  std::string text;
  absl::Time record_time = absl::InfinitePast();
};

// Where a case stands on a meeting's agenda, in the SafeLives order:
// actions outstanding from earlier meetings; new cases, those with children
// first; repeat cases; the rest (cases heard before, listed again).
enum class AgendaSection {
  kUnspecified,
  kActionsOutstanding,
  kNewWithChildren,
  kNew,
  kRepeat,
  kOther,
};

// One referral listed to a meeting.
struct MeetingCase {
  std::string referral_id;
  absl::Time listed_time = absl::InfinitePast();
  // As listed (never kActionsOutstanding: the agenda adds that).
  AgendaSection section = AgendaSection::kUnspecified;
  std::vector<Research> research;  // one per agency, the latest
  std::string outcome;             // recorded at the meeting
};

struct Meeting {
  std::string id;  // the resource name is "meetings/<id>"
  ReferralKind kind = ReferralKind::kUnspecified;  // MARAC or CHANNEL
  std::string area;
  absl::Time start_time = absl::InfinitePast();
  std::string chair;  // who chairs, as the coordinator names them
  std::string venue;  // a place, or a link
  MeetingState state = MeetingState::kUnspecified;
  int64_t version = 0;
  // The agencies represented (each holds the kind's representative role
  // for the area in the policy).
  std::vector<std::string> agencies;
  std::vector<MeetingCase> cases;
  std::vector<Attendance> attendance;  // one per agency
  std::string created_by;              // "<agency>/<principal>"
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
};

// Where an action stands. NOT_POSSIBLE and NOT_DONE carry a reason, as
// SafeLives asks minutes to distinguish them.
enum class ActionStatus { kUnspecified, kOpen, kDone, kNotPossible, kNotDone };

// One action of a case's action plan, owned by an agency.
struct PlanAction {
  std::string id;  // the resource name is "actions/<id>"
  std::string referral_id;
  std::string meeting_id;  // the meeting that agreed it
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string area;
  std::string description;
  std::string owner_agency;
  std::string owner;  // the person or team in the agency who does it
  Date due_date;
  ActionStatus status = ActionStatus::kUnspecified;
  std::string status_reason;
  int64_t version = 0;
  std::string updated_by;  // "<agency>/<principal>"
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
};

// Still for the next meeting to review: open, or not done.
bool IsOutstanding(ActionStatus status);

// A date as a sortable number, YYYYMMDD (how the store orders due dates
// and page tokens carry them), and back.
int64_t DayNumber(const Date& date);
Date DateOfDayNumber(int64_t number);

// Open past its due date on `today`.
bool IsOverdue(const PlanAction& action, absl::CivilDay today);

// The roles that run meetings of `kind` (list cases, record attendance,
// outcomes and actions), and those that represent an agency at them.
RoleSet OrganiserRoles(ReferralKind kind);
RoleSet RepresentativeRoles(ReferralKind kind);

// Whether meetings of `kind` exist at all.
bool HasMeetings(ReferralKind kind);

// The most cases one meeting lists, and the most agencies it represents.
inline constexpr size_t kMaxMeetingCases = 60;
inline constexpr size_t kMaxMeetingAgencies = 30;

// Lists `referral` (as the listing action leaves it) to `meeting` at
// `now`, or says why not:
// kInvalidArgument naming `field` when the meeting is of another kind or
// area, or no longer scheduled or in the past; kFailedPrecondition when the
// meeting is full. Listing a case already listed changes nothing.
// A case listed before (its history has an earlier step of a rule that
// lists, Guard::kMeeting) goes among the rest; otherwise where its kind
// puts a first listing.
absl::Status AddCase(Meeting& meeting, const Referral& referral,
                     absl::Time now, const std::string& field);

// The listed case of `referral_id`, or null.
MeetingCase* FindCase(Meeting& meeting, const std::string& referral_id);
const MeetingCase* FindCase(const Meeting& meeting,
                            const std::string& referral_id);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_MEETING_H_
