// File: server/core/meeting_store.h
//
// MeetingStore: reading meetings and their actions (the writes go through
// the unit of work, unit_of_work.h). The SQLCipher implementation is
// server/storage/sqlcipher_meeting_store.h; the in-memory one for tests is
// tests/testing/memory_referral_store.h.
//
// Also what a caller's scopes (referral_store.h) make of a meeting: a scope
// reaches a meeting of its kinds in its areas (or all of them).
//
// Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_MEETING_STORE_H_
#define SAFEGUARD_SERVER_CORE_MEETING_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/core/meeting.h"
#include "server/core/referral_store.h"

namespace safeguard {

// Meetings in start-time order, from `after` (exclusive).
struct MeetingQuery {
  ReferralKind kind = ReferralKind::kUnspecified;  // any
  std::vector<std::string> areas;                  // empty: every area
  absl::Time from = absl::InfinitePast();          // starting at or after
  int page_size = 50;
  std::optional<std::pair<absl::Time, std::string>> after;  // (start, id)
};

struct MeetingPage {
  std::vector<Meeting> meetings;
  bool more = false;
};

// Actions in due-date order, then id, from `after_id` onwards.
struct ActionQuery {
  ReferralKind kind = ReferralKind::kUnspecified;  // any
  std::vector<std::string> areas;                  // empty: every area
  std::string owner_agency;                        // empty: any
  std::string meeting_id;                          // empty: any
  std::string referral_id;                         // empty: any
  std::vector<ActionStatus> statuses;              // empty: any
  // Only those due before this day (the overdue, with `statuses` open).
  std::optional<Date> due_before;
  int page_size = 50;
  std::optional<std::pair<Date, std::string>> after;  // (due, id)
};

struct ActionPage {
  std::vector<PlanAction> actions;
  bool more = false;
};

class MeetingStore {
 public:
  virtual ~MeetingStore() = default;

  // kNotFound if there is none.
  virtual absl::StatusOr<Meeting> GetMeeting(const std::string& id) = 0;
  virtual absl::StatusOr<MeetingPage> ListMeetings(const MeetingQuery& q) = 0;
  virtual absl::StatusOr<PlanAction> GetAction(const std::string& id) = 0;
  virtual absl::StatusOr<ActionPage> ListActions(const ActionQuery& q) = 0;
};

// The roles in which `scopes` reach a meeting of `kind` in `area`; empty if
// none does.
RoleSet RolesReaching(ReferralKind kind, const std::string& area,
                      const std::vector<VisibilityScope>& scopes);

// The areas `scopes` reach meetings of `kind` in; nullopt for all of them.
std::optional<std::vector<std::string>> AreasReached(
    ReferralKind kind, const std::vector<VisibilityScope>& scopes);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_MEETING_STORE_H_
