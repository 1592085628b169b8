// File: server/app/crl_folder.h
//
// CheckCrlFolder(): that a CRL folder really turns revocation on. gRPC (and
// OpenSSL's hashed-folder lookup beneath it) skips revocation checking
// without a word for a CA whose CRL it cannot find or use, so before the
// server starts, every CA certificate in the CA bundle must have, in the
// folder, a CRL file named <subject hash>.r0 (then .r1, ... if more), each
// one parseable (PEM), issued and signed by that CA, and current (its next
// update in the future). Stateless; thread-safe.
#ifndef SAFEGUARD_SERVER_APP_CRL_FOLDER_H_
#define SAFEGUARD_SERVER_APP_CRL_FOLDER_H_

#include <string>

#include "absl/status/status.h"

namespace safeguard {

// `ca_pem` holds the CA bundle (one or more PEM certificates). The error
// names the folder, the CA by subject, and what it lacks.
absl::Status CheckCrlFolder(const std::string& dir, const std::string& ca_pem);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_CRL_FOLDER_H_
