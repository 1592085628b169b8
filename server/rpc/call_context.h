// File: server/rpc/call_context.h
//
// ResolveCall(): the access check of every call, and what its handler
// needs: the caller's identity from the verified certificate (else
// UNAUTHENTICATED), the policy in force, and that policy's decision for the
// method (else PERMISSION_DENIED: default deny) with its roles, deciding
// rule and scopes. Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_CALL_CONTEXT_H_
#define SAFEGUARD_SERVER_RPC_CALL_CONTEXT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "server/core/referral_service.h"
#include "server/policy/policy.h"

namespace safeguard {

struct ResolvedCall {
  CallContext context;
  std::shared_ptr<const CompiledPolicy> policy;
  std::string rule;
};

// Who was refused, for the refusal's audit entry: the caller and the roles
// the deciding policy gave them, when the certificate names a caller.
struct RefusedCaller {
  std::optional<CallerIdentity> identity;
  RoleSet roles;
};

// Fills `*refused` when the call is refused.
absl::StatusOr<ResolvedCall> ResolveCall(const grpc::ServerContextBase& server,
                                         const PolicyHolder& policies,
                                         absl::string_view trust_domain,
                                         absl::string_view method,
                                         absl::Time now,
                                         RefusedCaller* refused);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_CALL_CONTEXT_H_
