// File: server/api/watch_views.h
//
// WatchViews: the watch events of one committed change, one message per
// field view and referral view (basic or full), shared by every watcher
// that sees the change through the same views (the same roles under the
// same policy, asking for the same referral view), so a change is
// converted once per view rather than once per watcher. The feed hands a
// change to every watcher before the next, so only the current change's
// messages are kept. The messages are immutable once made; a watcher keeps
// its shared_ptr until its write is done.
//
// Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_API_WATCH_VIEWS_H_
#define SAFEGUARD_SERVER_API_WATCH_VIEWS_H_

#include <map>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/core/referral_events.h"
#include "server/policy/policy.h"
#include "server/access/access_gate.h"

namespace safeguard {

class WatchViews {
 public:
  // The event for `change` as `call`'s caller may see it, in `view`.
  std::shared_ptr<const v1::ReferralEvent> For(const ReferralEvent& change,
                                               const ResolvedCall& call,
                                               v1::ReferralView view);

 private:
  absl::Mutex mu_;
  int64_t current_ ABSL_GUARDED_BY(mu_) = 0;  // the change's feed sequence
  // By field view and referral view: a policy's views live as long as the
  // policy, which every watcher holding one of these keeps alive.
  std::map<std::pair<const FieldPaths*, bool>,
           std::shared_ptr<const v1::ReferralEvent>>
      events_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_WATCH_VIEWS_H_
