// File: server/common/x509_keys.h
//
// How a certificate is named for revocation: by its issuer's name (the DER
// bytes, in hex) and its serial number (hex), the pair a CRL lists. The
// authenticator records them with a caller's identity; the revocation set
// looks them up. Stateless; thread-safe.
#ifndef SAFEGUARD_SERVER_COMMON_X509_KEYS_H_
#define SAFEGUARD_SERVER_COMMON_X509_KEYS_H_

#include <string>

#include "openssl/types.h"

namespace safeguard {

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

#endif  // SAFEGUARD_SERVER_COMMON_X509_KEYS_H_
