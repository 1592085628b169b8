// A meeting's minutes from its record: the exact text.
#include "server/core/minutes.h"

#include "gtest/gtest.h"

namespace safeguard {
namespace {

TEST(MinutesTest, SayWhoCameAndWhatEachCaseLeftWith) {
  Agenda agenda;
  Meeting& m = agenda.meeting;
  m.kind = ReferralKind::kMarac;
  m.area = "babergh";
  m.start_time = absl::FromCivil(absl::CivilMinute(2026, 12, 20, 10, 0),
                                 absl::UTCTimeZone());
  m.state = MeetingState::kHeld;
  m.chair = "DI Example";
  m.venue = "Endeavour House";
  m.agencies = {"police", "health", "housing"};
  m.attendance = {{"health", "Dr Example", Presence::kApologiesInformationSent,
                   false, "", absl::InfinitePast()},
                  {"police", "PC Example", Presence::kPresent, true, "",
                   absl::InfinitePast()}};
  AgendaItem earlier;
  earlier.section = AgendaSection::kActionsOutstanding;
  earlier.referral.reference = "MAR-2026-000001";
  PlanAction visit;
  visit.description = "Visit";
  visit.owner_agency = "housing";
  visit.owner = "Officer";
  visit.due_date = {2026, 12, 1};
  visit.status = ActionStatus::kNotDone;
  visit.status_reason = "No officer free";
  earlier.actions = {visit};
  AgendaItem fresh;
  fresh.section = AgendaSection::kNewWithChildren;
  fresh.referral.reference = "MAR-2026-000002";
  fresh.listing.outcome = "Police to flag the address";
  PlanAction flag;
  flag.description = "Flag the address";
  flag.owner_agency = "police";
  flag.owner = "Duty sergeant";
  flag.due_date = {2026, 12, 27};
  flag.status = ActionStatus::kOpen;
  fresh.actions = {flag};
  agenda.items = {earlier, fresh};

  EXPECT_EQ(RenderMinutes(agenda, absl::UTCTimeZone()),
            "MARAC minutes: babergh, 2026-12-20 10:00 (held)\n"
            "Chair: DI Example\n"
            "Venue: Endeavour House\n"
            "\n"
            "Attendance\n"
            "- police: PC Example, present; confidentiality statement "
            "acknowledged\n"
            "- health: Dr Example, apologies, information sent; "
            "confidentiality statement not acknowledged\n"
            "- housing: not recorded\n"
            "\n"
            "Cases\n"
            "1. MAR-2026-000001 (actions outstanding from an earlier meeting)\n"
            "   Outcome: not recorded\n"
            "   Action: Visit (housing, Officer; due 2026-12-01): not done: No "
            "officer free\n"
            "2. MAR-2026-000002 (new case with children)\n"
            "   Outcome: Police to flag the address\n"
            "   Action: Flag the address (police, Duty sergeant; due "
            "2026-12-27): open\n");
}

}  // namespace
}  // namespace safeguard
