// File: server/app/tls_files.h
//
// LoadServerTls(): reads the server's TLS files and checks them before the
// server starts (MakeServerCredentials() turns them into gRPC's), so that a bad file stops start-up with a message naming it:
// every file must exist and parse; the private key must belong to the
// certificate; the certificate must be within its validity period; the CRL
// folder, when given, must hold a current CRL of every CA in the CA file
// (CheckCrlFolder()). Thread-safe.
#ifndef SAFEGUARD_SERVER_APP_TLS_FILES_H_
#define SAFEGUARD_SERVER_APP_TLS_FILES_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "safeguard/config/v1/server_config.pb.h"
#include "server/app/tls_reloader.h"

namespace safeguard {

struct ServerTls {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string crl_dir;  // empty: no revocation checking
};

absl::StatusOr<ServerTls> LoadServerTls(
    const ::safeguard::config::v1::TlsConfig& config);

// mTLS only, TLS 1.2 or newer: a client certificate is required and its
// chain and validity are checked in the handshake, then `reloader` is asked
// about every certificate of it (revocation, with the CRLs in force now).
// The server's certificate and key are read from their files, and read
// again every `interval` when they change (gRPC's
// FileWatcherCertificateProvider, which keeps the old pair if the new one
// does not match); the CAs come from `roots_file`, a copy of the CA bundle
// made at start-up, so that gRPC and HTTPS trust the same CAs until a
// restart. Who the caller is and what the policy lets them do is decided
// per call by the AccessGate, before any handler's work runs.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const ::safeguard::config::v1::TlsConfig& config,
    const std::string& roots_file, absl::Duration interval,
    const TlsReloader& reloader);

// When the first certificate in a PEM bundle to expire does so; none if
// the text holds no certificate.
std::optional<absl::Time> EarliestExpiry(const std::string& pem);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_TLS_FILES_H_
