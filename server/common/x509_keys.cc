#include "server/common/x509_keys.h"

#include "absl/strings/escaping.h"
#include "openssl/bn.h"
#include "openssl/crypto.h"
#include "openssl/x509.h"

namespace safeguard {

std::string NameKey(const X509_NAME* name) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_NAME(name, &der);
  if (len <= 0) return "";
  std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return hex;
}

std::string IssuerKey(const X509* cert) {
  return NameKey(X509_get_issuer_name(cert));
}

std::string SerialKey(const ASN1_INTEGER* serial) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  if (bn == nullptr) return "";
  char* hex = BN_bn2hex(bn);
  BN_free(bn);
  if (hex == nullptr) return "";
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string SerialKey(const X509* cert) {
  return SerialKey(X509_get0_serialNumber(cert));
}

}  // namespace safeguard
