#include "server/core/minutes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace safeguard {
namespace {

absl::string_view PresenceWords(Presence p) {
  switch (p) {
    case Presence::kPresent:
      return "present";
    case Presence::kApologies:
      return "apologies";
    case Presence::kApologiesInformationSent:
      return "apologies, information sent";
    case Presence::kUnspecified:
      break;
  }
  return "not recorded";
}

absl::string_view SectionWords(AgendaSection s) {
  switch (s) {
    case AgendaSection::kActionsOutstanding:
      return "actions outstanding from an earlier meeting";
    case AgendaSection::kNewWithChildren:
      return "new case with children";
    case AgendaSection::kNew:
      return "new case";
    case AgendaSection::kRepeat:
      return "repeat case";
    case AgendaSection::kOther:
    case AgendaSection::kUnspecified:
      break;
  }
  return "heard before";
}

std::string StatusWords(const PlanAction& a) {
  switch (a.status) {
    case ActionStatus::kOpen:
      return "open";
    case ActionStatus::kDone:
      return "done";
    case ActionStatus::kNotPossible:
      return absl::StrCat("not possible: ", a.status_reason);
    case ActionStatus::kNotDone:
      return absl::StrCat("not done: ", a.status_reason);
    case ActionStatus::kUnspecified:
      break;
  }
  return "not recorded";
}

absl::string_view KindWords(ReferralKind kind) {
  return kind == ReferralKind::kChannel ? "Channel panel" : "MARAC";
}

absl::string_view StateWords(MeetingState s) {
  switch (s) {
    case MeetingState::kScheduled:
      return "scheduled";
    case MeetingState::kHeld:
      return "held";
    case MeetingState::kClosed:
      return "closed";
    case MeetingState::kUnspecified:
      break;
  }
  return "not recorded";
}

}  // namespace

std::string RenderMinutes(const Agenda& agenda, absl::TimeZone zone) {
  const Meeting& m = agenda.meeting;
  std::string out = absl::StrCat(
      KindWords(m.kind), " minutes: ", m.area, ", ",
      absl::FormatTime("%Y-%m-%d %H:%M", m.start_time, zone), " (",
      StateWords(m.state), ")\nChair: ", m.chair, "\nVenue: ", m.venue,
      "\n\nAttendance\n");
  for (const std::string& agency : m.agencies) {
    const Attendance* a = nullptr;
    for (const Attendance& e : m.attendance) {
      if (e.agency == agency) a = &e;
    }
    if (a == nullptr) {
      absl::StrAppend(&out, "- ", agency, ": not recorded\n");
      continue;
    }
    absl::StrAppend(&out, "- ", agency, ": ", a->attendee, ", ",
                    PresenceWords(a->presence), "; confidentiality statement ",
                    a->confidentiality_acknowledged ? "acknowledged"
                                                    : "not acknowledged",
                    "\n");
  }
  absl::StrAppend(&out, "\nCases\n");
  int n = 0;
  for (const AgendaItem& item : agenda.items) {
    absl::StrAppend(&out, ++n, ". ", item.referral.reference, " (",
                    SectionWords(item.section), ")\n");
    absl::StrAppend(&out, "   Outcome: ",
                    item.listing.outcome.empty() ? "not recorded"
                                                 : item.listing.outcome,
                    "\n");
    for (const PlanAction& a : item.actions) {
      absl::StrAppend(
          &out, "   Action: ", a.description, " (", a.owner_agency, ", ",
          a.owner, "; due ",
          absl::StrFormat("%04d-%02d-%02d", a.due_date.year, a.due_date.month,
                          a.due_date.day),
          "): ", StatusWords(a), "\n");
    }
  }
  return out;
}

}  // namespace safeguard
