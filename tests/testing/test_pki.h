// File: tests/testing/test_pki.h
//
// TestPki: a certificate authority generated in-process for tests, with the
// server certificate and any client certificates a test asks for: valid,
// expired, not yet valid, without the clientAuth purpose, or revoked (listed
// in a CRL written to crl_dir() in OpenSSL's hashed form). Intermediate CAs
// can be added to the CA file, and CRLs written wrong in each way a CRL
// folder can be. Files are written under the folder given to the
// constructor; keys are mode 0600.
//
// Not thread-safe; one per test.
#ifndef SAFEGUARD_TESTS_TESTING_TEST_PKI_H_
#define SAFEGUARD_TESTS_TESTING_TEST_PKI_H_

#include <string>
#include <vector>

namespace safeguard::testing {

struct CertFiles {
  std::string cert;  // PEM certificate path
  std::string key;   // PEM private key path
};

enum class CertKind {
  kValid,
  kExpired,
  kNotYetValid,
  kServerAuthOnly,  // extendedKeyUsage=serverAuth: not for clients
};

// A CRL to write; by default the CA's current CRL under its hashed name.
struct CrlOptions {
  int ca = 0;                // 0: the CA; n: the n-th intermediate added
  bool expired = false;      // its next update is in the past
  bool foreign_key = false;  // signed by another key than the CA's
  std::string file_name;     // default: <subject hash>.r0
};

class TestPki {
 public:
  // Creates a CA named `name`, and a server certificate for localhost and
  // 127.0.0.1, in `dir`.
  TestPki(const std::string& dir, const std::string& name = "test-ca");
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;
  ~TestPki();

  const std::string& ca_file() const { return ca_file_; }
  const CertFiles& server() const { return server_; }
  const std::string& crl_dir() const { return crl_dir_; }

  // Issues a client certificate whose URI SANs are `uris` (none if empty).
  CertFiles IssueClient(const std::string& file_name,
                        const std::vector<std::string>& uris,
                        CertKind kind = CertKind::kValid);

  // The usual client: spiffe://safeguard/agency/<agency>/<principal>.
  CertFiles IssueIdentity(const std::string& agency,
                          const std::string& principal,
                          CertKind kind = CertKind::kValid);

  // Issues another server certificate, as the constructor's, into
  // <file_name>.crt and .key.
  CertFiles IssueServer(const std::string& file_name);

  // Adds the certificate to this CA's CRL and rewrites the CRL file.
  void Revoke(const CertFiles& files);

  // Writes this CA's CRL (possibly empty) into crl_dir().
  void WriteCrl() { WriteCrl(CrlOptions()); }
  // Writes a CRL into crl_dir() as `options` says; returns its path. The
  // revoked certificates are listed in the CA's own CRLs only.
  std::string WriteCrl(const CrlOptions& options);

  // Adds an intermediate CA named `name`, signed by this CA, to ca_file().
  void AddIntermediateCa(const std::string& name);
  // The name OpenSSL looks up the CA's (0) or an intermediate's CRL by.
  std::string CrlFileName(int ca = 0) const;

 private:
  struct Impl;
  Impl* impl_;
  std::string dir_;
  std::string ca_file_;
  std::string crl_dir_;
  CertFiles server_;
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_TEST_PKI_H_
