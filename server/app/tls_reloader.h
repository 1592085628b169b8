// File: server/app/tls_reloader.h
//
// TlsReloader: the TLS material that changes while the server runs. It
// holds the revocation set in force (crl_folder.h) and, every `interval`
// and on Reload() (SIGHUP), looks at the CRL folder and the server's
// certificate and key files:
//   - a changed CRL folder is loaded and checked as at start-up; a good one
//     replaces the set in force (`on_revocations` is told, so that open
//     streams of a newly revoked caller end); a missing, expired or
//     unparseable CRL keeps the old set, and says so in the log;
//   - changed certificate or key files are handed to `on_identity` (the
//     HTTPS listener loads and checks them, keeping the old pair if the new
//     one is bad). gRPC's FileWatcherCertificateProvider watches the same
//     files at the same interval (MakeServerCredentials()).
// Check() is what both transports ask in each handshake.
//
// Owns its thread. Start/Stop from the owning thread; Reload, Check and
// Revoked from any thread.
#ifndef SAFEGUARD_SERVER_APP_TLS_RELOADER_H_
#define SAFEGUARD_SERVER_APP_TLS_RELOADER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/app/crl_folder.h"
#include "server/core/identity.h"

namespace safeguard {

class TlsReloader {
 public:
  struct Options {
    std::string ca_pem;   // the CA bundle, as read at start-up
    std::string crl_dir;  // "": no revocation checking
    std::string cert_file;
    std::string key_file;
    absl::Duration interval = absl::Seconds(10);
  };
  using OnRevocations = std::function<void(const RevocationSet&)>;
  using OnIdentity = std::function<absl::Status()>;

  // Loads the CRL folder; its error stops start-up.
  static absl::StatusOr<std::unique_ptr<TlsReloader>> Create(Options options);
  TlsReloader(const TlsReloader&) = delete;
  TlsReloader& operator=(const TlsReloader&) = delete;
  ~TlsReloader() { Stop(); }

  void Start(OnRevocations on_revocations, OnIdentity on_identity);
  void Stop();
  // Loads what changed, or everything when `force`; the first problem, or
  // OK. What it could not load stays as it was.
  absl::Status Reload(bool force = true);

  // OK, or kUnauthenticated saying why `cert` (of a peer's chain) is
  // refused now.
  absl::Status Check(const X509* cert) const;
  // Whether the caller's certificate is revoked now.
  bool Revoked(const CallerIdentity& caller) const;

 private:
  explicit TlsReloader(Options options) : options_(std::move(options)) {}
  std::shared_ptr<const RevocationSet> current() const;
  void Run();

  const Options options_;
  OnRevocations on_revocations_;
  OnIdentity on_identity_;

  mutable absl::Mutex set_mu_;
  std::shared_ptr<const RevocationSet> set_ ABSL_GUARDED_BY(set_mu_);

  absl::Mutex reload_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // one Reload at a time
  absl::Mutex mu_;  // the thread's state
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::string crl_seen_ ABSL_GUARDED_BY(mu_);       // folder fingerprint
  std::string identity_seen_ ABSL_GUARDED_BY(mu_);  // files' fingerprint
  std::thread thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_TLS_RELOADER_H_
