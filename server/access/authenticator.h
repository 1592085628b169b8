// File: server/access/authenticator.h
//
// Authenticator: who is calling, from what the transport verified. The
// decision never reads request fields or metadata for this.
//
// CertificateAuthenticator is the first implementation, the same for every
// transport: the client certificate (verified against the CA bundle and
// CRLs by the transport's TLS layer) must carry exactly one URI subject
// alternative name in the safeguard scheme (server/core/identity.h), and
// is fingerprinted (SHA-256 of its DER form). Parsing a certificate costs
// far more than the rest of a call's checks and a connection presents the
// same one on every call, so results are remembered by certificate text
// (a pure function's results; bounded).
//
// Thread-safe.
#ifndef SAFEGUARD_SERVER_ACCESS_AUTHENTICATOR_H_
#define SAFEGUARD_SERVER_ACCESS_AUTHENTICATOR_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/access/inbound_call.h"
#include "server/core/identity.h"

namespace safeguard {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // kUnauthenticated, saying why without echoing the credential, if the
  // call carries no usable identity.
  virtual absl::StatusOr<CallerIdentity> Authenticate(
      const InboundCall& call) const = 0;
};

class CertificateAuthenticator final : public Authenticator {
 public:
  explicit CertificateAuthenticator(std::string trust_domain)
      : trust_domain_(std::move(trust_domain)) {}
  absl::StatusOr<CallerIdentity> Authenticate(
      const InboundCall& call) const override;

 private:
  static constexpr size_t kMaxRemembered = 10000;
  absl::StatusOr<CallerIdentity> Parse(absl::string_view pem) const;

  const std::string trust_domain_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, absl::StatusOr<CallerIdentity>>
      memo_ ABSL_GUARDED_BY(mu_);
};

// Lower-case hex SHA-256 of the DER form of a PEM certificate; empty if the
// PEM does not parse.
std::string CertificateSha256(absl::string_view pem);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_AUTHENTICATOR_H_
