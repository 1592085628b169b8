// File: server/rpc/call_context.h
//
// ResolveCall(): for a call that passed the access check (auth_processor.h),
// gathers what its handler needs: the caller's identity from the verified
// certificate, the policy in force, and that policy's decision for the
// method (roles, deciding rule, scopes). If the policy was reloaded in
// between and now refuses the method, the call is refused: fail closed.
// Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_CALL_CONTEXT_H_
#define SAFEGUARD_SERVER_RPC_CALL_CONTEXT_H_

#include <memory>
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

absl::StatusOr<ResolvedCall> ResolveCall(const grpc::ServerContextBase& server,
                                         const PolicyHolder& policies,
                                         absl::string_view trust_domain,
                                         absl::string_view method,
                                         absl::Time now);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_CALL_CONTEXT_H_
