#include "server/core/referral_events.h"

namespace safeguard {

int64_t ReferralEvents::Subscribe(std::vector<VisibilityScope> scopes,
                                  Callback callback) {
  absl::MutexLock lock(&mu_);
  int64_t id = next_id_++;
  subscribers_[id] = {std::move(scopes), std::move(callback)};
  return id;
}

void ReferralEvents::Unsubscribe(int64_t id) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(id);
}

void ReferralEvents::Publish(const ReferralEvent& event) {
  // Held across the callbacks, so Unsubscribe() cannot return while one is
  // running; callbacks only enqueue.
  absl::MutexLock lock(&mu_);
  for (auto& [id, subscriber] : subscribers_) {
    if (IsVisible(event.referral, subscriber.scopes)) subscriber.callback(event);
  }
}

}  // namespace safeguard
