// File: server/rpc/peer_identity.h
//
// IdentityFromAuthContext(): the caller's identity from the verified mTLS
// peer. It reads the URI subject alternative names of the client
// certificate (exactly one must follow the safeguard scheme, see
// server/core/identity.h) and fingerprints the certificate. Request fields
// and metadata are never consulted. Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_PEER_IDENTITY_H_
#define SAFEGUARD_SERVER_RPC_PEER_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/security/auth_context.h"
#include "server/core/identity.h"

namespace safeguard {

// kUnauthenticated if the peer has no usable identity.
absl::StatusOr<CallerIdentity> IdentityFromAuthContext(
    const grpc::AuthContext& context, absl::string_view trust_domain);

// Lower-case hex SHA-256 of the DER form of a PEM certificate; empty if the
// PEM does not parse.
std::string CertificateSha256(absl::string_view pem);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_PEER_IDENTITY_H_
