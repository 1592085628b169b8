#include "server/rpc/peer_identity.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "grpc/grpc_security_constants.h"
#include "openssl/bio.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "server/audit/audit_format.h"

namespace safeguard {

namespace {

// Parsing a certificate costs far more than the rest of a call's checks, and
// a connection presents the same one on every call: remember fingerprints
// by certificate text. A pure function's results, so no staleness; bounded.
class FingerprintMemo {
 public:
  std::string Get(absl::string_view pem) {
    {
      absl::MutexLock lock(&mu_);
      auto it = memo_.find(pem);
      if (it != memo_.end()) return it->second;
    }
    std::string fingerprint = Compute(pem);
    absl::MutexLock lock(&mu_);
    if (memo_.size() >= kMaxEntries) memo_.clear();
    memo_.emplace(std::string(pem), fingerprint);
    return fingerprint;
  }

 private:
  static constexpr size_t kMaxEntries = 10000;
  static std::string Compute(absl::string_view pem);

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> memo_ ABSL_GUARDED_BY(mu_);
};

FingerprintMemo& Memo() {
  static FingerprintMemo* const memo = new FingerprintMemo();
  return *memo;
}

}  // namespace

std::string CertificateSha256(absl::string_view pem) { return Memo().Get(pem); }

std::string FingerprintMemo::Compute(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return "";
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  X509_free(cert);
  if (len <= 0) return "";
  std::string hex = Sha256Hex(
      absl::string_view(reinterpret_cast<const char*>(der), len));
  OPENSSL_free(der);
  return hex;
}

absl::StatusOr<CallerIdentity> IdentityFromAuthContext(
    const grpc::AuthContext& context, absl::string_view trust_domain) {
  if (!context.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  absl::StatusOr<CallerIdentity> found =
      absl::UnauthenticatedError("client certificate has no safeguard identity");
  int matches = 0;
  for (const grpc::string_ref& uri :
       context.FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME)) {
    absl::StatusOr<CallerIdentity> id = ParseIdentityUri(
        absl::string_view(uri.data(), uri.size()), trust_domain);
    if (id.ok()) {
      found = std::move(id);
      ++matches;
    }
  }
  if (matches > 1) {
    return absl::UnauthenticatedError(
        "client certificate has more than one safeguard identity");
  }
  if (!found.ok()) return found;
  std::vector<grpc::string_ref> pem =
      context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pem.size() != 1) {
    return absl::UnauthenticatedError("client certificate is not available");
  }
  found->certificate_sha256 =
      CertificateSha256(absl::string_view(pem[0].data(), pem[0].size()));
  if (found->certificate_sha256.empty()) {
    return absl::UnauthenticatedError("client certificate does not parse");
  }
  return found;
}

}  // namespace safeguard
