// RevocationSet over real certificates and CRLs (TestPki): what each kind
// of certificate in a client's chain gets, with the exact reason.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "openssl/pem.h"
#include "server/app/crl_folder.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_pki.h"

namespace safeguard {
namespace {

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::IsOk;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
std::unique_ptr<X509, X509Free> ReadCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  X509* cert = f == nullptr ? nullptr : PEM_read_X509(f, nullptr, nullptr, nullptr);
  if (f != nullptr) std::fclose(f);
  return std::unique_ptr<X509, X509Free>(cert);
}

TEST(RevocationSetTest, EachCertificateOfAChainGetsItsVerdict) {
  TempDir dir;
  TestPki pki(dir.path());
  TestPki other(dir.path(), "other-ca");
  const CertFiles good = pki.IssueIdentity("suffolk-police", "system/good");
  const CertFiles revoked = pki.IssueIdentity("suffolk-police", "system/revoked");
  const CertFiles foreign = other.IssueIdentity("suffolk-police", "system/foreign");
  pki.Revoke(revoked);
  absl::StatusOr<std::shared_ptr<const RevocationSet>> set =
      RevocationSet::Load(pki.crl_dir(), ReadAll(pki.ca_file()));
  ASSERT_THAT(set, IsOk());
  EXPECT_EQ((*set)->size(), 1u);

  const absl::Time now = absl::Now();
  struct Case {
    const char* name;
    std::string cert_file;
    absl::Time when;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"a valid client", good.cert, now, absl::StatusCode::kOk, ""},
      {"the trust anchor itself", pki.ca_file(), now, absl::StatusCode::kOk, ""},
      {"a revoked client", revoked.cert, now, absl::StatusCode::kUnauthenticated,
       "the certificate has been revoked"},
      {"a certificate of a CA outside the bundle", foreign.cert, now,
       absl::StatusCode::kUnauthenticated,
       "no CRL covers the certificate's issuer: it is not a CA of the bundle"},
      {"a valid client once its CA's CRL has expired", good.cert,
       now + absl::Hours(24 * 400), absl::StatusCode::kUnauthenticated,
       "the CRL of the certificate's CA has expired"},
  };
  for (const Case& c : cases) {
    auto cert = ReadCert(c.cert_file);
    ASSERT_NE(cert, nullptr) << c.name;
    absl::Status verdict = (*set)->Check(cert.get(), c.when);
    EXPECT_EQ(verdict.code(), c.code) << c.name;
    EXPECT_EQ(verdict.message(), c.message) << c.name;
  }
}

}  // namespace
}  // namespace safeguard
