// File: server/access/access_gate.h
//
// AccessGate: the one choke point every call passes, whatever its
// transport, and every system action too. For a call it:
//   - admits it past the drain gate (CallGate: UNAVAILABLE once draining),
//   - resolves the caller: identity (Authenticator, else UNAUTHENTICATED),
//     the policy in force and its decision for the method with its roles,
//     deciding rule and scopes (else PERMISSION_DENIED: default deny), and
//     starts the call's audit record naming the caller even when refused,
//   - bounds each caller's calls in flight and the work queued
//     (RESOURCE_EXHAUSTED past either),
//   - runs the work on the worker pool, unless the client gave up on the
//     call while it waited (then nothing runs and nothing is written),
//   - concludes the audit record with the outcome (unless a store committed
//     it with the change); a failed append turns the answer into
//     UNAVAILABLE with no data ("no audit, no response").
// Refusals are audited before they are answered. No transport thread waits
// for the audit log.
//
// Does not own its collaborators; all must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_ACCESS_ACCESS_GATE_H_
#define SAFEGUARD_SERVER_ACCESS_ACCESS_GATE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/access/authenticator.h"
#include "server/access/call_gate.h"
#include "server/access/call_observer.h"
#include "server/access/caller_limiter.h"
#include "server/access/inbound_call.h"
#include "server/access/worker_pool.h"
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/core/referral_service.h"
#include "server/policy/policy.h"

namespace safeguard {

// An admitted call: who calls, what the policy in force lets it do, and by
// which rule.
struct ResolvedCall {
  CallContext context;
  std::shared_ptr<const CompiledPolicy> policy;
  std::string rule;
  std::string request_id;
};

class AccessGate {
 public:
  // `work(ResolvedCall&, AuditRecord&)` does the call's work and fills in
  // what its audit record discloses.
  using Work = absl::AnyInvocable<absl::Status(ResolvedCall&, AuditRecord&)>;
  // Runs exactly once, with the status to answer and the call's place in
  // the drain gate (empty when refused there).
  using Done = absl::AnyInvocable<void(absl::Status, CallTicket)>;
  // Checks an allowed stream opening before it is audited.
  using Check = absl::AnyInvocable<absl::Status(const ResolvedCall&)>;
  using Opened = absl::AnyInvocable<void(absl::StatusOr<ResolvedCall>)>;

  // `max_calls_per_caller`: calls one caller may have admitted and not
  // finished.
  AccessGate(const Authenticator& authenticator, AuditLog& audit,
             const PolicyHolder& policies, const Clock& clock, CallGate& gate,
             WorkerPool& pool, int max_calls_per_caller)
      : authenticator_(authenticator),
        audit_(audit),
        policies_(policies),
        clock_(clock),
        gate_(gate),
        pool_(pool),
        callers_(max_calls_per_caller) {}

  // A unary call: `done` runs on the worker pool (or at once, inline, when
  // the call is refused before it is queued).
  void Unary(InboundCall call, Work work, Done done);

  // A stream's opening: on the worker pool, resolves the caller, runs
  // `check`, audits the opening, and calls `opened` with the admitted call
  // or the refusal. The drain gate is held only for the opening: open
  // streams are ended by their owner at shutdown.
  void OpenStream(InboundCall call, Check check, Opened opened);

  // An action of the server itself (a policy reload, a signed checkpoint),
  // audited as "safeguardd" "system/<actor>" with `rule`. Runs `action` on
  // the calling thread; returns its status, or the audit failure.
  absl::Status System(absl::string_view method, absl::string_view actor,
                      absl::string_view rule,
                      absl::AnyInvocable<absl::Status()> action);

  // The base record of an entry written for `call` outside a unary call
  // (a stream's later batches).
  AuditRecord RecordFor(const ResolvedCall& call, absl::string_view method) const;

  // Appends `record` with `status` as its outcome unless a store committed
  // it already; returns the status to answer: `status`, or UNAVAILABLE if
  // the record cannot be written.
  absl::Status Conclude(AuditRecord& record, const absl::Status& status);

  WorkerPool& pool() { return pool_; }

  // Tells `observer` (not owned; it must outlive the gate's calls) how
  // every later call and stream opening ends. Set it before serving.
  void set_observer(CallObserver* observer) { observer_ = observer; }
  // Asked about each caller before its call is decided: true refuses the
  // call (UNAUTHENTICATED, audited), for a certificate revoked while its
  // connection stays open. Thread-safe; set it before serving.
  void set_revoked(std::function<bool(const CallerIdentity&)> revoked) {
    revoked_ = std::move(revoked);
  }

 private:
  // Resolves the caller of `call` and starts its audit record in `*audit`.
  absl::StatusOr<ResolvedCall> Resolve(const InboundCall& call,
                                       AuditRecord* audit) const;
  // CANCELLED or DEADLINE_EXCEEDED when the client has given up on `call`.
  static absl::Status Expired(const InboundCall& call);

  const Authenticator& authenticator_;
  AuditLog& audit_;
  const PolicyHolder& policies_;
  const Clock& clock_;
  CallGate& gate_;
  WorkerPool& pool_;
  CallerLimiter callers_;
  CallObserver* observer_ = nullptr;
  std::function<bool(const CallerIdentity&)> revoked_;
};

// The client's request id when it is 1-64 characters of [A-Za-z0-9._-];
// otherwise a new id, unique to this server process.
std::string RequestIdFrom(absl::string_view hint);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_ACCESS_GATE_H_
