// File: server/core/referral_events.h
//
// ReferralEvents: the in-process feed of committed referral changes behind
// WatchReferrals. Publish() is called after a change is durable; every
// subscriber whose scopes can see the referral gets it, on the publishing
// thread, so callbacks must be quick and must not block (queue and return).
//
// Safe for concurrent use. Subscriptions end with Unsubscribe(); after it
// returns the callback is never called again.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_EVENTS_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_EVENTS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/core/referral.h"
#include "server/core/referral_store.h"

namespace safeguard {

enum class ReferralEventType { kCreated, kUpdated };

// Valid only during the callbacks of one Publish(); a subscriber copies what
// it keeps.
struct ReferralEvent {
  ReferralEventType type;
  const Referral& referral;
  absl::Time time;
};

class ReferralEvents {
 public:
  using Callback = std::function<void(const ReferralEvent&)>;

  // Returns the subscription id.
  int64_t Subscribe(std::vector<VisibilityScope> scopes, Callback callback);
  void Unsubscribe(int64_t id);
  void Publish(const ReferralEvent& event);

 private:
  struct Subscriber {
    std::vector<VisibilityScope> scopes;
    Callback callback;
  };
  absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_EVENTS_H_
