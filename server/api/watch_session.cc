#include "server/api/watch_session.h"

#include <utility>
#include <vector>

#include "server/api/referrals_api.h"
#include "server/core/field_violations.h"

namespace safeguard {

WatchSession::~WatchSession() {
  if (registration_ != 0) services_.registry.Remove(registration_);
  if (subscription_ != 0) services_.events.Unsubscribe(subscription_);
  // Whoever called Close() under the lock has let go of it.
  absl::MutexLock lock(&mu_);
}

absl::Status WatchSession::Check(const ResolvedCall& call) {
  const v1::ReferralFilter& f = filter_;
  std::vector<FieldViolation> bad;
  for (const auto& [set, field] :
       {std::pair<bool, const char*>{!f.state().empty(), "filter.state"},
        {!f.assignee().empty(), "filter.assignee"},
        {f.min_priority() != 0, "filter.min_priority"},
        {f.overdue_only(), "filter.overdue_only"}}) {
    if (set) {
      bad.push_back({field,
                     "is not supported by WatchReferrals, which must show "
                     "referrals leaving a state; filter by kind or area"});
    }
  }
  if (bad.empty()) CheckFilter(f, call, &bad);
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);
  absl::StatusOr<int64_t> id = services_.registry.Add(
      call, method_, [this](const absl::Status& why) { End(why); });
  if (!id.ok()) return id.status();
  registration_ = *id;
  return absl::OkStatus();
}

void WatchSession::Start(ResolvedCall call) {
  call_ = std::move(call);
  subscription_ = services_.events.Subscribe(
      call_.context.scopes, [this](const ReferralEvent& e) { Enqueue(e); });
  absl::Status cut_short;
  {
    absl::MutexLock lock(&mu_);
    started_ = true;
    if (!finished_) {
      sink_->Live();
      WriteNextLocked();
      return;
    }
    cut_short = finish_status_;
    finish_sent_ = true;
  }
  // Last: once closed, the transport may destroy this on another thread.
  sink_->Close(cut_short);
}

void WatchSession::Refuse(const absl::Status& why) {
  {
    absl::MutexLock lock(&mu_);
    finished_ = finish_sent_ = true;
  }
  sink_->Close(why);  // last
}

void WatchSession::OnWritten(bool ok) {
  absl::MutexLock lock(&mu_);
  queued_bytes_ -= queue_.front().bytes;
  queue_.pop_front();
  --audited_;
  writing_ = false;
  if (!ok) {
    FinishLocked(absl::CancelledError("the client went away"));
    return;
  }
  WriteNextLocked();
}

void WatchSession::Cancel() {
  absl::MutexLock lock(&mu_);
  FinishLocked(absl::CancelledError("the client went away"));
}

void WatchSession::End(const absl::Status& why) {
  absl::MutexLock lock(&mu_);
  FinishLocked(why);
}

void WatchSession::Enqueue(const ReferralEvent& e) {
  const Referral& r = e.referral;
  if (filter_.kind() != v1::REFERRAL_KIND_UNSPECIFIED &&
      static_cast<int>(r.kind) != filter_.kind()) {
    return;
  }
  if (!filter_.area().empty() && r.area != filter_.area()) return;
  Item item;
  item.event = services_.views.For(e, call_, view_);
  item.id = r.id;
  item.view = ReferralService::ViewRoles(call_.context, r);
  item.bytes = item.event->ByteSizeLong();
  absl::MutexLock lock(&mu_);
  if (finished_) return;
  if (queue_.size() >= kMaxBacklog ||
      queued_bytes_ + item.bytes > kMaxBacklogBytes) {
    FinishLocked(absl::ResourceExhaustedError(
        "the watcher fell behind; list again and watch again"));
    return;
  }
  queued_bytes_ += item.bytes;
  queue_.push_back(std::move(item));
  WriteNextLocked();
}

void WatchSession::WriteNextLocked() {
  if (!started_ || writing_ || auditing_ || finished_ || queue_.empty()) return;
  if (audited_ > 0) {
    writing_ = true;
    sink_->Write(*queue_.front().event);
    return;
  }
  // Everything waiting goes under one entry, written before it leaves.
  AuditRecord record = services_.gate.RecordFor(call_, method_);
  RoleSet view;
  for (const Item& item : queue_) {
    record.disclosed.push_back(item.id);
    view.AddAll(item.view);
  }
  record.view = view.ToString();
  auditing_ = true;
  const size_t n = queue_.size();
  services_.gate.pool().Schedule(
      [this, record = std::move(record), n]() mutable {
        AuditThenWrite(std::move(record), n);
      });
}

void WatchSession::AuditThenWrite(AuditRecord record, size_t n) {
  const absl::Status written =
      services_.gate.Conclude(record, absl::OkStatus());
  absl::Status finish;
  {
    absl::MutexLock lock(&mu_);
    auditing_ = false;
    if (!written.ok()) {
      FinishLocked(written);
    } else {
      audited_ += n;
    }
    if (!finished_) {
      WriteNextLocked();
      return;
    }
    if (finish_sent_) return;
    finish_sent_ = true;
    finish = finish_status_;
  }
  // A close that waited for this step. Last: the transport may destroy
  // this.
  sink_->Close(finish);
}

void WatchSession::FinishLocked(const absl::Status& status) {
  if (finished_) return;
  finished_ = true;
  finish_status_ = status;
  // Before Start, or while an audit step runs, the close waits for it.
  if (!started_ || auditing_) return;
  finish_sent_ = true;
  sink_->Close(status);
}

}  // namespace safeguard
