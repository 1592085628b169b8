#include "server/convert/meeting_convert.h"

#include "absl/strings/str_cat.h"
#include "server/common/proto_time.h"
#include "server/convert/referral_convert.h"

namespace safeguard {
namespace {

template <typename Domain>
Domain EnumFrom(int value, int max) {
  if (value < 0 || value > max) return Domain{};
  return static_cast<Domain>(value);
}

// The core's values are the API's numbers.
static_assert(static_cast<int>(MeetingState::kClosed) == v1::MEETING_CLOSED);
static_assert(static_cast<int>(Presence::kApologiesInformationSent) ==
              v1::APOLOGIES_INFORMATION_SENT);
static_assert(static_cast<int>(AgendaSection::kOther) == v1::AGENDA_OTHER);
static_assert(static_cast<int>(ActionStatus::kNotDone) == v1::ACTION_NOT_DONE);

void ToProto(const MeetingCase& in, v1::MeetingCase* out) {
  out->set_referral(absl::StrCat("referrals/", in.referral_id));
  ToTimestamp(in.listed_time, out->mutable_listed_time());
  out->set_section(static_cast<v1::AgendaSection>(in.section));
  for (const Research& r : in.research) {
    v1::Research* pr = out->add_research();
    pr->set_agency(r.agency);
    pr->set_author(r.author);
    pr->set_text(r.text);
    ToTimestamp(r.record_time, pr->mutable_record_time());
  }
  out->set_outcome(in.outcome);
}

}  // namespace

void ToProto(const Meeting& in, v1::Meeting* out) {
  out->set_name(absl::StrCat("meetings/", in.id));
  out->set_kind(static_cast<v1::ReferralKind>(in.kind));
  out->set_area(in.area);
  ToTimestamp(in.start_time, out->mutable_start_time());
  out->set_chair(in.chair);
  out->set_venue(in.venue);
  out->set_state(static_cast<v1::MeetingState>(in.state));
  out->set_version(in.version);
  out->mutable_agencies()->Add(in.agencies.begin(), in.agencies.end());
  for (const MeetingCase& c : in.cases) ToProto(c, out->add_cases());
  for (const Attendance& a : in.attendance) {
    v1::Attendance* pa = out->add_attendance();
    pa->set_agency(a.agency);
    pa->set_attendee(a.attendee);
    pa->set_presence(static_cast<v1::Presence>(a.presence));
    pa->set_confidentiality_acknowledged(a.confidentiality_acknowledged);
    pa->set_recorded_by(a.recorded_by);
    ToTimestamp(a.record_time, pa->mutable_record_time());
  }
  out->set_created_by(in.created_by);
  ToTimestamp(in.create_time, out->mutable_create_time());
  ToTimestamp(in.update_time, out->mutable_update_time());
}

void ToProto(const PlanAction& in, absl::CivilDay today, v1::Action* out) {
  out->set_name(absl::StrCat("actions/", in.id));
  out->set_referral(absl::StrCat("referrals/", in.referral_id));
  out->set_meeting(absl::StrCat("meetings/", in.meeting_id));
  out->set_description(in.description);
  out->set_owner_agency(in.owner_agency);
  out->set_owner(in.owner);
  ToProto(in.due_date, out->mutable_due_date());
  out->set_status(static_cast<v1::ActionStatus>(in.status));
  out->set_status_reason(in.status_reason);
  out->set_version(in.version);
  out->set_overdue(IsOverdue(in, today));
  out->set_updated_by(in.updated_by);
  ToTimestamp(in.create_time, out->mutable_create_time());
  ToTimestamp(in.update_time, out->mutable_update_time());
  out->set_kind(static_cast<v1::ReferralKind>(in.kind));
  out->set_area(in.area);
}

void ToProtoWithoutReferrals(const Agenda& in, absl::CivilDay today,
                             v1::Agenda* out) {
  ToProto(in.meeting, out->mutable_meeting());
  for (const AgendaItem& item : in.items) {
    v1::AgendaItem* pi = out->add_items();
    pi->set_section(static_cast<v1::AgendaSection>(item.section));
    if (!item.listing.referral_id.empty()) {
      ToProto(item.listing, pi->mutable_listing());
    }
    for (const PlanAction& a : item.actions) {
      ToProto(a, today, pi->add_actions());
    }
  }
}

MeetingDraft DraftFromProto(const v1::Meeting& in) {
  MeetingDraft d;
  d.kind = EnumFrom<ReferralKind>(in.kind(), v1::ReferralKind_MAX);
  d.area = in.area();
  if (in.has_start_time()) d.start_time = FromTimestamp(in.start_time());
  d.chair = in.chair();
  d.venue = in.venue();
  d.agencies.assign(in.agencies().begin(), in.agencies().end());
  return d;
}

ActionDraft DraftFromProto(const v1::Action& in, std::string referral_id) {
  ActionDraft d;
  d.referral_id = std::move(referral_id);
  d.description = in.description();
  d.owner_agency = in.owner_agency();
  d.owner = in.owner();
  d.due_date = FromProto(in.due_date());
  return d;
}

Attendance FromProto(const v1::Attendance& in) {
  Attendance a;
  a.agency = in.agency();
  a.attendee = in.attendee();
  a.presence = EnumFrom<Presence>(in.presence(), v1::Presence_MAX);
  a.confidentiality_acknowledged = in.confidentiality_acknowledged();
  return a;
}

ActionStatus FromProto(v1::ActionStatus in) {
  return EnumFrom<ActionStatus>(in, v1::ActionStatus_MAX);
}

}  // namespace safeguard
