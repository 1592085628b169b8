#include "server/rpc/call_runner.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "server/core/field_violations.h"

namespace safeguard {

absl::StatusOr<ResolvedCall> CallRunner::Resolve(
    const grpc::ServerContextBase& context, const std::string& method,
    AuditRecord* audit) const {
  const absl::Time now = clock_.Now();
  RefusedCaller refused;
  absl::StatusOr<ResolvedCall> call =
      ResolveCall(context, policies_, trust_domain_, method, now, &refused);
  *audit = call.ok()
               ? BaseAuditRecord(context, &call->context.identity, method,
                                 call->rule, call->context.roles, now)
               : BaseAuditRecord(context,
                                 refused.identity.has_value()
                                     ? &*refused.identity
                                     : nullptr,
                                 method, "default-deny", refused.roles, now);
  return call;
}

absl::Status CallRunner::Expired(const grpc::CallbackServerContext& context) {
  if (context.IsCancelled()) {
    return absl::CancelledError("the client cancelled the call");
  }
  if (context.deadline() < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the call's deadline passed");
  }
  return absl::OkStatus();
}

absl::StatusOr<ResolvedCall> CallRunner::ResolveStream(
    grpc::CallbackServerContext* context, const std::string& method,
    const std::function<absl::Status(const ResolvedCall&)>& check) {
  AuditRecord audit;
  absl::StatusOr<ResolvedCall> call = Resolve(*context, method, &audit);
  if (call.ok()) audit.view = audit.roles;
  absl::Status status = FinishAudited(
      audit_, audit, call.ok() ? check(*call) : call.status(), nullptr);
  if (!status.ok()) return status;
  return call;
}

absl::StatusOr<std::string> ReferralIdFromName(const std::string& name) {
  absl::string_view id = name;
  // Ids are short and plain, so that what reaches the audit log is too.
  const bool plain = absl::ConsumePrefix(&id, "referrals/") && !id.empty() &&
                     id.size() <= 64 &&
                     absl::c_all_of(id, [](char c) {
                       return absl::ascii_isalnum(c) || c == '-' || c == '_';
                     });
  if (!plain) {
    return InvalidArgumentWithViolations(
        {{"name", "must be referrals/<referral id>"}});
  }
  return std::string(id);
}

}  // namespace safeguard
