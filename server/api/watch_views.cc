#include "server/api/watch_views.h"

#include "server/api/referrals_api.h"
#include "server/convert/referral_convert.h"
#include "server/core/referral_service.h"

namespace safeguard {

std::shared_ptr<const v1::ReferralEvent> WatchViews::For(
    const ReferralEvent& change, const ResolvedCall& call,
    v1::ReferralView referral_view) {
  const Referral& r = change.referral;
  const FieldPaths* view =
      &call.policy->View(ReferralService::ViewRoles(call.context, r), r.kind);
  absl::MutexLock lock(&mu_);
  if (change.sequence != current_) {
    current_ = change.sequence;
    events_.clear();
  }
  const bool basic = referral_view == v1::REFERRAL_VIEW_BASIC;
  std::shared_ptr<const v1::ReferralEvent>& event = events_[{view, basic}];
  if (event == nullptr) {
    auto out = std::make_shared<v1::ReferralEvent>();
    out->set_type(change.type == ReferralEventType::kCreated
                      ? v1::ReferralEvent::CREATED
                      : v1::ReferralEvent::UPDATED);
    ToProto(r, out->mutable_referral());
    ApplyReferralFieldView(*view, out->mutable_referral());
    ApplyReferralView(referral_view, out->mutable_referral());
    ToTimestamp(change.time, out->mutable_event_time());
    event = std::move(out);
  }
  return event;
}

}  // namespace safeguard
