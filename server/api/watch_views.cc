#include "server/api/watch_views.h"

#include "server/convert/referral_convert.h"
#include "server/core/referral_service.h"

namespace safeguard {

std::shared_ptr<const v1::ReferralEvent> WatchViews::For(
    const ReferralEvent& change, const ResolvedCall& call) {
  const Referral& r = change.referral;
  const FieldPaths* view =
      &call.policy->View(ReferralService::ViewRoles(call.context, r), r.kind);
  absl::MutexLock lock(&mu_);
  if (change.sequence != current_) {
    current_ = change.sequence;
    events_.clear();
  }
  std::shared_ptr<const v1::ReferralEvent>& event = events_[view];
  if (event == nullptr) {
    auto out = std::make_shared<v1::ReferralEvent>();
    out->set_type(change.type == ReferralEventType::kCreated
                      ? v1::ReferralEvent::CREATED
                      : v1::ReferralEvent::UPDATED);
    ToProto(r, out->mutable_referral());
    ApplyFieldView(*view, out->mutable_referral());
    ToTimestamp(change.time, out->mutable_event_time());
    event = std::move(out);
  }
  return event;
}

}  // namespace safeguard
