// ReferralEvents: the watch feed's queue and dispatch thread.
#include "server/core/referral_events.h"

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace safeguard {
namespace {

// What one subscriber saw, in order.
class Seen {
 public:
  ReferralEvents::Callback Record() {
    return [this](const ReferralEvent& e) {
      absl::MutexLock lock(&mu_);
      ids_.push_back(e.referral.id);
    };
  }
  // The ids seen once there are `n` of them (or after 10 s).
  std::vector<std::string> WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    want_ = n;
    mu_.AwaitWithTimeout(absl::Condition(this, &Seen::Enough),
                         absl::Seconds(10));
    return ids_;
  }

 private:
  bool Enough() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ids_.size() >= want_;
  }

  absl::Mutex mu_;
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);
  size_t want_ ABSL_GUARDED_BY(mu_) = 0;
};

Referral Make(const std::string& id, ReferralKind kind) {
  Referral r;
  r.id = id;
  r.kind = kind;
  r.area = "babergh";
  return r;
}

VisibilityScope Kinds(std::vector<ReferralKind> kinds) {
  VisibilityScope s;
  s.all = true;
  s.kinds = std::move(kinds);
  return s;
}

void Publish(ReferralEvents& events, const Referral& r) {
  events.Publish({ReferralEventType::kCreated, r, absl::Now()});
}

TEST(ReferralEventsTest, EachSubscriberGetsWhatItCanSeeInPublishingOrder) {
  ReferralEvents events;
  Seen everything, marac;
  events.Subscribe({Kinds({})}, everything.Record());
  events.Subscribe({Kinds({ReferralKind::kMarac})}, marac.Record());
  Publish(events, Make("m1", ReferralKind::kMarac));
  Publish(events, Make("c1", ReferralKind::kChannel));
  Publish(events, Make("m2", ReferralKind::kMarac));
  EXPECT_EQ(everything.WaitFor(3), (std::vector<std::string>{"m1", "c1", "m2"}));
  EXPECT_EQ(marac.WaitFor(2), (std::vector<std::string>{"m1", "m2"}));
}

TEST(ReferralEventsTest, NothingReachesASubscriberAfterUnsubscribe) {
  ReferralEvents events;
  Seen leaving, staying;
  const int64_t id = events.Subscribe({Kinds({})}, leaving.Record());
  events.Subscribe({Kinds({})}, staying.Record());
  Publish(events, Make("before", ReferralKind::kNrm));
  ASSERT_EQ(leaving.WaitFor(1), std::vector<std::string>{"before"});
  events.Unsubscribe(id);
  Publish(events, Make("after", ReferralKind::kNrm));
  // Once the staying subscriber has "after", the feed is past it.
  ASSERT_EQ(staying.WaitFor(2), (std::vector<std::string>{"before", "after"}));
  EXPECT_EQ(leaving.WaitFor(1), std::vector<std::string>{"before"});
}

TEST(ReferralEventsTest, AChangeWithNobodySubscribedIsDropped) {
  ReferralEvents events;
  Publish(events, Make("unseen", ReferralKind::kChannel));
  Seen late;
  events.Subscribe({Kinds({})}, late.Record());
  Publish(events, Make("seen", ReferralKind::kChannel));
  EXPECT_EQ(late.WaitFor(1), std::vector<std::string>{"seen"});
}

}  // namespace
}  // namespace safeguard
