// File: server/core/identity.h
//
// CallerIdentity: who is calling, as proved by the client certificate.
//
// The identity scheme (documented in certs/README.md) is a URI subject
// alternative name of the form
//
//   spiffe://<trust-domain>/agency/<agency>/<system|person>/<name>
//
// for example spiffe://safeguard/agency/suffolk-police/system/athena. The
// certificate proves who the caller is; what they may do comes from the
// policy file, so a role change never needs a new certificate.
//
// Value types; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_IDENTITY_H_
#define SAFEGUARD_SERVER_CORE_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace safeguard {

struct CallerIdentity {
  std::string agency;              // e.g. "suffolk-police"
  std::string principal;           // "system/<name>" or "person/<name>"
  std::string certificate_sha256;  // lower-case hex of the DER certificate
  // How a CRL names the certificate: its issuer's name (DER, hex) and its
  // serial number (hex). See server/common/certificates.h.
  std::string certificate_issuer;
  std::string certificate_serial;

  friend bool operator==(const CallerIdentity& a, const CallerIdentity& b) {
    return a.agency == b.agency && a.principal == b.principal &&
           a.certificate_sha256 == b.certificate_sha256;
  }
};

// Parses an identity URI for `trust_domain`. Agency and principal names are
// 1 to 63 characters of [a-z0-9._-], starting with a letter or digit.
// Returns kUnauthenticated naming what is wrong (never echoing the URI).
// The certificate_sha256 of the result is left empty.
absl::StatusOr<CallerIdentity> ParseIdentityUri(absl::string_view uri,
                                                absl::string_view trust_domain);

// Whether `name` is an agency's name, by the rules of ParseIdentityUri.
bool IsValidAgencyName(absl::string_view name);

// Whether `name` is "<agency>/<system|person>/<name>", the way callers and
// assignees are written, with the naming rules of ParseIdentityUri.
bool IsValidCallerName(absl::string_view name);

// The URI for an identity: the inverse of ParseIdentityUri.
std::string IdentityUri(absl::string_view trust_domain,
                        absl::string_view agency, absl::string_view principal);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_IDENTITY_H_
