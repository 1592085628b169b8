// File: server/app/safeguard_server.h
//
// SafeguardServer: the whole running service, wired from a ServerConfig.
// Start() checks the TLS files, the key, the policy, the bank holidays and
// the time zone, takes the data folder lock, opens the encrypted store
// (applying migrations), and serves over mTLS: safeguard.v1.ServerInfo,
// safeguard.v1.Referrals, the standard health service and, when enabled,
// server reflection. Every start-up failure is one Status that names the
// problem and the file. It also refuses to start with less free space in
// the data folder than disk_reserve_mb. With backup_interval_seconds set it
// writes scheduled backups (BackupSchedule); with metrics_listen_address,
// serves its metrics (ServerMetrics) there.
//
// Health says SERVING only while the server is not draining and its disk
// can be written (StorageWatch): under the reserve, or after a write failed
// for a storage reason, it says NOT_SERVING and writes are refused.
//
// main() and the integration tests are its only users. Owns everything it
// builds. Shutdown() may be called from any thread, once or more.
#ifndef SAFEGUARD_SERVER_APP_SAFEGUARD_SERVER_H_
#define SAFEGUARD_SERVER_APP_SAFEGUARD_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/app/backup_schedule.h"
#include "server/app/checkpointer.h"
#include "server/app/data_dir_lock.h"
#include "server/app/metrics.h"
#include "server/app/referral_id_generator.h"
#include "server/app/storage_watch.h"
#include "server/app/tls_reloader.h"
#include "server/config/server_config.h"
#include "server/core/clock.h"
#include "server/core/referral_events.h"
#include "server/core/referral_service.h"
#include "server/core/server_info_service.h"
#include "server/core/working_days.h"
#include "server/policy/policy.h"
#include "server/access/access_gate.h"
#include "server/access/authenticator.h"
#include "server/access/call_gate.h"
#include "server/access/worker_pool.h"
#include "server/api/api_methods.h"
#include "server/api/audit_api.h"
#include "server/api/meetings_api.h"
#include "server/api/people_api.h"
#include "server/api/reports_api.h"
#include "server/api/referrals_api.h"
#include "server/app/grpc_front.h"
#include "server/http/https_server.h"
#include "server/http/metrics_listener.h"
#include "server/storage/checkpoint_record.h"
#include "server/storage/person_index_folder.h"
#include "server/storage/recent_mentions.h"
#include "server/storage/shared_database.h"
#include "server/storage/sqlcipher_audit_log.h"
#include "server/storage/sqlcipher_meeting_store.h"
#include "server/storage/sqlcipher_referral_store.h"
#include "server/storage/sqlcipher_report_source.h"
#include "server/storage/sqlcipher_unit_of_work.h"
#include "server/storage/sqlcipher_store.h"

namespace safeguard {

class SafeguardServer {
 public:
  // REQUIRES: `config` has been through FillDefaults() and ValidateConfig().
  static absl::StatusOr<std::unique_ptr<SafeguardServer>> Start(
      const ServerConfig& config);

  SafeguardServer(const SafeguardServer&) = delete;
  SafeguardServer& operator=(const SafeguardServer&) = delete;
  ~SafeguardServer();

  // The port the server listens on (the chosen one when configured with 0).
  int port() const { return port_; }
  // The HTTPS listener's port; 0 when it is off.
  int http_port() const { return http_ == nullptr ? 0 : http_->port(); }
  // The metrics listener's port; 0 when it is off.
  int metrics_port() const {
    return metrics_listener_ == nullptr ? 0 : metrics_listener_->port();
  }
  int schema_version() const { return db_->schema_version(); }

  // Stops accepting calls (new ones get UNAVAILABLE), lets calls in flight
  // finish for up to `grace`, cancels what is left, and waits for the
  // database work to drain. The database is closed when the object is
  // destroyed.
  void Shutdown(absl::Duration grace);

  // Loads the policy file again; the new policy replaces the old only if it
  // is valid. The outcome is written to the audit log.
  absl::Status ReloadPolicy();
  // Looks at the CRL folder and the server's certificate and key at once,
  // as TlsReloader does every tls_reload_seconds; what is bad is refused
  // and the old stays in force (logged either way).
  absl::Status ReloadTls();

  WorkerPool& worker_pool_for_test() { return *pool_; }
  AuditApi& audit_for_test() { return audit_api_; }
  // Folds the person index's new rows now (benchmarks, between runs).
  PersonIndexFolder& person_index_folder() { return folder_; }
  SharedDatabase& database_for_test() { return *db_; }
  // Null unless backups are scheduled.
  BackupSchedule* backups_for_test() { return backups_.get(); }

 private:
  SafeguardServer(DataDirLock lock, std::unique_ptr<SharedDatabase> db,
                  std::unique_ptr<RecentMentions> recent,
                  std::shared_ptr<const CompiledPolicy> policy,
                  HolidayCalendar calendar, absl::TimeZone zone,
                  std::unique_ptr<AuditSigner> signer,
                  std::unique_ptr<AuditPublicKey> public_key,
                  const ServerConfig& config);

  // Declaration order is destruction order, reversed: the front ends go
  // first, then the API, the pool, the services, the store, and the lock
  // last.
  DataDirLock lock_;
  const std::string policy_file_;
  std::unique_ptr<SharedDatabase> db_;
  const std::unique_ptr<RecentMentions> recent_;
  PersonIndexFolder folder_;
  StorageWatch storage_watch_;
  SqlCipherStore store_;
  SqlCipherReferralStore referral_store_;
  SqlCipherMeetingStore meeting_store_;
  SqlCipherReportSource report_source_;
  SqlCipherUnitOfWork units_;
  SqlCipherAuditLog audit_log_;
  const std::unique_ptr<AuditSigner> signer_;
  const std::unique_ptr<AuditPublicKey> public_key_;
  PolicyHolder policies_;
  const HolidayCalendar calendar_;
  SystemClock clock_;
  ReferralIdGenerator ids_;
  ReferralEvents events_;
  ServerInfoService info_service_;
  ReferralService referral_service_;
  MeetingService meeting_service_;
  PersonService person_service_;
  ReportService report_service_;
  CheckpointRecords checkpoint_records_;
  Checkpointer checkpointer_;
  CallGate gate_;
  std::unique_ptr<WorkerPool> pool_;
  CertificateAuthenticator authenticator_;
  AccessGate access_;
  ReferralsApi referrals_api_;
  MeetingsApi meetings_api_;
  PeopleApi people_api_;
  ReportsApi reports_api_;
  AuditApi audit_api_;
  std::unique_ptr<BackupSchedule> backups_;  // when backups are scheduled
  std::unique_ptr<ServerMetrics> metrics_;
  std::optional<ApiMethods> api_;
  std::unique_ptr<TlsReloader> tls_reloader_;  // outlives the front ends
  std::unique_ptr<GrpcFront> grpc_;
  std::unique_ptr<http::ConnectServer> http_;
  std::unique_ptr<http::MetricsListener> metrics_listener_;  // when configured
  int port_ = 0;

  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;

  // Health says SERVING while the disk is writable and the server is not
  // draining.
  void PublishHealth() ABSL_EXCLUSIVE_LOCKS_REQUIRED(health_mu_);
  absl::Mutex health_mu_ ABSL_ACQUIRED_AFTER(shutdown_mu_);
  bool writable_ ABSL_GUARDED_BY(health_mu_) = true;
  bool draining_ ABSL_GUARDED_BY(health_mu_) = false;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_SAFEGUARD_SERVER_H_
