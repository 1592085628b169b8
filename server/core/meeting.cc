#include "server/core/meeting.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/core/field_violations.h"
#include "server/core/meeting_store.h"
#include "server/core/referral_kind.h"

namespace safeguard {

bool IsOutstanding(ActionStatus status) {
  return status == ActionStatus::kOpen || status == ActionStatus::kNotDone;
}

int64_t DayNumber(const Date& d) {
  return int64_t{d.year} * 10000 + d.month * 100 + d.day;
}

Date DateOfDayNumber(int64_t n) {
  return {static_cast<int>(n / 10000), static_cast<int>(n / 100 % 100),
          static_cast<int>(n % 100)};
}

bool IsOverdue(const PlanAction& action, absl::CivilDay today) {
  const Date& d = action.due_date;
  return action.status == ActionStatus::kOpen && !d.empty() &&
         absl::CivilDay(d.year, d.month, d.day) < today;
}

RoleSet OrganiserRoles(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kMarac:
      return {Role::kMaracCoordinator};
    case ReferralKind::kChannel:
      return {Role::kChannelChair};
    default:
      return {};
  }
}

RoleSet RepresentativeRoles(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kMarac:
      return {Role::kMaracRepresentative};
    case ReferralKind::kChannel:
      return {Role::kChannelPartner};
    default:
      return {};
  }
}

bool HasMeetings(ReferralKind kind) { return !OrganiserRoles(kind).empty(); }

MeetingCase* FindCase(Meeting& meeting, const std::string& referral_id) {
  for (MeetingCase& c : meeting.cases) {
    if (c.referral_id == referral_id) return &c;
  }
  return nullptr;
}

const MeetingCase* FindCase(const Meeting& meeting,
                            const std::string& referral_id) {
  for (const MeetingCase& c : meeting.cases) {
    if (c.referral_id == referral_id) return &c;
  }
  return nullptr;
}

absl::Status AddCase(Meeting& meeting, const Referral& referral,
                     absl::Time now, const std::string& field) {
  if (meeting.kind != referral.kind) {
    return InvalidArgumentWithViolations(
        {{field, "is a meeting for another kind of referral"}});
  }
  if (meeting.area != referral.area) {
    return InvalidArgumentWithViolations(
        {{field, "is a meeting in another area"}});
  }
  if (meeting.state != MeetingState::kScheduled || meeting.start_time < now) {
    return InvalidArgumentWithViolations(
        {{field, "is a meeting in the past"}});
  }
  if (FindCase(meeting, referral.id) != nullptr) return absl::OkStatus();
  if (meeting.cases.size() >= kMaxMeetingCases) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the meeting lists the most cases it may (", kMaxMeetingCases, ")"));
  }
  // Heard before: an earlier step of its history listed it to a meeting.
  const ReferralKindModule* kind = FindReferralKind(referral.kind);
  bool listed_before = false;
  for (size_t i = 0; kind != nullptr && i + 1 < referral.history.size(); ++i) {
    const TransitionRecord& step = referral.history[i];
    for (const TransitionRule& rule : kind->rules()) {
      if (rule.guard == Guard::kMeeting && rule.from == step.from_state &&
          rule.action == step.action) {
        listed_before = true;
      }
    }
  }
  MeetingCase c;
  c.referral_id = referral.id;
  c.listed_time = now;
  c.section = listed_before || kind == nullptr
                  ? AgendaSection::kOther
                  : kind->FirstListing(referral);
  meeting.cases.push_back(std::move(c));
  return absl::OkStatus();
}

RoleSet RolesReaching(ReferralKind kind, const std::string& area,
                      const std::vector<VisibilityScope>& scopes) {
  RoleSet roles;
  for (const VisibilityScope& s : scopes) {
    if (!s.kinds.empty() &&
        std::find(s.kinds.begin(), s.kinds.end(), kind) == s.kinds.end()) {
      continue;
    }
    if (s.all ||
        std::find(s.areas.begin(), s.areas.end(), area) != s.areas.end()) {
      roles.AddAll(s.roles);
    }
  }
  return roles;
}

std::optional<std::vector<std::string>> AreasReached(
    ReferralKind kind, const std::vector<VisibilityScope>& scopes) {
  std::vector<std::string> areas;
  for (const VisibilityScope& s : scopes) {
    if (!s.kinds.empty() &&
        std::find(s.kinds.begin(), s.kinds.end(), kind) == s.kinds.end()) {
      continue;
    }
    if (s.all) return std::nullopt;
    for (const std::string& a : s.areas) {
      if (std::find(areas.begin(), areas.end(), a) == areas.end()) {
        areas.push_back(a);
      }
    }
  }
  return areas;
}

}  // namespace safeguard
