// File: server/app/tls_files.h
//
// LoadServerTls(): reads the server's TLS files and checks them before the
// server starts, so that a bad file stops start-up with a message naming it:
// every file must exist and parse; the private key must belong to the
// certificate; the certificate must be within its validity period; the CRL
// folder, when given, must exist. Thread-safe.
#ifndef SAFEGUARD_SERVER_APP_TLS_FILES_H_
#define SAFEGUARD_SERVER_APP_TLS_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "safeguard/config/v1/server_config.pb.h"

namespace safeguard {

struct ServerTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string crl_dir;  // empty: no revocation checking
};

absl::StatusOr<ServerTls> LoadServerTls(
    const ::safeguard::config::v1::TlsConfig& config);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_TLS_FILES_H_
