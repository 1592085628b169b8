#include "tests/testing/test_pki.h"

#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "openssl/evp.h"
#include "openssl/pem.h"
#include "openssl/rand.h"
#include "openssl/x509.h"
#include "openssl/x509v3.h"

namespace safeguard::testing {
namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TestPki: ") + what);
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

void WriteKey(EVP_PKEY* key, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "open key file");
  chmod(path.c_str(), 0600);
  Check(PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) ==
            1,
        "write key");
  std::fclose(f);
}

void WriteCert(X509* cert, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "open cert file");
  Check(PEM_write_X509(f, cert) == 1, "write cert");
  std::fclose(f);
}

void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* NewCert(const std::string& cn, EVP_PKEY* key, X509* issuer,
              long not_before_s, long not_after_s, bool ca) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof(serial));
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), not_before_s);
  X509_gmtime_adj(X509_getm_notAfter(cert), not_after_s);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer)
                                               : name);
  X509* ext_issuer = issuer != nullptr ? issuer : cert;
  if (ca) {
    AddExt(cert, ext_issuer, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(cert, ext_issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    AddExt(cert, ext_issuer, NID_subject_key_identifier, "hash");
    if (issuer != nullptr) {
      AddExt(cert, ext_issuer, NID_authority_key_identifier, "keyid");
    }
  } else {
    AddExt(cert, ext_issuer, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(cert, ext_issuer, NID_authority_key_identifier, "keyid");
  }
  return cert;
}

constexpr long kDay = 24 * 3600;

}  // namespace

struct TestPki::Impl {
  EVP_PKEY* ca_key = nullptr;
  X509* ca = nullptr;
  std::vector<std::string> revoked_pems;
  // Intermediate CAs, in the order added.
  std::vector<std::pair<X509*, EVP_PKEY*>> intermediates;
};

TestPki::TestPki(const std::string& dir, const std::string& name)
    : impl_(new Impl), dir_(dir) {
  impl_->ca_key = NewKey();
  impl_->ca = NewCert(name, impl_->ca_key, nullptr, -kDay, 365 * kDay,
                      /*ca=*/true);
  Check(X509_sign(impl_->ca, impl_->ca_key, EVP_sha256()) > 0, "sign CA");
  ca_file_ = dir + "/" + name + ".crt";
  WriteCert(impl_->ca, ca_file_);
  crl_dir_ = dir + "/" + name + "-crl";
  mkdir(crl_dir_.c_str(), 0700);

  server_ = IssueServer(name + "-server");
}

CertFiles TestPki::IssueServer(const std::string& file_name) {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert("localhost", key, impl_->ca, -kDay, 30 * kDay,
                       /*ca=*/false);
  AddExt(cert, impl_->ca, NID_key_usage, "critical,digitalSignature");
  AddExt(cert, impl_->ca, NID_ext_key_usage, "serverAuth");
  AddExt(cert, impl_->ca, NID_subject_alt_name,
         "DNS:localhost,IP:127.0.0.1,IP:::1");
  Check(X509_sign(cert, impl_->ca_key, EVP_sha256()) > 0, "sign server");
  CertFiles files{dir_ + "/" + file_name + ".crt", dir_ + "/" + file_name + ".key"};
  WriteCert(cert, files.cert);
  WriteKey(key, files.key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

TestPki::~TestPki() {
  for (auto& [cert, key] : impl_->intermediates) {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  X509_free(impl_->ca);
  EVP_PKEY_free(impl_->ca_key);
  delete impl_;
}

CertFiles TestPki::IssueClient(const std::string& file_name,
                               const std::vector<std::string>& uris,
                               CertKind kind) {
  long not_before = -kDay, not_after = 30 * kDay;
  if (kind == CertKind::kExpired) {
    not_before = -30 * kDay;
    not_after = -kDay;
  } else if (kind == CertKind::kNotYetValid) {
    not_before = kDay;
    not_after = 30 * kDay;
  }
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(file_name, key, impl_->ca, not_before, not_after,
                       /*ca=*/false);
  AddExt(cert, impl_->ca, NID_key_usage, "critical,digitalSignature");
  AddExt(cert, impl_->ca, NID_ext_key_usage,
         kind == CertKind::kServerAuthOnly ? "serverAuth" : "clientAuth");
  if (!uris.empty()) {
    std::string san;
    for (const std::string& uri : uris) {
      san += (san.empty() ? "URI:" : ",URI:") + uri;
    }
    AddExt(cert, impl_->ca, NID_subject_alt_name, san);
  }
  Check(X509_sign(cert, impl_->ca_key, EVP_sha256()) > 0, "sign client");
  CertFiles files{dir_ + "/" + file_name + ".crt",
                  dir_ + "/" + file_name + ".key"};
  WriteCert(cert, files.cert);
  WriteKey(key, files.key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

CertFiles TestPki::IssueIdentity(const std::string& agency,
                                 const std::string& principal, CertKind kind) {
  std::string file = agency + "." + principal;
  for (char& c : file) {
    if (c == '/') c = '.';
  }
  return IssueClient(
      file, {"spiffe://safeguard/agency/" + agency + "/" + principal}, kind);
}

void TestPki::Revoke(const CertFiles& files) {
  FILE* f = std::fopen(files.cert.c_str(), "r");
  Check(f != nullptr, "open revoked cert");
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  Check(cert != nullptr, "read revoked cert");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  impl_->revoked_pems.emplace_back(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_free(cert);
  WriteCrl();
}

void TestPki::AddIntermediateCa(const std::string& name) {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(name, key, impl_->ca, -kDay, 365 * kDay, /*ca=*/true);
  Check(X509_sign(cert, impl_->ca_key, EVP_sha256()) > 0, "sign intermediate");
  FILE* f = std::fopen(ca_file_.c_str(), "a");
  Check(f != nullptr, "open CA file");
  Check(PEM_write_X509(f, cert) == 1, "write intermediate");
  std::fclose(f);
  impl_->intermediates.emplace_back(cert, key);
}

std::string TestPki::CrlFileName(int ca) const {
  X509* cert = ca == 0 ? impl_->ca : impl_->intermediates.at(ca - 1).first;
  char name[32];
  std::snprintf(name, sizeof(name), "%08lx.r0",
                X509_NAME_hash_ex(X509_get_subject_name(cert), nullptr,
                                  nullptr, nullptr));
  return name;
}

std::string TestPki::WriteCrl(const CrlOptions& options) {
  X509* ca = impl_->ca;
  EVP_PKEY* ca_key = impl_->ca_key;
  if (options.ca > 0) std::tie(ca, ca_key) = impl_->intermediates.at(options.ca - 1);
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
  ASN1_TIME* now = X509_gmtime_adj(nullptr, options.expired ? -2 * kDay : -3600);
  ASN1_TIME* next = X509_gmtime_adj(nullptr, options.expired ? -kDay : 7 * kDay);
  X509_CRL_set1_lastUpdate(crl, now);
  X509_CRL_set1_nextUpdate(crl, next);
  for (const std::string& pem : impl_->revoked_pems) {
    if (options.ca != 0) break;
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    X509_REVOKED* revoked = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(revoked, X509_get_serialNumber(cert));
    X509_REVOKED_set_revocationDate(revoked, now);
    X509_CRL_add0_revoked(crl, revoked);
    X509_free(cert);
  }
  ASN1_TIME_free(now);
  ASN1_TIME_free(next);
  X509_CRL_sort(crl);
  EVP_PKEY* foreign = options.foreign_key ? NewKey() : nullptr;
  Check(X509_CRL_sign(crl, foreign != nullptr ? foreign : ca_key,
                      EVP_sha256()) > 0,
        "sign CRL");
  EVP_PKEY_free(foreign);
  const std::string path =
      crl_dir_ + "/" +
      (options.file_name.empty() ? CrlFileName(options.ca) : options.file_name);
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "open CRL file");
  PEM_write_X509_CRL(f, crl);
  std::fclose(f);
  X509_CRL_free(crl);
  return path;
}

}  // namespace safeguard::testing
