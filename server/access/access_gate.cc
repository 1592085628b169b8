#include "server/access/access_gate.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "openssl/rand.h"
#include "server/common/log.h"

namespace safeguard {

std::string RequestIdFrom(absl::string_view hint) {
  bool ok = !hint.empty() && hint.size() <= 64;
  for (char c : hint) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') ok = false;
  }
  if (ok) return std::string(hint);
  // Unique without a CSPRNG draw per call: a random prefix for this process
  // and a counter.
  static const std::string* const prefix = [] {
    unsigned char bytes[8];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
    return new std::string(absl::BytesToHexString(absl::string_view(
        reinterpret_cast<const char*>(bytes), sizeof(bytes))));
  }();
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(*prefix, "-", absl::Hex(next.fetch_add(1)));
}

absl::StatusOr<ResolvedCall> AccessGate::Resolve(const InboundCall& inbound,
                                                 AuditRecord* audit) const {
  const absl::Time now = clock_.Now();
  *audit = AuditRecord();
  audit->time = now;
  audit->method = inbound.method;
  audit->request_id = RequestIdFrom(inbound.request_id_hint);
  audit->rule = "default-deny";
  absl::StatusOr<CallerIdentity> identity = authenticator_.Authenticate(inbound);
  if (!identity.ok()) return identity.status();
  audit->agency = identity->agency;
  audit->principal = identity->principal;
  audit->certificate_sha256 = identity->certificate_sha256;
  // A certificate revoked since its connection was made is refused at its
  // next call, not only at its next connection.
  if (revoked_ && revoked_(*identity)) {
    return absl::UnauthenticatedError("the client certificate has been revoked");
  }
  ResolvedCall call;
  call.policy = policies_.Current();
  AccessDecision decision = call.policy->Decide(*identity, inbound.method);
  if (!decision.allowed) {
    audit->roles = decision.roles.ToString();
    return decision.status;
  }
  audit->rule = call.rule = decision.rule;
  audit->roles = decision.acting_roles.ToString();
  call.request_id = audit->request_id;
  call.context.identity = *std::move(identity);
  call.context.roles = decision.acting_roles;
  call.context.scopes = std::move(decision.scopes);
  call.context.first_responder =
      call.policy->IsFirstResponder(call.context.identity.agency, now);
  call.context.partnership = call.policy->partnership();
  return call;
}

absl::Status AccessGate::Expired(const InboundCall& call) {
  if (call.cancelled && call.cancelled()) {
    return absl::CancelledError("the client cancelled the call");
  }
  if (call.deadline < absl::Now()) {
    return absl::DeadlineExceededError("the call's deadline passed");
  }
  return absl::OkStatus();
}

AuditRecord AccessGate::RecordFor(const ResolvedCall& call,
                                  absl::string_view method) const {
  AuditRecord r;
  r.time = clock_.Now();
  r.agency = call.context.identity.agency;
  r.principal = call.context.identity.principal;
  r.certificate_sha256 = call.context.identity.certificate_sha256;
  r.roles = call.context.roles.ToString();
  r.rule = call.rule;
  r.method = std::string(method);
  r.request_id = call.request_id;
  return r;
}

absl::Status AccessGate::Conclude(AuditRecord& record,
                                  const absl::Status& status) {
  if (record.committed) return status;
  record.code = static_cast<int>(status.code());
  if (!status.ok()) record.view.clear();  // nothing was disclosed
  absl::Status written = audit_.Append(record);
  if (written.ok()) return status;
  // The entry may name internals; the log line carries no case content.
  Log(LogLevel::kError, "audit_write_failed",
      absl::StrCat("audit entry not written, call refused: ", written.message()));
  return absl::UnavailableError("the server cannot record this call now");
}

