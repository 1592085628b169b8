#include "server/core/agenda.h"

#include <algorithm>
#include <utility>

namespace safeguard {

Agenda BuildAgenda(Meeting meeting,
                   const std::map<std::string, Referral>& referrals,
                   const std::vector<PlanAction>& outstanding,
                   const std::vector<PlanAction>& agreed) {
  Agenda agenda;
  std::map<std::string, size_t> item_of;  // referral id -> index in items
  std::vector<absl::Time> order;          // each item's place in its section
  auto item_for = [&](const std::string& referral_id,
                      absl::Time when) -> AgendaItem* {
    auto found = item_of.find(referral_id);
    if (found != item_of.end()) return &agenda.items[found->second];
    auto referral = referrals.find(referral_id);
    if (referral == referrals.end()) return nullptr;
    item_of[referral_id] = agenda.items.size();
    agenda.items.emplace_back();
    order.push_back(when);
    agenda.items.back().referral = referral->second;
    return &agenda.items.back();
  };
  for (const MeetingCase& c : meeting.cases) {
    AgendaItem* item = item_for(c.referral_id, c.listed_time);
    if (item == nullptr) continue;
    item->section = c.section;
    item->listing = c;
  }
  for (const PlanAction& a : outstanding) {
    // Agreed before this meeting, at another.
    if (a.meeting_id == meeting.id || a.create_time >= meeting.start_time) {
      continue;
    }
    AgendaItem* item = item_for(a.referral_id, a.create_time);
    if (item == nullptr) continue;
    item->section = AgendaSection::kActionsOutstanding;
    item->actions.push_back(a);
  }
  for (const PlanAction& a : agreed) {
    auto found = item_of.find(a.referral_id);
    if (found != item_of.end()) agenda.items[found->second].actions.push_back(a);
  }
  std::vector<size_t> index(agenda.items.size());
  for (size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::stable_sort(index.begin(), index.end(), [&](size_t a, size_t b) {
    const auto sa = agenda.items[a].section, sb = agenda.items[b].section;
    if (sa != sb) return sa < sb;
    return order[a] < order[b];
  });
  std::vector<AgendaItem> sorted;
  sorted.reserve(index.size());
  for (size_t i : index) sorted.push_back(std::move(agenda.items[i]));
  agenda.items = std::move(sorted);
  agenda.meeting = std::move(meeting);
  return agenda;
}

}  // namespace safeguard
