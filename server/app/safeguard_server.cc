#include "server/app/safeguard_server.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/server_info_api.h"
#include "server/app/tls_files.h"
#include "server/common/durable_file.h"
#include "server/core/status_macros.h"
#include "server/storage/database_key.h"

namespace safeguard {

SafeguardServer::SafeguardServer(DataDirLock lock,
                                 std::unique_ptr<SharedDatabase> db,
                                 std::unique_ptr<RecentMentions> recent,
                                 std::shared_ptr<const CompiledPolicy> policy,
                                 HolidayCalendar calendar, absl::TimeZone zone,
                                 std::unique_ptr<AuditSigner> signer,
                                 std::unique_ptr<AuditPublicKey> public_key,
                                 const ServerConfig& config)
    : lock_(std::move(lock)),
      policy_file_(config.policy_file()),
      db_(std::move(db)),
      recent_(std::move(recent)),
      folder_(*db_, PersonIndexFolder::Options()),
      storage_watch_(*db_, config.data_dir(),
                     int64_t{config.disk_reserve_mb()} << 20,
                     [this](bool writable) {
                       absl::MutexLock lock(&health_mu_);
                       writable_ = writable;
                       PublishHealth();
                     }),
      store_(*db_),
      referral_store_(*db_),
      meeting_store_(*db_),
      report_source_(*db_),
      units_(*db_, recent_.get()),
      audit_log_(*db_),
      signer_(std::move(signer)),
      public_key_(std::move(public_key)),
      policies_(std::move(policy)),
      calendar_(std::move(calendar)),
      info_service_(store_, clock_, calendar_, zone),
      referral_service_(referral_store_, units_, events_, clock_, calendar_, zone,
                        ids_),
      meeting_service_(referral_store_, meeting_store_, units_, clock_, zone,
                       ids_),
      person_service_(referral_store_, units_, clock_),
      report_service_(report_source_, calendar_, zone, clock_),
      checkpoint_records_(*db_),
      checkpointer_(audit_log_, checkpoint_records_, *signer_,
                    config.audit_checkpoint_file(),
                    config.audit_checkpoint_entries(),
                    absl::Seconds(config.audit_checkpoint_seconds()), clock_),
      pool_(std::make_unique<WorkerPool>(
          config.worker_threads(),
          static_cast<size_t>(config.max_queued_calls()))),
      authenticator_(config.trust_domain()),
      access_(authenticator_, audit_log_, policies_, clock_, gate_, *pool_,
              config.max_calls_per_caller()),
      referrals_api_(referral_service_, events_, access_),
      meetings_api_(meeting_service_, access_),
      people_api_(person_service_, access_),
      reports_api_(report_service_, access_),
      audit_api_(audit_log_, *public_key_, config.audit_checkpoint_file(),
                 referral_service_, access_) {}

absl::Status SafeguardServer::ReloadPolicy() {
  // The operator's change of who may do what is itself audited.
  return access_.System(
      "safeguardd/ReloadPolicy", "operator", "sighup", [this] {
        // As at start-up: every method of the API keeps a rule.
        absl::Status reloaded =
            policies_.Reload(policy_file_, [this](const CompiledPolicy& p) {
              return CheckEveryMethodHasARule(p, policy_file_);
            });
        if (reloaded.ok()) {
          // Open watches are decided again: one that would now be decided
          // differently ends, and its client watches again under the new
          // policy.
          referrals_api_.RecheckWatches(*policies_.Current());
        }
        return reloaded;
      });
}

absl::Status SafeguardServer::ReloadTls() { return tls_reloader_->Reload(); }

absl::StatusOr<std::unique_ptr<SafeguardServer>> SafeguardServer::Start(
    const ServerConfig& config) {
  SAFEGUARD_ASSIGN_OR_RETURN(ServerTls tls, LoadServerTls(config.tls()));
  TlsReloader::Options reloading;
  reloading.ca_pem = tls.ca_pem;
  reloading.crl_dir = config.tls().crl_dir();
  reloading.cert_file = config.tls().cert_file();
  reloading.key_file = config.tls().key_file();
  reloading.interval = absl::Seconds(config.tls_reload_seconds());
  SAFEGUARD_ASSIGN_OR_RETURN(std::unique_ptr<TlsReloader> tls_reloader,
                             TlsReloader::Create(std::move(reloading)));
  SAFEGUARD_ASSIGN_OR_RETURN(std::shared_ptr<const CompiledPolicy> policy,
                             CompiledPolicy::Load(config.policy_file()));
  SAFEGUARD_RETURN_IF_ERROR(
      CheckEveryMethodHasARule(*policy, config.policy_file()));
  SAFEGUARD_ASSIGN_OR_RETURN(HolidayCalendar calendar,
                             HolidayCalendar::Load(config.bank_holidays_file()));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config.time_zone(), &zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat("time zone ", config.time_zone(),
                     " is unknown (is the tzdata package installed?)"));
  }
  SAFEGUARD_ASSIGN_OR_RETURN(DatabaseKey key, ReadKeyFile(config.key_file()));
  std::optional<DatabaseKey> backup_key;
  if (config.backup_interval_seconds() > 0) {
    SAFEGUARD_ASSIGN_OR_RETURN(backup_key, ReadKeyFile(config.backup_key_file()));
    if (*backup_key == key) {
      return absl::FailedPreconditionError(absl::StrCat(
          "backup key file ", config.backup_key_file(),
          " holds the database key: backups need a key of their own"));
    }
  }
  SAFEGUARD_ASSIGN_OR_RETURN(
      std::unique_ptr<AuditSigner> signer,
      AuditSigner::FromKeyFile(config.audit_signing_key_file()));
  SAFEGUARD_ASSIGN_OR_RETURN(std::unique_ptr<AuditPublicKey> public_key,
                             AuditPublicKey::FromPem(signer->PublicKeyPem()));
  SAFEGUARD_ASSIGN_OR_RETURN(
      DataDirLock lock, DataDirLock::Acquire(config.data_dir(), LockPath(config)));
  SAFEGUARD_RETURN_IF_ERROR(CheckDiskReserve(
      config.data_dir(), int64_t{config.disk_reserve_mb()} << 20));
  absl::StatusOr<std::unique_ptr<SharedDatabase>> db =
      SharedDatabase::Open(DatabasePath(config), key);
  if (!db.ok()) {
    return absl::Status(db.status().code(),
                        absl::StrCat(db.status().message(), "; key file ",
                                     config.key_file()));
  }

  // A MARAC submission's repeat check looks back over the policy's
  // repeat period (EarliestWithinCalendarMonths); a day more is held.
  const int repeat_months = policy->partnership()->workflow.marac.repeat_months;
  SAFEGUARD_ASSIGN_OR_RETURN(
      std::unique_ptr<RecentMentions> recent,
      (*db)->With([&](Database& d) {
        return RecentMentions::Load(
            d, absl::Hours(24) * (31 * int64_t{repeat_months} + 2), absl::Now());
      }));
  std::unique_ptr<SafeguardServer> s(
      new SafeguardServer(std::move(lock), *std::move(db), std::move(recent),
                          std::move(policy),
                          std::move(calendar), zone, std::move(signer),
                          std::move(public_key), config));
  SAFEGUARD_RETURN_IF_ERROR(s->checkpointer_.Start());
  if (backup_key.has_value()) {
    BackupSchedule::Options backups;
    backups.live = {DatabasePath(config), config.audit_checkpoint_file()};
    backups.parent = config.backup_dir();
    backups.interval = absl::Seconds(config.backup_interval_seconds());
    backups.keep = config.backup_keep();
    backups.public_key_pem = s->signer_->PublicKeyPem();
    s->backups_ = std::make_unique<BackupSchedule>(
        std::move(backups), std::move(key), *std::move(backup_key), s->access_);
  }
  {
    SafeguardServer* self = s.get();
    ServerMetrics::Sources sources;
    sources.queued_calls = [self] { return self->pool_->queued(); };
    sources.open_watches = [self] { return self->referrals_api_.open_watches(); };
    sources.unsigned_audit_entries = [self]() -> absl::StatusOr<int64_t> {
      SAFEGUARD_ASSIGN_OR_RETURN(AuditHead head, self->audit_log_.Head());
      SAFEGUARD_ASSIGN_OR_RETURN(std::optional<CheckpointRecord> last,
                                 self->checkpoint_records_.Last());
      return head.size - (last.has_value() ? last->size : 0);
    };
    if (s->backups_ != nullptr) {
      sources.last_backup = [self] { return self->backups_->last_success(); };
    }
    sources.database_path = DatabasePath(config);
    sources.server_cert_file = config.tls().cert_file();
    sources.ca_file = config.tls().ca_file();
    s->metrics_ = std::make_unique<ServerMetrics>(
        std::move(sources), absl::Milliseconds(config.slow_call_ms()));
    s->access_.set_observer(s->metrics_.get());
    s->db_->set_commit_listener(s->metrics_.get());
  }

  std::vector<ApiMethod> methods = s->referrals_api_.Methods();
  for (ApiMethod& m : s->meetings_api_.Methods()) methods.push_back(std::move(m));
  for (ApiMethod& m : s->people_api_.Methods()) methods.push_back(std::move(m));
  for (ApiMethod& m : s->reports_api_.Methods()) methods.push_back(std::move(m));
  for (ApiMethod& m : s->audit_api_.Methods()) methods.push_back(std::move(m));
  methods.push_back(ServerInfoMethod(s->access_, s->info_service_));
  SAFEGUARD_ASSIGN_OR_RETURN(ApiMethods api,
                             ApiMethods::Build(std::move(methods)));
  s->api_.emplace(std::move(api));
  s->tls_reloader_ = std::move(tls_reloader);
  {
    const TlsReloader* reloader = s->tls_reloader_.get();
    s->access_.set_revoked(
        [reloader](const CallerIdentity& id) { return reloader->Revoked(id); });
    s->referrals_api_.set_watch_refusal(
        [reloader](const CallerIdentity& id) { return reloader->Revoked(id); });
  }
  // gRPC's CAs: a copy of the bundle as read now, so that both transports
  // trust the same CAs until a restart (HTTPS loads them once).
  const std::string roots_file = absl::StrCat(config.data_dir(), "/tls-roots.pem");
  const std::string roots_temp = absl::StrCat(roots_file, ".new");
  unlink(roots_temp.c_str());
  SAFEGUARD_RETURN_IF_ERROR(WriteNewFile(roots_temp, tls.ca_pem));
  if (rename(roots_temp.c_str(), roots_file.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", roots_file, ": ", std::strerror(errno)));
  }
  SAFEGUARD_ASSIGN_OR_RETURN(
      s->grpc_,
      GrpcFront::Start(config,
                       MakeServerCredentials(config.tls(), roots_file,
                                             absl::Seconds(config.tls_reload_seconds()),
                                             *s->tls_reloader_),
                       *s->api_));
  s->port_ = s->grpc_->port();
  if (!config.http_listen_address().empty()) {
    // The same files, CA, revocation and identity rules as gRPC.
    http::ConnectServerOptions options;
    options.listen_address = config.http_listen_address();
    options.cert_file = config.tls().cert_file();
    options.key_file = config.tls().key_file();
    options.client_ca_file = config.tls().ca_file();
    const TlsReloader* reloader = s->tls_reloader_.get();
    options.check_peer_certificate = [reloader](const X509* cert) {
      return reloader->Check(cert);
    };
    options.static_dir = config.console_dir();
    options.threads = config.http_threads();
    // Streams may hold most threads, never all: calls still get through.
    options.max_streams = config.http_threads() * 3 / 4;
    SAFEGUARD_ASSIGN_OR_RETURN(s->http_,
                               http::ConnectServer::Start(options, s->api_->All()));
  }
  {
    absl::MutexLock lock(&s->health_mu_);
    s->PublishHealth();
  }
  if (!config.metrics_listen_address().empty()) {
    SafeguardServer* self = s.get();
    SAFEGUARD_ASSIGN_OR_RETURN(
        s->metrics_listener_,
        http::MetricsListener::Start(config.metrics_listen_address(),
                                     [self] { return self->metrics_->Render(); }));
  }
  s->storage_watch_.Start();
  s->folder_.Start();
  if (s->backups_ != nullptr) s->backups_->Start();
  {
    SafeguardServer* self = s.get();
    s->tls_reloader_->Start(
        // A newly revoked caller's open watches end at once.
        [self](const RevocationSet& revoked) {
          self->referrals_api_.EndWatchesOf([&revoked](const CallerIdentity& id) {
            return revoked.Revoked(id.certificate_issuer, id.certificate_serial);
          });
        },
        [self] {
          return self->http_ == nullptr ? absl::OkStatus()
                                        : self->http_->ReloadIdentity();
        });
  }
  return s;
}

