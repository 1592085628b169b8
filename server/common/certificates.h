// File: server/common/certificates.h
//
// X.509 helpers several modules share, each written once: an owning
// pointer, the certificates of a PEM bundle, a certificate time as
// absl::Time, and how a certificate is named for revocation: by its
// issuer's name (the DER bytes, in hex) and its serial number (hex), the
// pair a CRL lists. The authenticator records that pair with a caller's
// identity; the revocation set looks it up. Stateless; thread-safe.
#ifndef SAFEGUARD_SERVER_COMMON_CERTIFICATES_H_
#define SAFEGUARD_SERVER_COMMON_CERTIFICATES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "openssl/types.h"

namespace safeguard {

struct X509Free {
  void operator()(X509* x) const;
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Every certificate in `pem`, in order (none if it holds none). Leaves
// OpenSSL's error queue empty.
std::vector<X509Ptr> ReadCertificates(absl::string_view pem);

// `t` as a time; InfinitePast() if it cannot be read.
absl::Time AsTime(const ASN1_TIME* t);

// The DER encoding of `name`, in lower-case hex; "" if it cannot be encoded.
std::string NameKey(const X509_NAME* name);
// NameKey of the certificate's issuer.
std::string IssuerKey(const X509* cert);
// The certificate's serial number in upper-case hex, without leading zeros
// ("0" for zero); "" if it cannot be read.
std::string SerialKey(const X509* cert);
// The same form of a serial number as a CRL lists it.
std::string SerialKey(const ASN1_INTEGER* serial);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_CERTIFICATES_H_
