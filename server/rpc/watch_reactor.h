// File: server/rpc/watch_reactor.h
//
// WatchReactor: one WatchReferrals stream. From Start() on it receives each
// committed change its caller's scopes reach (through the feed), converts it
// through the caller's field view (WatchViews), and writes it. Before events
// leave, one audit entry names every referral they disclose and the view
// ("no audit, no response"); events waiting together share one entry.
//
// The stream ends when the client cancels, when it falls more than
// kMaxBacklog events or kMaxBacklogBytes behind (it lists and watches
// again), when its audit entry cannot be written, or when a policy reload
// changes what the caller may see (WatchRegistry).
//
// Owned by gRPC: deletes itself in OnDone(). Nothing is written before
// Start(), and Finish() waits for it and for an audit step in flight.
#ifndef SAFEGUARD_SERVER_RPC_WATCH_REACTOR_H_
#define SAFEGUARD_SERVER_RPC_WATCH_REACTOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/core/audit_log.h"
#include "server/core/referral_events.h"
#include "server/rpc/call_context.h"
#include "server/rpc/watch_registry.h"
#include "server/rpc/watch_views.h"
#include "server/rpc/worker_pool.h"

namespace safeguard {

class WatchReactor final : public grpc::ServerWriteReactor<v1::ReferralEvent> {
 public:
  static constexpr size_t kMaxBacklog = 1000;
  static constexpr size_t kMaxBacklogBytes = 8 << 20;

  // What a watch uses; all must outlive every watch.
  struct Services {
    ReferralEvents& events;
    WatchViews& views;
    WatchRegistry& registry;
    AuditLog& audit;
    WorkerPool& pool;
  };

  WatchReactor(grpc::CallbackServerContext* context, const Services& services,
               std::string method, const v1::ReferralFilter& filter)
      : context_(context),
        services_(services),
        method_(std::move(method)),
        filter_(filter) {}

  // Registers the allowed opening (WatchRegistry::Add's refusal when the
  // caller has too many open). Runs on the worker pool before Start().
  absl::Status Register(const ResolvedCall& call);

  // Runs once, on the worker pool, when the opening is allowed and audited:
  // subscribes, then tells the client the watch is live (initial metadata),
  // so it may list knowing that no later change will be missed.
  void Start(ResolvedCall call);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

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
  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  grpc::CallbackServerContext* const context_;
  const Services services_;
  const std::string method_;
  const v1::ReferralFilter filter_;
  // Set by Register() and Start() before anything reads them.
  ResolvedCall call_;
  int64_t registration_ = 0;
  int64_t subscription_ = 0;

  absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;   // a StartWrite in flight
  bool auditing_ ABSL_GUARDED_BY(mu_) = false;  // an audit step in flight
  bool finished_ ABSL_GUARDED_BY(mu_) = false;  // Finish called or due
  bool finish_sent_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  size_t audited_ ABSL_GUARDED_BY(mu_) = 0;  // from the front of queue_
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_WATCH_REACTOR_H_
