// File: server/core/referral_events.h
//
// ReferralEvents: the in-process feed of committed referral changes behind
// WatchReferrals. Publish() is called after a change is durable. It copies
// the change into a queue and returns, so the writer does not wait for the
// watchers; a thread of its own hands each change, in publishing order, to
// every subscriber whose scopes can see the referral. Callbacks run on that
// thread and must be quick and must not block (queue and return). Publish()
// waits only when kMaxQueued changes are already waiting. A change
// published while nobody is subscribed is dropped at once.
//
// Owns its dispatch thread; changes still queued at destruction are
// dropped. Safe for concurrent use. Subscriptions end with Unsubscribe();
// after it returns the callback is never called again.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_EVENTS_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_EVENTS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/core/referral.h"
#include "server/core/referral_store.h"

namespace safeguard {

enum class ReferralEventType { kCreated, kUpdated };

// Valid only during the call it is passed to; a subscriber copies what it
// keeps.
struct ReferralEvent {
  ReferralEventType type;
  const Referral& referral;
  absl::Time time;
  // Set by the feed: its number for the change, from 1, the same for every
  // subscriber it reaches.
  int64_t sequence = 0;
};

class ReferralEvents {
 public:
  using Callback = std::function<void(const ReferralEvent&)>;
  static constexpr size_t kMaxQueued = 10000;

  ReferralEvents();
  ReferralEvents(const ReferralEvents&) = delete;
  ReferralEvents& operator=(const ReferralEvents&) = delete;
  ~ReferralEvents();

  // Returns the subscription id. The subscriber gets every change
  // published after this returns.
  int64_t Subscribe(std::vector<VisibilityScope> scopes, Callback callback);
  void Unsubscribe(int64_t id);
  void Publish(const ReferralEvent& event);

 private:
  struct Queued {
    ReferralEventType type;
    Referral referral;
    absl::Time time;
  };
  struct Subscriber {
    std::vector<VisibilityScope> scopes;
    Callback callback;
  };
  void Dispatch() ABSL_LOCKS_EXCLUDED(queue_mu_, mu_);

  absl::Mutex queue_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::deque<Queued> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;

  // Held while callbacks run, so Unsubscribe() waits for a running one.
  absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
  std::atomic<size_t> subscriber_count_{0};

  std::thread thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_EVENTS_H_
