// File: server/rpc/call_runner.h
//
// CallRunner: the steps every handler shares, in one place, and so the
// choke point of access control. For a unary call: refuse it if the server
// is draining, resolve the caller (identity, policy decision, scopes; a
// refused call's work never runs), start its audit record, run the
// handler's work on the worker pool, write the audit record with the
// outcome (unless the store committed it with the change; a failed write
// means UNAVAILABLE and no data), and finish. For a stream: resolve and
// audit its opening. Refusals are audited before they are sent: a unary
// call's on the worker pool, a stream's opening (allowed or refused) on the
// gRPC thread that opens it, as streams are opened rarely.
//
// Does not own its collaborators; all must outlive the gRPC server.
// Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_CALL_RUNNER_H_
#define SAFEGUARD_SERVER_RPC_CALL_RUNNER_H_

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
#include "server/rpc/status_convert.h"
#include "server/rpc/worker_pool.h"

namespace safeguard {

class CallRunner {
 public:
  CallRunner(AuditLog& audit, const PolicyHolder& policies, const Clock& clock,
             CallGate& gate, WorkerPool& pool, std::string trust_domain)
      : audit_(audit),
        policies_(policies),
        clock_(clock),
        gate_(gate),
        pool_(pool),
        trust_domain_(std::move(trust_domain)) {}

  // `work(ResolvedCall&, AuditRecord&) -> absl::Status` fills `response`;
  // it runs on the worker pool. `method` is "safeguard.v1.Service/Method".
  template <typename Work>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  const std::string& method,
                                  google::protobuf::Message* response,
                                  Work work) {
    if (!gate_.TryEnter()) {
      grpc::ServerUnaryReactor* refused = context->DefaultReactor();
      refused->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                   "the server is shutting down"));
      return refused;
    }
    grpc::ServerUnaryReactor* reactor = new GatedReactor(gate_);
    const absl::Time now = clock_.Now();
    RefusedCaller refused;
    absl::StatusOr<ResolvedCall> call =
        ResolveCall(*context, policies_, trust_domain_, method, now, &refused);
    AuditRecord audit = Record(*context, call, refused, method, now);
    pool_.Schedule([this, reactor, response, work = std::move(work),
                    call = std::move(call), audit = std::move(audit)]() mutable {
      absl::Status status = call.ok() ? work(*call, audit) : call.status();
      status = FinishAudited(audit_, audit, status, response);
      reactor->Finish(ToGrpcStatus(status));
    });
    return reactor;
  }

  // Resolves the caller of a stream and audits its opening, with
  // `refusal` when the request is already known to be bad. Returns the call,
  // or the status to finish the stream with.
  absl::StatusOr<ResolvedCall> OpenStream(grpc::CallbackServerContext* context,
                                          const std::string& method,
                                          const absl::Status& refusal);

  WorkerPool& pool() { return pool_; }

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

  AuditRecord Record(const grpc::ServerContextBase& context,
                     const absl::StatusOr<ResolvedCall>& call,
                     const RefusedCaller& refused, const std::string& method,
                     absl::Time now) const;

  AuditLog& audit_;
  const PolicyHolder& policies_;
  const Clock& clock_;
  CallGate& gate_;
  WorkerPool& pool_;
  const std::string trust_domain_;
};

// A stream that ends at once with `status`. Owned by gRPC.
template <typename Response>
grpc::ServerWriteReactor<Response>* RefuseStream(const grpc::Status& status) {
  class Refusal final : public grpc::ServerWriteReactor<Response> {
   public:
    explicit Refusal(const grpc::Status& s) { this->Finish(s); }
    void OnDone() override { delete this; }
  };
  return new Refusal(status);
}

// The id in "referrals/<id>", or a "name" field violation.
absl::StatusOr<std::string> ReferralIdFromName(const std::string& name);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_CALL_RUNNER_H_
