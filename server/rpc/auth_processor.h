// File: server/rpc/auth_processor.h
//
// AccessProcessor: the choke point every call passes before any handler
// runs. The mTLS handshake has already verified the certificate chain,
// expiry and revocation. This refuses with UNAUTHENTICATED a call whose
// certificate carries no safeguard identity (server/core/identity.h), and
// with PERMISSION_DENIED a call to a method the policy in force does not
// grant the caller's roles (default deny). The standard health service is
// exempt so that probes need no agency identity, and so is server
// reflection when the operator turned it on. Every refusal is written to
// the audit log before it is returned (the processor is blocking, so gRPC
// runs it off the network threads).
//
// Does not own the PolicyHolder, the AuditLog or the Clock, which must
// outlive the server. Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_AUTH_PROCESSOR_H_
#define SAFEGUARD_SERVER_RPC_AUTH_PROCESSOR_H_

#include <string>

#include "grpcpp/security/auth_metadata_processor.h"
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/policy/policy.h"

namespace safeguard {

class AccessProcessor final : public grpc::AuthMetadataProcessor {
 public:
  AccessProcessor(const PolicyHolder& policies, AuditLog& audit,
                  const Clock& clock, std::string trust_domain)
      : policies_(policies),
        audit_(audit),
        clock_(clock),
        trust_domain_(std::move(trust_domain)) {}

  // grpc::AuthMetadataProcessor
  bool IsBlocking() const override { return true; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  grpc::Status Refuse(const CallerIdentity* caller, absl::string_view method,
                      const absl::Status& why, RoleSet roles);

  const PolicyHolder& policies_;
  AuditLog& audit_;
  const Clock& clock_;
  const std::string trust_domain_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_AUTH_PROCESSOR_H_