void SafeguardServer::PublishHealth() {
  grpc_->SetServing(writable_ && !draining_);
}

void SafeguardServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (backups_ != nullptr) backups_->Stop();  // a backup under way finishes
  tls_reloader_->Stop();
  if (metrics_listener_ != nullptr) metrics_listener_->Shutdown();
  storage_watch_.Stop();  // health stays NOT_SERVING from here on
  gate_.StartDraining();  // before health says so: callers may rely on it
  referrals_api_.EndWatches();  // open-ended: they would hold up the drain
  {
    absl::MutexLock health(&health_mu_);
    draining_ = true;
    PublishHealth();
  }
  gate_.WaitIdle(absl::Now() + grace);
  // Cancels whatever is still running and closes every connection at once;
  // cancelled reactors still finish through the pool before this returns.
  grpc_->Stop();
  if (http_ != nullptr) http_->Shutdown();
  pool_.reset();  // runs what is queued, then joins
  folder_.Stop();  // a fold under way finishes; the rest wait for a restart
  checkpointer_.Stop();  // signs the final checkpoint
  db_->set_commit_listener(nullptr);
}

SafeguardServer::~SafeguardServer() {
  if (grpc_ != nullptr) Shutdown(absl::ZeroDuration());
  folder_.Stop();  // also when start-up failed after starting it
  // Also when start-up failed part way: nothing may call into the metrics
  // (destroyed before the checkpointer and the database) from here on.
  checkpointer_.Stop();
  db_->set_commit_listener(nullptr);
  access_.set_observer(nullptr);
}

}  // namespace safeguard
