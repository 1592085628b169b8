#include "server/core/referral_events.h"

#include <utility>

namespace safeguard {

ReferralEvents::ReferralEvents() : thread_([this] { Dispatch(); }) {}

ReferralEvents::~ReferralEvents() {
  {
    absl::MutexLock lock(&queue_mu_);
    stopping_ = true;
  }
  thread_.join();
}

int64_t ReferralEvents::Subscribe(std::vector<VisibilityScope> scopes,
                                  Callback callback) {
  absl::MutexLock lock(&mu_);
  int64_t id = next_id_++;
  subscribers_[id] = {std::move(scopes), std::move(callback)};
  subscriber_count_ = subscribers_.size();
  return id;
}

void ReferralEvents::Unsubscribe(int64_t id) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(id);
  subscriber_count_ = subscribers_.size();
}

void ReferralEvents::Publish(const ReferralEvent& event) {
  if (subscriber_count_ == 0) return;
  absl::MutexLock lock(&queue_mu_);
  queue_mu_.Await(absl::Condition(
      +[](ReferralEvents* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->queue_mu_) {
        return self->queue_.size() < kMaxQueued || self->stopping_;
      },
      this));
  if (stopping_) return;
  queue_.push_back({event.type, event.referral, event.time});
}

void ReferralEvents::Dispatch() {
  for (int64_t sequence = 1;; ++sequence) {
    Queued next;
    {
      absl::MutexLock lock(&queue_mu_);
      queue_mu_.Await(absl::Condition(
          +[](ReferralEvents* self)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->queue_mu_) {
                 return !self->queue_.empty() || self->stopping_;
               },
          this));
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    const ReferralEvent event{next.type, next.referral, next.time, sequence};
    absl::MutexLock lock(&mu_);
    for (auto& [id, subscriber] : subscribers_) {
      if (IsVisible(next.referral, subscriber.scopes)) {
        subscriber.callback(event);
      }
    }
  }
}

}  // namespace safeguard
