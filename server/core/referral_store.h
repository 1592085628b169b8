// File: server/core/referral_store.h
//
// ReferralStore: reading durable referrals, as the domain core sees them
// (changes go through a UnitOfWork, unit_of_work.h). The SQLCipher
// implementation is server/storage/sqlcipher_referral_store.h; an
// in-memory one for tests is tests/testing/memory_referral_store.h.
//
// Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_STORE_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/person_index.h"
#include "server/core/person_record.h"
#include "server/core/referral.h"
#include "server/core/roles.h"

namespace safeguard {

enum class QueueOrder { kByDeadline, kByPriority };

// Where a page ends: the sort key of its last referral.
struct QueueCursor {
  int priority = 0;
  int64_t deadline_us = 0;
  std::string id;
};

// Which referrals a caller may see, from the access policy. A referral is
// visible if it matches every restriction that is set (an unset one is no
// restriction), and at least one of the scopes.
struct VisibilityScope {
  bool all = false;                        // every referral
  std::vector<std::string> agencies;       // referred by these agencies
  std::vector<std::string> areas;          // in these areas
  std::string referrer;                    // "<agency>/<principal>" referred
  std::string assignee;                    // "<agency>/<principal>" assigned
  std::vector<ReferralKind> kinds;         // and only these kinds (empty: any)
  // The caller's roles that this scope comes from: a referral seen through
  // it is seen in these roles (their field views, their workflow actions).
  RoleSet roles;
  // The policy rule the scope comes from, for the audit log.
  std::string rule;
};

struct QueueQuery {
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string state;
  std::string area;
  std::optional<std::string> assignee;  // "" means unassigned
  Priority min_priority = Priority::kUnspecified;
  bool overdue_only = false;
  absl::Time now = absl::InfinitePast();
  QueueOrder order = QueueOrder::kByDeadline;
  int page_size = 50;
  std::optional<QueueCursor> after;
  std::vector<VisibilityScope> scopes;  // empty: nothing is visible
};

struct QueuePage {
  std::vector<Referral> referrals;
  std::optional<QueueCursor> next;  // set when there may be more
};

// The sort key of a referral in a queue order.
QueueCursor CursorOf(const Referral& referral);

// Whether `referral` is visible under any of `scopes`.
bool IsVisible(const Referral& referral,
               const std::vector<VisibilityScope>& scopes);

// The roles in which the caller sees `referral`: those of every scope it is
// visible through. Empty if it is not visible.
RoleSet RolesSeeing(const Referral& referral,
                    const std::vector<VisibilityScope>& scopes);

// The rules of the scopes `referral` is visible through, comma-separated.
std::string RulesSeeing(const Referral& referral,
                        const std::vector<VisibilityScope>& scopes);

class ReferralStore {
 public:
  virtual ~ReferralStore() = default;

  // kNotFound if there is no such referral.
  virtual absl::StatusOr<Referral> Get(const std::string& id) = 0;

  virtual absl::StatusOr<QueuePage> List(const QueueQuery& query) = 0;

  // The person index, as WriteTransaction::FindMentions reads it.
  virtual absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) = 0;
  // Person records, as WriteTransaction::GetPerson and PersonOf read them.
  virtual absl::StatusOr<PersonRecord> GetPerson(const std::string& id) = 0;
  virtual absl::StatusOr<std::string> PersonOf(const MentionRef& mention) = 0;
};

using ReferralStorePtr = std::unique_ptr<ReferralStore>;

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_STORE_H_
