#include "server/rpc/call_runner.h"

#include "absl/strings/strip.h"
#include "server/core/field_violations.h"

namespace safeguard {

AuditRecord CallRunner::Record(const grpc::ServerContextBase& context,
                               const absl::StatusOr<ResolvedCall>& call,
                               const RefusedCaller& refused,
                               const std::string& method,
                               absl::Time now) const {
  if (call.ok()) {
    return BaseAuditRecord(context, &call->context.identity, method,
                           call->rule, call->context.roles, now);
  }
  return BaseAuditRecord(
      context, refused.identity.has_value() ? &*refused.identity : nullptr,
      method, "default-deny", refused.roles, now);
}

absl::StatusOr<ResolvedCall> CallRunner::ResolveStream(
    grpc::CallbackServerContext* context, const std::string& method,
    const absl::Status& refusal) {
  const absl::Time now = clock_.Now();
  RefusedCaller refused;
  absl::StatusOr<ResolvedCall> call =
      ResolveCall(*context, policies_, trust_domain_, method, now, &refused);
  AuditRecord audit = Record(*context, call, refused, method, now);
  if (call.ok()) audit.view = audit.roles;
  absl::Status status = FinishAudited(
      audit_, audit, call.ok() ? refusal : call.status(), nullptr);
  if (!status.ok()) return status;
  return call;
}

absl::StatusOr<std::string> ReferralIdFromName(const std::string& name) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "referrals/") || id.empty() ||
      id.find('/') != absl::string_view::npos) {
    return InvalidArgumentWithViolations(
        {{"name", "must be referrals/<referral id>"}});
  }
  return std::string(id);
}

}  // namespace safeguard
