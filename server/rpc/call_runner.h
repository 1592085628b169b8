// File: server/rpc/call_runner.h
//
// CallRunner: the steps every handler shares, in one place, and so the
// choke point of access control. For a unary call: refuse it if the server
// is draining, resolve the caller (identity, policy decision, scopes; a
// refused call's work never runs), start its audit record, run the
// handler's work on the worker pool, write the audit record with the
// outcome (unless the store committed it with the change; a failed write
// means UNAVAILABLE and no data), and finish. For a stream: resolve and
// audit its opening on the worker pool. No gRPC thread waits for the audit
// log, and refusals are audited before they are sent.
//
// Does not own its collaborators; all must outlive the gRPC server.
// Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_CALL_RUNNER_H_
#define SAFEGUARD_SERVER_RPC_CALL_RUNNER_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/policy/policy.h"
#include "server/rpc/audited_call.h"
#include "server/rpc/call_context.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/caller_limiter.h"
#include "server/rpc/request_limits.h"
#include "server/rpc/status_convert.h"
#include "server/rpc/worker_pool.h"

namespace safeguard {

class CallRunner {
 public:

  // `max_calls_per_caller`: calls one caller may have admitted and not
  // finished; past that its calls are refused (RESOURCE_EXHAUSTED).
  CallRunner(AuditLog& audit, const PolicyHolder& policies, const Clock& clock,
             CallGate& gate, WorkerPool& pool, std::string trust_domain,
             int max_calls_per_caller)
      : audit_(audit),
        policies_(policies),
        clock_(clock),
        gate_(gate),
        pool_(pool),
        trust_domain_(std::move(trust_domain)),
        callers_(max_calls_per_caller) {}

  // `work(ResolvedCall&, AuditRecord&) -> absl::Status` fills `response`;
  // it runs on the worker pool, once `request` has been found within its
  // limits (request_limits.h). `method` is "safeguard.v1.Service/Method".
  template <typename Work>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  const std::string& method,
                                  const google::protobuf::Message& request,
                                  google::protobuf::Message* response,
                                  Work work) {
    if (!gate_.TryEnter()) {
      grpc::ServerUnaryReactor* refused = context->DefaultReactor();
      refused->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                   "the server is shutting down"));
      return refused;
    }
    grpc::ServerUnaryReactor* reactor = new GatedReactor(gate_);
    AuditRecord audit;
    absl::StatusOr<ResolvedCall> call = Resolve(*context, method, &audit);
    // One caller's calls may not take every worker.
    const std::string caller = call.ok() ? call->context.Name() : "";
    if (call.ok() && !callers_.TryAcquire(caller)) {
      reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                   "too many calls in flight from this "
                                   "caller; retry later"));
      return reactor;
    }
    const bool queued = pool_.TrySchedule(
        [this, context, reactor, &request, response, caller,
         work = std::move(work), call = std::move(call),
         audit = std::move(audit)]() mutable {
          // A call its client gave up on while it waited does nothing.
          absl::Status status = Expired(*context);
          const bool run = status.ok();
          if (run) {
            status = call.ok() ? CheckRequestLimits(request) : call.status();
            if (status.ok()) status = work(*call, audit);
            status = FinishAudited(audit_, audit, status, response);
          }
          if (!caller.empty()) callers_.Release(caller);
          reactor->Finish(ToGrpcStatus(status));
        });
    if (!queued) {
      if (!caller.empty()) callers_.Release(caller);
      reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                   "the server is busy; retry later"));
    }
    return reactor;
  }

  // Opens a server stream: on the worker pool, so that no gRPC thread waits
  // for the audit log, resolves the caller, checks the request with
  // `check(const ResolvedCall&) -> absl::Status` and audits the opening.
  // Then calls `reactor->Start(ResolvedCall)` there, or finishes the stream
  // with the refusal. Returns `reactor`, which must not call Finish()
  // before its Start() has run (it may be cancelled first).
  template <typename Reactor, typename Check>
  Reactor* OpenStream(grpc::CallbackServerContext* context,
                      std::string method,
                      const google::protobuf::Message& request, Check check,
                      Reactor* reactor) {
    // The opening passes the drain gate; a watch that is open when
    // draining starts is ended then (SafeguardServer::Shutdown).
    if (!gate_.TryEnter()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                   "the server is shutting down"));
      return reactor;
    }
    pool_.Schedule([this, context, reactor, method = std::move(method),
                    &request, check = std::move(check)] {
      struct Exit {
        CallGate& gate;
        ~Exit() { gate.Exit(); }
      } exit{gate_};
      absl::StatusOr<ResolvedCall> call =
          ResolveStream(context, method, [&](const ResolvedCall& c) {
            absl::Status limits = CheckRequestLimits(request);
            return limits.ok() ? check(c) : limits;
          });
      if (call.ok()) {
        reactor->Start(*std::move(call));
      } else {
        reactor->Finish(ToGrpcStatus(call.status()));
      }
    });
    return reactor;
  }

  WorkerPool& pool() { return pool_; }
  AuditLog& audit_log() { return audit_; }

 private:
  // Leaves the gate once gRPC is done with the call: after its status has
  // been sent, or it was cancelled. Leaving right after Finish() would let
  // shutdown cancel a finished call whose response is not yet on the wire.
  // Deletes itself.
  class GatedReactor : public grpc::ServerUnaryReactor {
   public:
    explicit GatedReactor(CallGate& gate) : gate_(gate) {}
    void OnDone() override {
      gate_.Exit();
      delete this;
    }

   private:
    CallGate& gate_;
  };

  // CANCELLED or DEADLINE_EXCEEDED when the client has given up on the call.
  static absl::Status Expired(const grpc::CallbackServerContext& context);
  absl::StatusOr<ResolvedCall> ResolveStream(
      grpc::CallbackServerContext* context, const std::string& method,
      const std::function<absl::Status(const ResolvedCall&)>& check);
  // Resolves the caller of `method` and starts the call's audit record in
  // `*audit`, naming the caller even when it is refused.
  absl::StatusOr<ResolvedCall> Resolve(const grpc::ServerContextBase& context,
                                       const std::string& method,
                                       AuditRecord* audit) const;

  AuditLog& audit_;
  const PolicyHolder& policies_;
  const Clock& clock_;
  CallGate& gate_;
  WorkerPool& pool_;
  const std::string trust_domain_;
  CallerLimiter callers_;
};

// The id in "referrals/<id>", or a "name" field violation.
absl::StatusOr<std::string> ReferralIdFromName(const std::string& name);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_CALL_RUNNER_H_
