#include "server/app/crl_folder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openssl/bio.h"
#include "openssl/err.h"
#include "openssl/pem.h"
#include "openssl/x509.h"
#include "server/common/certificates.h"

namespace safeguard {
namespace {

struct CrlFree {
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using CrlPtr = std::unique_ptr<X509_CRL, CrlFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string TimeText(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "an unreadable time";
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec);
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// What is wrong with the CRL file `name` for `ca`, or "" if nothing; the
// CRL goes to `*out` when nothing is.
std::string CrlProblem(const std::string& dir, const std::string& name,
                       X509* ca, CrlPtr* out) {
  FILE* f = std::fopen((dir + "/" + name).c_str(), "r");
  CrlPtr crl(f != nullptr ? PEM_read_X509_CRL(f, nullptr, nullptr, nullptr)
                          : nullptr);
  if (f != nullptr) std::fclose(f);
  ERR_clear_error();
  if (crl == nullptr) {
    return absl::StrCat("a parseable CRL: ", name, " is not a PEM CRL");
  }
  const X509_NAME* issuer = X509_CRL_get_issuer(crl.get());
  if (X509_NAME_cmp(issuer, X509_get_subject_name(ca)) != 0) {
    return absl::StrCat("a CRL it issued: ", name, " is issued by \"",
                        NameText(issuer), "\"");
  }
  if (X509_CRL_verify(crl.get(), X509_get0_pubkey(ca)) != 1) {
    ERR_clear_error();
    return absl::StrCat("a CRL it signed: ", name,
                        " does not carry its signature");
  }
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
  if (next == nullptr) {
    return absl::StrCat("a current CRL: ", name, " has no next update time");
  }
  if (X509_cmp_current_time(next) <= 0) {
    return absl::StrCat("a current CRL: ", name, " expired at ",
                        TimeText(next));
  }
  if (X509_cmp_current_time(X509_CRL_get0_lastUpdate(crl.get())) >= 0) {
    return absl::StrCat("a current CRL: ", name, " is not valid yet");
  }
  *out = std::move(crl);
  return "";
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RevocationSet>> RevocationSet::Load(
    const std::string& dir, const std::string& ca_pem) {
  auto set = std::make_shared<RevocationSet>();
  const std::vector<X509Ptr> cas = ReadCertificates(ca_pem);
  for (const X509Ptr& ca : cas) {
    const X509_NAME* subject = X509_get_subject_name(ca.get());
    const std::string hash = absl::StrFormat(
        "%08lx", X509_NAME_hash_ex(subject, nullptr, nullptr, nullptr));
    std::string problem;
    if (!Exists(absl::StrCat(dir, "/", hash, ".r0"))) {
      problem = absl::StrCat("a CRL named ", hash,
                             ".r0 (its subject hash, as OpenSSL looks it up)");
    }
    Issuer& issuer = set->issuers_[NameKey(subject)];
    issuer.next_update = absl::InfiniteFuture();
    // Read .r0, .r1, ... up to the first missing number, as OpenSSL does.
    for (int n = 0; problem.empty(); ++n) {
      const std::string name = absl::StrCat(hash, ".r", n);
      if (!Exists(absl::StrCat(dir, "/", name))) break;
      CrlPtr crl;
      problem = CrlProblem(dir, name, ca.get(), &crl);
      if (!problem.empty()) break;
      issuer.next_update = std::min(
          issuer.next_update, AsTime(X509_CRL_get0_nextUpdate(crl.get())));
      STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
      for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
        issuer.serials.insert(SerialKey(
            X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
      }
    }
    if (!problem.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("CRL folder ", dir, ": CA \"", NameText(subject),
                       "\" lacks ", problem));
    }
  }
  // A CA of the bundle that another's CRL lists revokes what it issued,
  // whether or not a client sends it in its chain.
  for (const X509Ptr& ca : cas) {
    auto issuer = set->issuers_.find(IssuerKey(ca.get()));
    if (issuer != set->issuers_.end() &&
        issuer->second.serials.contains(SerialKey(ca.get()))) {
      set->issuers_[NameKey(X509_get_subject_name(ca.get()))].revoked = true;
    }
  }
  return std::shared_ptr<const RevocationSet>(std::move(set));
}

absl::Status RevocationSet::Check(const X509* cert, absl::Time now) const {
  auto it = issuers_.find(IssuerKey(cert));
  if (it == issuers_.end()) {
    return absl::UnauthenticatedError(
        "no CRL covers the certificate's issuer: it is not a CA of the bundle");
  }
  if (it->second.revoked) {
    return absl::UnauthenticatedError("the certificate's CA has been revoked");
  }
  if (it->second.serials.contains(SerialKey(cert))) {
    return absl::UnauthenticatedError("the certificate has been revoked");
  }
  if (now >= it->second.next_update) {
    return absl::UnauthenticatedError(
        "the CRL of the certificate's CA has expired");
  }
  return absl::OkStatus();
}

bool RevocationSet::Revoked(absl::string_view issuer,
                            absl::string_view serial) const {
  auto it = issuers_.find(issuer);
  return it != issuers_.end() &&
         (it->second.revoked || it->second.serials.contains(serial));
}

size_t RevocationSet::size() const {
  size_t n = 0;
  for (const auto& [key, issuer] : issuers_) n += issuer.serials.size();
  return n;
}

absl::Status CheckCrlFolder(const std::string& dir, const std::string& ca_pem) {
  return RevocationSet::Load(dir, ca_pem).status();
}

}  // namespace safeguard
