#include "server/app/tls_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "openssl/bio.h"
#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "server/app/crl_folder.h"
#include "server/common/certificates.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::Status FileError(absl::string_view what, const std::string& path,
                       absl::string_view problem) {
  return absl::FailedPreconditionError(
      absl::StrCat(what, " ", path, ": ", problem));
}

absl::StatusOr<std::string> ReadFile(absl::string_view what,
                                     const std::string& path) {
  if (path.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(what, " is not set"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileError(what, path, "cannot be read (missing?)");
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

std::unique_ptr<BIO, BioFree> MemBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

X509Ptr FirstCert(const std::string& pem) {
  auto bio = MemBio(pem);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

absl::StatusOr<ServerTls> LoadServerTls(
    const ::safeguard::config::v1::TlsConfig& config) {
  ServerTls tls;
  SAFEGUARD_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile("CA file", config.ca_file()));
  SAFEGUARD_ASSIGN_OR_RETURN(tls.cert_pem,
                             ReadFile("certificate file", config.cert_file()));
  SAFEGUARD_ASSIGN_OR_RETURN(tls.key_pem,
                             ReadFile("private key file", config.key_file()));

  if (FirstCert(tls.ca_pem) == nullptr) {
    return FileError("CA file", config.ca_file(), "holds no PEM certificate");
  }
  X509Ptr cert = FirstCert(tls.cert_pem);
  if (cert == nullptr) {
    return FileError("certificate file", config.cert_file(),
                     "holds no PEM certificate");
  }
  auto key_bio = MemBio(tls.key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return FileError("private key file", config.key_file(),
                     "holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return FileError("private key file", config.key_file(),
                     absl::StrCat("does not match the certificate in ",
                                  config.cert_file()));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) <= 0) {
    return FileError("certificate file", config.cert_file(), "has expired");
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) >= 0) {
    return FileError("certificate file", config.cert_file(),
                     "is not valid yet");
  }
  if (!config.crl_dir().empty()) {
    struct stat st;
    if (stat(config.crl_dir().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return FileError("CRL folder", config.crl_dir(), "is not a folder");
    }
    SAFEGUARD_RETURN_IF_ERROR(CheckCrlFolder(config.crl_dir(), tls.ca_pem));
    tls.crl_dir = config.crl_dir();
  }
  return tls;
}

namespace {

// Asks the reloader about every certificate the client sent, after gRPC
// has verified the chain.
class RevocationVerifier final
    : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit RevocationVerifier(const TlsReloader* reloader) : reloader_(reloader) {}

  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback,
              grpc::Status* sync_status) override {
    // The client's own certificate, then the rest of its chain (on a
    // server, OpenSSL's peer chain leaves the peer's certificate out).
    int seen = 0;
    absl::Status verdict;
    for (grpc::string_ref text : {request->peer_cert(),
                                  request->peer_cert_full_chain()}) {
      for (const X509Ptr& cert :
           ReadCertificates(absl::string_view(text.data(), text.size()))) {
        ++seen;
        if (verdict.ok()) verdict = reloader_->Check(cert.get());
      }
    }
    if (seen == 0) verdict = absl::UnauthenticatedError("no client certificate");
    *sync_status = verdict.ok() ? grpc::Status::OK
                                : grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                               std::string(verdict.message()));
    return true;  // decided here and now
  }

  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

 private:
  const TlsReloader* reloader_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const ::safeguard::config::v1::TlsConfig& config,
    const std::string& roots_file, absl::Duration interval,
    const TlsReloader& reloader) {
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          config.key_file(), config.cert_file(), roots_file,
          static_cast<unsigned int>(
              std::max<int64_t>(1, absl::ToInt64Seconds(interval))));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.set_certificate_verifier(
      grpc::experimental::ExternalCertificateVerifier::Create<RevocationVerifier>(
          &reloader));
  return grpc::experimental::TlsServerCredentials(options);
}

std::optional<absl::Time> EarliestExpiry(const std::string& pem) {
  std::optional<absl::Time> earliest;
  for (const X509Ptr& cert : ReadCertificates(pem)) {
    const absl::Time expiry = AsTime(X509_get0_notAfter(cert.get()));
    if (!earliest.has_value() || expiry < *earliest) earliest = expiry;
  }
  return earliest;
}

}  // namespace safeguard
