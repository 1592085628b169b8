#include "server/rpc/watch_reactor.h"

#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "server/rpc/audited_call.h"
#include "server/rpc/status_convert.h"

namespace safeguard {
namespace {

// Sent as initial metadata once a watch is live (referrals.proto).
constexpr char kWatchLiveKey[] = "safeguard-watch";
constexpr char kWatchLiveValue[] = "live";

}  // namespace

absl::Status WatchReactor::Register(const ResolvedCall& call) {
  absl::StatusOr<int64_t> id =
      services_.registry.Add(call, method_,
                             [this](const absl::Status& why) { End(why); });
  if (!id.ok()) return id.status();
  registration_ = *id;
  return absl::OkStatus();
}

void WatchReactor::Start(ResolvedCall call) {
  call_ = std::move(call);
  subscription_ = services_.events.Subscribe(
      call_.context.scopes, [this](const ReferralEvent& e) { Enqueue(e); });
  grpc::Status cut_short;
  {
    absl::MutexLock lock(&mu_);
    started_ = true;
    if (!finished_) {
      context_->AddInitialMetadata(kWatchLiveKey, kWatchLiveValue);
      StartSendInitialMetadata();
      WriteNextLocked();
      return;
    }
    cut_short = finish_status_;
    finish_sent_ = true;
  }
  // Last: once finished, OnDone may delete this on another thread.
  Finish(cut_short);
}

void WatchReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  queued_bytes_ -= queue_.front().bytes;
  queue_.pop_front();
  --audited_;
  writing_ = false;
  if (!ok) {
    FinishLocked(grpc::Status::CANCELLED);
    return;
  }
  WriteNextLocked();
}

void WatchReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  FinishLocked(grpc::Status::CANCELLED);
}

void WatchReactor::OnDone() {
  services_.registry.Remove(registration_);
  services_.events.Unsubscribe(subscription_);
  // Whoever called Finish() under the lock has let go of it.
  { absl::MutexLock lock(&mu_); }
  delete this;
}

void WatchReactor::End(const absl::Status& why) {
  absl::MutexLock lock(&mu_);
  FinishLocked(ToGrpcStatus(why));
}

void WatchReactor::Enqueue(const ReferralEvent& e) {
  const Referral& r = e.referral;
  if (filter_.kind() != v1::REFERRAL_KIND_UNSPECIFIED &&
      static_cast<int>(r.kind) != filter_.kind()) {
    return;
  }
  if (!filter_.area().empty() && r.area != filter_.area()) return;
  Item item;
  item.event = services_.views.For(e, call_);
  item.id = r.id;
  item.view = ReferralService::ViewRoles(call_.context, r);
  item.bytes = item.event->ByteSizeLong();
  absl::MutexLock lock(&mu_);
  if (finished_) return;
  if (queue_.size() >= kMaxBacklog ||
      queued_bytes_ + item.bytes > kMaxBacklogBytes) {
    FinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                              "the watcher fell behind; list again and "
                              "watch again"));
    return;
  }
  queued_bytes_ += item.bytes;
  queue_.push_back(std::move(item));
  WriteNextLocked();
}

void WatchReactor::WriteNextLocked() {
  if (!started_ || writing_ || auditing_ || finished_ || queue_.empty()) return;
  if (audited_ > 0) {
    writing_ = true;
    StartWrite(queue_.front().event.get());
    return;
  }
  // Everything waiting goes under one entry, written before it leaves.
  AuditRecord record = BaseAuditRecord(*context_, &call_.context.identity,
                                       method_, call_.rule,
                                       call_.context.roles, absl::Now());
  RoleSet view;
  for (const Item& item : queue_) {
    record.disclosed.push_back(item.id);
    view.AddAll(item.view);
  }
  record.view = view.ToString();
  auditing_ = true;
  const size_t n = queue_.size();
  services_.pool.Schedule([this, record = std::move(record), n]() mutable {
    AuditThenWrite(std::move(record), n);
  });
}

void WatchReactor::AuditThenWrite(AuditRecord record, size_t n) {
  const absl::Status written = services_.audit.Append(record);
  grpc::Status finish;
  {
    absl::MutexLock lock(&mu_);
    auditing_ = false;
    if (!written.ok()) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "the server cannot record this call now"));
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
  // A finish that waited for this step. Last: OnDone may delete this.
  Finish(finish);
}

void WatchReactor::FinishLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  finish_status_ = status;
  // Before Start, or while an audit step runs, the finish waits for it.
  if (!started_ || auditing_) return;
  finish_sent_ = true;
  Finish(status);
}

}  // namespace safeguard
