#include "server/access/authenticator.h"

#include <memory>

#include "openssl/bio.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"
#include "server/common/certificates.h"
#include "server/common/sha256.h"

namespace safeguard {
namespace {

X509Ptr ParsePem(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

std::string DerSha256(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return "";
  std::string hex = Sha256Hex(absl::string_view(
      reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return hex;
}

}  // namespace

std::string CertificateSha256(absl::string_view pem) {
  X509Ptr cert = ParsePem(pem);
  return cert == nullptr ? "" : DerSha256(cert.get());
}

absl::StatusOr<CallerIdentity> CertificateAuthenticator::Authenticate(
    const InboundCall& call) const {
  if (call.peer_certificate_pem.empty()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  {
    absl::MutexLock lock(&mu_);
    auto it = memo_.find(call.peer_certificate_pem);
    if (it != memo_.end()) return it->second;
  }
  absl::StatusOr<CallerIdentity> identity = Parse(call.peer_certificate_pem);
  absl::MutexLock lock(&mu_);
  if (memo_.size() >= kMaxRemembered) memo_.clear();
  memo_.emplace(call.peer_certificate_pem, identity);
  return identity;
}

absl::StatusOr<CallerIdentity> CertificateAuthenticator::Parse(
    absl::string_view pem) const {
  X509Ptr cert = ParsePem(pem);
  if (cert == nullptr) {
    return absl::UnauthenticatedError("client certificate does not parse");
  }
  absl::StatusOr<CallerIdentity> found =
      absl::UnauthenticatedError("client certificate has no safeguard identity");
  int matches = 0;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    absl::StatusOr<CallerIdentity> id = ParseIdentityUri(
        absl::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                          static_cast<size_t>(ASN1_STRING_length(uri))),
        trust_domain_);
    if (id.ok()) {
      found = std::move(id);
      ++matches;
    }
  }
  GENERAL_NAMES_free(names);
  if (matches > 1) {
    return absl::UnauthenticatedError(
        "client certificate has more than one safeguard identity");
  }
  if (!found.ok()) return found;
  found->certificate_sha256 = DerSha256(cert.get());
  found->certificate_issuer = IssuerKey(cert.get());
  found->certificate_serial = SerialKey(cert.get());
  if (found->certificate_sha256.empty()) {
    return absl::UnauthenticatedError("client certificate does not parse");
  }
  return found;
}

}  // namespace safeguard
