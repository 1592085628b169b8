// File: server/core/referral_store.h
//
// ReferralStore: durable referrals, as the domain core sees them. The
// SQLCipher implementation is server/storage/sqlcipher_referral_store.h; an
// in-memory fake for core tests is tests/testing/fake_referral_store.h.
//
// Every method that returns OK has made its change durable (it survives a
// crash a moment later); one that fails has changed nothing.
//
// Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_STORE_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/audit_log.h"
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

struct CreateResult {
  Referral referral;
  bool created = false;  // false: an earlier submission with the same key
};

// Completes a new referral from the store's own records, inside Create's
// transaction and only once its idempotency key is known to be new: given
// when the last referral with its repeat key was made (if a key was named
// and there was one). May run more than once; must only change `referral`.
using CompleteNewReferral =
    std::function<void(Referral& referral, std::optional<absl::Time> last_repeat)>;

class ReferralStore {
 public:
  virtual ~ReferralStore() = default;

  // Stores a new referral, giving it the reference "<prefix>-<NNNNNN>" from
  // a per-prefix sequence, and records `idempotency_key` with the body's
  // `fingerprint` in the same transaction. If the key was used before:
  // the same fingerprint returns the stored referral (created = false); a
  // different one is kAlreadyExists. Only then, and in the same
  // transaction, is anything else read: `complete` (if set) completes the
  // new referral, and when `repeat_key` is set this referral becomes the
  // latest with that key (a kind's own: today MARAC's victim-perpetrator
  // pair; another kind's keys must not collide with it). A new referral
  // is stored together with `audit` (its referral id filled in) in one
  // transaction, and `audit.committed` is set.
  virtual absl::StatusOr<CreateResult> Create(
      Referral referral, const std::string& reference_prefix,
      const std::string& idempotency_key, const std::string& fingerprint,
      const std::optional<std::string>& repeat_key,
      const CompleteNewReferral& complete, AuditRecord& audit) = 0;

  // kNotFound if there is no such referral.
  virtual absl::StatusOr<Referral> Get(const std::string& id) = 0;

  // Replaces the stored referral if its version is still `expected_version`
  // (kAborted otherwise, kNotFound if missing). The caller has already set
  // referral.version to expected_version + 1. The change and `audit` commit
  // in one transaction, and `audit.committed` is set.
  virtual absl::Status Update(const Referral& referral,
                              int64_t expected_version, AuditRecord& audit) = 0;

  virtual absl::StatusOr<QueuePage> List(const QueueQuery& query) = 0;
};

using ReferralStorePtr = std::unique_ptr<ReferralStore>;

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_STORE_H_
