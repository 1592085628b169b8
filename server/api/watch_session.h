// File: server/api/watch_session.h
//
// WatchSession: one WatchReferrals stream, whatever its transport. From
// Start() on it receives each committed change its caller's scopes reach
// (through the feed), converts it through the caller's field view
// (WatchViews), and writes it to the sink. Before events leave, one audit
// entry names every referral they disclose and the view ("no audit, no
// response"); events waiting together share one entry.
//
// The stream ends when the client cancels, when it falls more than
// kMaxBacklog events or kMaxBacklogBytes behind (it lists and watches
// again), when its audit entry cannot be written, or when a policy reload
// changes what the caller may see (WatchRegistry).
//
// Owned by the transport (api_method.h): nothing is written before
// Start(), and Close() waits for it and for an audit step in flight; the
// session touches nothing after calling Close().
#ifndef SAFEGUARD_SERVER_API_WATCH_SESSION_H_
#define SAFEGUARD_SERVER_API_WATCH_SESSION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "safeguard/v1/referrals.pb.h"
#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/api/watch_registry.h"
#include "server/api/watch_views.h"
#include "server/core/referral_events.h"

namespace safeguard {

class WatchSession final : public ApiStream {
 public:
  static constexpr size_t kMaxBacklog = 1000;
  static constexpr size_t kMaxBacklogBytes = 8 << 20;

  // What a watch uses; all must outlive every watch.
  struct Services {
    ReferralEvents& events;
    WatchViews& views;
    WatchRegistry& registry;
    AccessGate& gate;
  };

  WatchSession(const Services& services, std::string method,
               const v1::ReferralFilter& filter, v1::ReferralView view,
               StreamSink* sink)
      : services_(services),
        method_(std::move(method)),
        filter_(filter),
        view_(view),
        sink_(sink) {}
  ~WatchSession() override;

  // Checks the filter and registers the allowed opening (WatchRegistry's
  // refusal when the caller has too many open).
  absl::Status Check(const ResolvedCall& call) override;
  // Subscribes, then tells the client the watch is live, so it may list
  // knowing that no later change will be missed.
  void Start(ResolvedCall call) override;
  void Refuse(const absl::Status& why) override;
  void OnWritten(bool ok) override;
  void Cancel() override;

 private:
  struct Item {
    std::shared_ptr<const v1::ReferralEvent> event;
    std::string id;
    RoleSet view;
    size_t bytes = 0;
  };

  void Enqueue(const ReferralEvent& e);
  // Ends the watch, saying why (WatchRegistry).
  void End(const absl::Status& why);
  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes the audit entry of the first `n` queued items, then goes on.
  void AuditThenWrite(AuditRecord record, size_t n);
  void FinishLocked(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Services services_;
  const std::string method_;
  const v1::ReferralFilter filter_;
  const v1::ReferralView view_;
  StreamSink* const sink_;
  // Set by Check() and Start() before anything reads them.
  ResolvedCall call_;
  int64_t registration_ = 0;
  int64_t subscription_ = 0;

  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;   // a Write in flight
  bool auditing_ ABSL_GUARDED_BY(mu_) = false;  // an audit step in flight
  bool finished_ ABSL_GUARDED_BY(mu_) = false;  // Close called or due
  bool finish_sent_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status finish_status_ ABSL_GUARDED_BY(mu_);
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  size_t audited_ ABSL_GUARDED_BY(mu_) = 0;  // from the front of queue_
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_WATCH_SESSION_H_