void AccessGate::Unary(InboundCall inbound, Work work, Done done) {
  if (observer_ != nullptr) {
    done = [observer = observer_, method = inbound.method, start = absl::Now(),
            done = std::move(done)](absl::Status status,
                                    CallTicket ticket) mutable {
      observer->CallEnded(method, CallObserver::Kind::kUnary, status.code(),
                          absl::Now() - start);
      done(std::move(status), std::move(ticket));
    };
  }
  std::optional<CallTicket> ticket = gate_.Enter();
  if (!ticket.has_value()) {
    done(absl::UnavailableError("the server is shutting down"), CallTicket());
    return;
  }
  AuditRecord audit;
  absl::StatusOr<ResolvedCall> call = Resolve(inbound, &audit);
  // One caller's calls may not take every worker.
  std::string caller = call.ok() ? call->context.Name() : "";
  if (call.ok() && !callers_.TryAcquire(caller)) {
    done(absl::ResourceExhaustedError(
             "too many calls in flight from this caller; retry later"),
         *std::move(ticket));
    return;
  }
  // The task owns everything; if the queue refuses it, it is handed back.
  struct Task {
    AccessGate* self;
    InboundCall inbound;
    absl::StatusOr<ResolvedCall> call;
    AuditRecord audit;
    std::string caller;
    Work work;
    Done done;
    CallTicket ticket;
  };
  auto task = std::make_shared<Task>(Task{this, std::move(inbound),
                                          std::move(call), std::move(audit),
                                          std::move(caller), std::move(work),
                                          std::move(done), *std::move(ticket)});
  const bool queued = pool_.TrySchedule([task] {
    AccessGate& self = *task->self;
    // A call its client gave up on while it waited does nothing.
    absl::Status status = Expired(task->inbound);
    if (status.ok()) {
      if (task->call.ok()) {
        // A change the work makes commits this entry with it.
        task->call->context.audit = &task->audit;
        status = task->work(*task->call, task->audit);
      } else {
        status = task->call.status();
      }
      status = self.Conclude(task->audit, status);
    }
    if (!task->caller.empty()) self.callers_.Release(task->caller);
    task->done(std::move(status), std::move(task->ticket));
  });
  if (!queued) {
    if (!task->caller.empty()) callers_.Release(task->caller);
    task->done(absl::ResourceExhaustedError("the server is busy; retry later"),
               std::move(task->ticket));
  }
}

void AccessGate::OpenStream(InboundCall inbound, Check check, Opened opened) {
  if (observer_ != nullptr) {
    opened = [observer = observer_, method = inbound.method, start = absl::Now(),
              opened = std::move(opened)](
                 absl::StatusOr<ResolvedCall> call) mutable {
      observer->CallEnded(method, CallObserver::Kind::kStreamOpening,
                          call.status().code(), absl::Now() - start);
      opened(std::move(call));
    };
  }
  std::optional<CallTicket> ticket = gate_.Enter();
  if (!ticket.has_value()) {
    opened(absl::UnavailableError("the server is shutting down"));
    return;
  }
  struct Task {
    AccessGate* self;
    InboundCall inbound;
    Check check;
    Opened opened;
    CallTicket ticket;
  };
  auto task = std::make_shared<Task>(Task{this, std::move(inbound),
                                          std::move(check), std::move(opened),
                                          *std::move(ticket)});
  pool_.Schedule([task] {
    AccessGate& self = *task->self;
    AuditRecord audit;
    absl::StatusOr<ResolvedCall> call = self.Resolve(task->inbound, &audit);
    if (call.ok()) audit.view = audit.roles;
    absl::Status status =
        self.Conclude(audit, call.ok() ? task->check(*call) : call.status());
    task->ticket.Release();
    if (!status.ok()) {
      task->opened(status);
    } else {
      task->opened(std::move(call));
    }
  });
}

absl::Status AccessGate::System(absl::string_view method,
                                absl::string_view actor, absl::string_view rule,
                                absl::AnyInvocable<absl::Status()> action) {
  AuditRecord audit;
  audit.time = clock_.Now();
  audit.agency = "safeguardd";
  audit.principal = absl::StrCat("system/", actor);
  audit.rule = std::string(rule);
  audit.method = std::string(method);
  audit.request_id = RequestIdFrom("");
  const absl::Status status = action();
  const absl::Status concluded = Conclude(audit, status);
  return status.ok() ? concluded : status;
}

}  // namespace safeguard
