// File: server/rpc/auth_processor.h
//
// IdentityAuthProcessor: the choke point every call passes before any
// handler runs. The mTLS handshake has already verified the certificate
// chain, expiry and revocation; this refuses, with UNAUTHENTICATED, any call
// whose certificate carries no safeguard identity (see
// server/core/identity.h). The standard health service is exempt so that
// probes need no agency identity.
//
// Stateless after construction; thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_AUTH_PROCESSOR_H_
#define SAFEGUARD_SERVER_RPC_AUTH_PROCESSOR_H_

#include <string>

#include "grpcpp/security/auth_metadata_processor.h"

namespace safeguard {

class IdentityAuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  explicit IdentityAuthProcessor(std::string trust_domain)
      : trust_domain_(std::move(trust_domain)) {}

  // grpc::AuthMetadataProcessor
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const std::string trust_domain_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_AUTH_PROCESSOR_H_
