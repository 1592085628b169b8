#include "server/rpc/call_context.h"

#include "server/rpc/peer_identity.h"

namespace safeguard {

absl::StatusOr<ResolvedCall> ResolveCall(const grpc::ServerContextBase& server,
                                         const PolicyHolder& policies,
                                         absl::string_view trust_domain,
                                         absl::string_view method,
                                         absl::Time now,
                                         RefusedCaller* refused) {
  absl::StatusOr<CallerIdentity> identity =
      IdentityFromAuthContext(*server.auth_context(), trust_domain);
  if (!identity.ok()) return identity.status();
  ResolvedCall call;
  call.policy = policies.Current();
  AccessDecision decision = call.policy->Decide(*identity, method);
  if (!decision.allowed) {
    refused->identity = *std::move(identity);
    refused->roles = decision.roles;
    return decision.status;
  }
  call.rule = decision.rule;
  call.context.identity = *std::move(identity);
  call.context.roles = decision.acting_roles;
  call.context.scopes = std::move(decision.scopes);
  call.context.first_responder =
      call.policy->IsFirstResponder(call.context.identity.agency, now);
  call.context.partnership = call.policy->partnership();
  return call;
}

}  // namespace safeguard
