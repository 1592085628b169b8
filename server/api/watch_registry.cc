#include "server/api/watch_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "safeguard/v1/referral.pb.h"

namespace safeguard {
namespace {

bool SameScope(const VisibilityScope& a, const VisibilityScope& b) {
  return a.all == b.all && a.agencies == b.agencies && a.areas == b.areas &&
         a.referrer == b.referrer && a.assignee == b.assignee &&
         a.kinds == b.kinds && a.roles == b.roles && a.rule == b.rule;
}

// Whether every field view the scopes reach is the same in both policies.
bool SameViews(const std::vector<VisibilityScope>& scopes, RoleSet roles,
               const CompiledPolicy& before, const CompiledPolicy& after) {
  std::vector<RoleSet> role_sets = {roles};
  for (const VisibilityScope& s : scopes) role_sets.push_back(s.roles);
  for (RoleSet r : role_sets) {
    for (int k = 1; k <= v1::ReferralKind_MAX; ++k) {
      const auto kind = static_cast<ReferralKind>(k);
      if (before.View(r, kind).Paths() != after.View(r, kind).Paths()) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<int64_t> WatchRegistry::Add(const ResolvedCall& call,
                                           std::string method, End end) {
  absl::MutexLock lock(&mu_);
  // Under the lock: a caller revoked after its call was admitted, but
  // before EndWhere ran, is refused here; one revoked later is ended there.
  if (refuse_ && refuse_(call.context.identity)) {
    return absl::UnauthenticatedError("the client certificate has been revoked");
  }
  int same = 0;
  for (const auto& [id, w] : watches_) {
    if (w.identity.agency == call.context.identity.agency &&
        w.identity.principal == call.context.identity.principal) {
      ++same;
    }
  }
  if (same >= kMaxWatchesPerIdentity) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the caller has ", kMaxWatchesPerIdentity,
                     " watches open already; close one first"));
  }
  const int64_t id = next_id_++;
  watches_.emplace(id, Watch{call.context.identity, std::move(method),
                             call.rule, call.context.roles, call.context.scopes,
                             call.policy, std::move(end)});
  return id;
}

void WatchRegistry::Remove(int64_t id) {
  absl::MutexLock lock(&mu_);
  watches_.erase(id);
}

int WatchRegistry::Recheck(const CompiledPolicy& policy) {
  absl::MutexLock lock(&mu_);
  int ended = 0;
  for (auto it = watches_.begin(); it != watches_.end();) {
    const Watch& w = it->second;
    const AccessDecision d = policy.Decide(w.identity, w.method);
    bool same = d.allowed && d.rule == w.rule && d.acting_roles == w.roles &&
                d.scopes.size() == w.scopes.size() &&
                SameViews(w.scopes, w.roles, *w.policy, policy);
    for (size_t i = 0; same && i < d.scopes.size(); ++i) {
      same = SameScope(d.scopes[i], w.scopes[i]);
    }
    if (same) {
      ++it;
      continue;
    }
    it->second.end(
        absl::UnavailableError("the access policy changed; watch again"));
    it = watches_.erase(it);
    ++ended;
  }
  return ended;
}

int WatchRegistry::EndWhere(
    const std::function<bool(const CallerIdentity&)>& caller,
    const absl::Status& why) {
  absl::MutexLock lock(&mu_);
  int ended = 0;
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (!caller(it->second.identity)) {
      ++it;
      continue;
    }
    it->second.end(why);
    it = watches_.erase(it);
    ++ended;
  }
  return ended;
}

void WatchRegistry::EndAll(const absl::Status& why) {
  absl::MutexLock lock(&mu_);
  for (auto& [id, w] : watches_) w.end(why);
  watches_.clear();
}

int WatchRegistry::open() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(watches_.size());
}

}  // namespace safeguard
