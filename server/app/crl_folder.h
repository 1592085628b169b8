// File: server/app/crl_folder.h
//
// RevocationSet: the client certificates the CRL folder revokes, loaded
// and checked by safeguard itself (not left to a TLS library's folder
// lookup, which skips a CA whose CRL it cannot find or use without a word,
// and keeps a CRL it read once), so that revocation is never skipped and
// a new CRL can take effect without a restart (TlsReloader).
//
// Load() requires, for every CA certificate in the CA bundle, a CRL file in
// the folder named <subject hash>.r0 (then .r1, ... if more; the names
// `openssl rehash` gives), each parseable (PEM), issued and signed by that
// CA, and current (its next update in the future). Check() refuses a
// certificate one of them lists, or one whose issuer's CRL has expired
// since it was loaded.
//
// Immutable once loaded; thread-safe.
#ifndef SAFEGUARD_SERVER_APP_CRL_FOLDER_H_
#define SAFEGUARD_SERVER_APP_CRL_FOLDER_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "openssl/types.h"

namespace safeguard {

class RevocationSet {
 public:
  // `ca_pem` holds the CA bundle (one or more PEM certificates). The error
  // names the folder, the CA by subject, and what it lacks.
  static absl::StatusOr<std::shared_ptr<const RevocationSet>> Load(
      const std::string& dir, const std::string& ca_pem);

  // OK, or kUnauthenticated saying why `cert` (any certificate of a
  // client's chain, the trust anchor included) is refused: its issuer is
  // not a CA of the bundle (so no CRL here covers it: fail closed), the
  // issuer's CRL lists it or has expired, or the issuer itself is a CA of
  // the bundle that its own issuer's CRL lists.
  absl::Status Check(const X509* cert, absl::Time now) const;
  // Whether the certificate with this issuer and serial (certificates.h) is
  // listed, or its issuer is a revoked CA.
  bool Revoked(absl::string_view issuer, absl::string_view serial) const;
  // Certificates listed, over every CA.
  size_t size() const;

 private:
  struct Issuer {
    absl::Time next_update;  // the earliest of its CRLs'
    absl::flat_hash_set<std::string> serials;
    bool revoked = false;  // the CA itself, by its issuer's CRL
  };
  absl::flat_hash_map<std::string, Issuer> issuers_;  // by issuer name key
};

// Load() for its verdict only: start-up checks.
absl::Status CheckCrlFolder(const std::string& dir, const std::string& ca_pem);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_CRL_FOLDER_H_
