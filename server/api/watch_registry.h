// File: server/api/watch_registry.h
//
// WatchRegistry: the open WatchReferrals streams, so that a policy reload
// can re-decide each of them, and so that no identity holds more than
// kMaxWatchesPerIdentity at once (each is a subscription the feed serves).
//
// A watch registers once its opening is allowed (Add) and leaves when it
// is done (Remove). Recheck() ends every watch whose decision, scopes or
// field views differ under the new policy, and EndAll() every watch (the
// server is stopping): each calls the watch's `end` with why, which must
// not block or call back into the registry.
//
// Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_API_WATCH_REGISTRY_H_
#define SAFEGUARD_SERVER_API_WATCH_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/policy/policy.h"
#include "server/access/access_gate.h"

namespace safeguard {

class WatchRegistry {
 public:
  static constexpr int kMaxWatchesPerIdentity = 8;

  // Registers a watch of `call`'s caller; kResourceExhausted when that
  // identity already has kMaxWatchesPerIdentity open. Returns its id.
  using End = std::function<void(const absl::Status& why)>;
  absl::StatusOr<int64_t> Add(const ResolvedCall& call, std::string method,
                              End end);
  void Remove(int64_t id);

  // Ends the watches `policy` would decide differently. Returns how many.
  int Recheck(const CompiledPolicy& policy);
  // Add() refuses a caller `refuse` picks (a revoked certificate). Set it
  // before serving; it must not call back into the registry.
  void set_refusal(std::function<bool(const CallerIdentity&)> refuse) {
    absl::MutexLock lock(&mu_);
    refuse_ = std::move(refuse);
  }
  // Ends, with `why`, every watch whose caller `caller` picks (which must
  // not call back into the registry); returns how many.
  int EndWhere(const std::function<bool(const CallerIdentity&)>& caller,
               const absl::Status& why);
  void EndAll(const absl::Status& why);

  int open() const;

 private:
  struct Watch {
    CallerIdentity identity;
    std::string method;
    std::string rule;
    RoleSet roles;
    std::vector<VisibilityScope> scopes;
    std::shared_ptr<const CompiledPolicy> policy;
    End end;
  };

  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Watch> watches_ ABSL_GUARDED_BY(mu_);
  std::function<bool(const CallerIdentity&)> refuse_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_WATCH_REGISTRY_H_
