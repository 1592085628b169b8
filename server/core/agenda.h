// File: server/core/agenda.h
//
// A meeting's agenda, in the SafeLives order: cases with actions
// outstanding from earlier meetings first, then new cases (those with
// children first), repeat cases, and the rest; within a section, in the
// order they were listed. Built from the meeting's record, its cases'
// referrals and the actions concerned; the caller's field view is applied
// by whoever shows it.
//
// Value types and a pure function; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_AGENDA_H_
#define SAFEGUARD_SERVER_CORE_AGENDA_H_

#include <map>
#include <string>
#include <vector>

#include "server/core/meeting.h"
#include "server/core/referral.h"

namespace safeguard {

struct AgendaItem {
  AgendaSection section = AgendaSection::kUnspecified;
  Referral referral;
  // The case as listed to this meeting (its research and outcome); an
  // empty referral_id when only outstanding actions bring it here.
  MeetingCase listing;
  // Its actions outstanding from earlier meetings, then those this meeting
  // agreed.
  std::vector<PlanAction> actions;
};

struct Agenda {
  Meeting meeting;
  std::vector<AgendaItem> items;
};

// `referrals` holds every referral of `meeting.cases` and of `outstanding`
// by id (a case missing from it is left out); `outstanding` are the
// actions still to review in the meeting's kind and area (those agreed
// before it starts, at another meeting, are reviewed), `agreed` those of
// this meeting.
Agenda BuildAgenda(Meeting meeting,
                   const std::map<std::string, Referral>& referrals,
                   const std::vector<PlanAction>& outstanding,
                   const std::vector<PlanAction>& agreed);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_AGENDA_H_
