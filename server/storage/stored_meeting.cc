#include "server/storage/stored_meeting.h"

#include "server/common/proto_time.h"
#include "server/storage/stored_enums.h"

namespace safeguard {
namespace {

namespace pb = storage::v1;

// The stored numbers of the core's enumerations, pinned: values are only
// ever added at the end.
static_assert(static_cast<int>(MeetingState::kClosed) == 3);
static_assert(static_cast<int>(Presence::kApologiesInformationSent) == 3);
static_assert(static_cast<int>(AgendaSection::kOther) == 5);
static_assert(static_cast<int>(ActionStatus::kNotDone) == 4);

}  // namespace

void ToStored(const Meeting& in, pb::StoredMeeting* out) {
  out->set_id(in.id);
  out->set_kind(Number(in.kind));
  out->set_area(in.area);
  ToTimestamp(in.start_time, out->mutable_start_time());
  out->set_chair(in.chair);
  out->set_venue(in.venue);
  out->set_state(Number(in.state));
  out->set_version(in.version);
  out->mutable_agencies()->Add(in.agencies.begin(), in.agencies.end());
  for (const MeetingCase& c : in.cases) {
    pb::StoredMeetingCase* sc = out->add_cases();
    sc->set_referral_id(c.referral_id);
    ToTimestamp(c.listed_time, sc->mutable_listed_time());
    sc->set_section(Number(c.section));
    for (const Research& r : c.research) {
      pb::StoredResearch* sr = sc->add_research();
      sr->set_agency(r.agency);
      sr->set_author(r.author);
      sr->set_text(r.text);
      ToTimestamp(r.record_time, sr->mutable_record_time());
    }
    sc->set_outcome(c.outcome);
  }
  for (const Attendance& a : in.attendance) {
    pb::StoredAttendance* sa = out->add_attendance();
    sa->set_agency(a.agency);
    sa->set_attendee(a.attendee);
    sa->set_presence(Number(a.presence));
    sa->set_confidentiality_acknowledged(a.confidentiality_acknowledged);
    sa->set_recorded_by(a.recorded_by);
    ToTimestamp(a.record_time, sa->mutable_record_time());
  }
  out->set_created_by(in.created_by);
  ToTimestamp(in.create_time, out->mutable_create_time());
  ToTimestamp(in.update_time, out->mutable_update_time());
}

Meeting FromStored(const pb::StoredMeeting& in) {
  Meeting out;
  out.id = in.id();
  out.kind = Enum<ReferralKind>(in.kind());
  out.area = in.area();
  out.start_time = FromTimestamp(in.start_time());
  out.chair = in.chair();
  out.venue = in.venue();
  out.state = Enum<MeetingState>(in.state());
  out.version = in.version();
  out.agencies.assign(in.agencies().begin(), in.agencies().end());
  for (const pb::StoredMeetingCase& sc : in.cases()) {
    MeetingCase c;
    c.referral_id = sc.referral_id();
    c.listed_time = FromTimestamp(sc.listed_time());
    c.section = Enum<AgendaSection>(sc.section());
    for (const pb::StoredResearch& sr : sc.research()) {
      c.research.push_back({sr.agency(), sr.author(), sr.text(),
                            FromTimestamp(sr.record_time())});
    }
    c.outcome = sc.outcome();
    out.cases.push_back(std::move(c));
  }
  for (const pb::StoredAttendance& sa : in.attendance()) {
    Attendance a;
    a.agency = sa.agency();
    a.attendee = sa.attendee();
    a.presence = Enum<Presence>(sa.presence());
    a.confidentiality_acknowledged = sa.confidentiality_acknowledged();
    a.recorded_by = sa.recorded_by();
    a.record_time = FromTimestamp(sa.record_time());
    out.attendance.push_back(std::move(a));
  }
  out.created_by = in.created_by();
  out.create_time = FromTimestamp(in.create_time());
  out.update_time = FromTimestamp(in.update_time());
  return out;
}

void ToStored(const PlanAction& in, pb::StoredAction* out) {
  out->set_id(in.id);
  out->set_referral_id(in.referral_id);
  out->set_meeting_id(in.meeting_id);
  out->set_kind(Number(in.kind));
  out->set_area(in.area);
  out->set_description(in.description);
  out->set_owner_agency(in.owner_agency);
  out->set_owner(in.owner);
  pb::Date* due = out->mutable_due_date();
  due->set_year(in.due_date.year);
  due->set_month(in.due_date.month);
  due->set_day(in.due_date.day);
  out->set_status(Number(in.status));
  out->set_status_reason(in.status_reason);
  out->set_version(in.version);
  out->set_updated_by(in.updated_by);
  ToTimestamp(in.create_time, out->mutable_create_time());
  ToTimestamp(in.update_time, out->mutable_update_time());
}

PlanAction FromStored(const pb::StoredAction& in) {
  PlanAction out;
  out.id = in.id();
  out.referral_id = in.referral_id();
  out.meeting_id = in.meeting_id();
  out.kind = Enum<ReferralKind>(in.kind());
  out.area = in.area();
  out.description = in.description();
  out.owner_agency = in.owner_agency();
  out.owner = in.owner();
  out.due_date = {in.due_date().year(), in.due_date().month(),
                  in.due_date().day()};
  out.status = Enum<ActionStatus>(in.status());
  out.status_reason = in.status_reason();
  out.version = in.version();
  out.updated_by = in.updated_by();
  out.create_time = FromTimestamp(in.create_time());
  out.update_time = FromTimestamp(in.update_time());
  return out;
}

}  // namespace safeguard
