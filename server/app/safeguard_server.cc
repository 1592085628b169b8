#include "server/app/safeguard_server.h"

#include <dlfcn.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"
#include "server/app/tls_files.h"
#include "server/core/status_macros.h"
#include "server/storage/database_key.h"

namespace safeguard {
namespace {

constexpr int kMaxRequestBytes = 1 << 20;
constexpr int kMaxResponseBytes = 4 << 20;
constexpr size_t kGrpcMemoryBytes = size_t{512} << 20;

// gRPC's reflection library registers its server plugin from a static
// initializer, so merely linking it would serve reflection from every
// server. It is loaded only when reflection is asked for.
absl::Status LoadReflectionPlugin() {
  constexpr char kLibrary[] = "libgrpc++_reflection.so.1.51";
  if (dlopen(kLibrary, RTLD_NOW | RTLD_GLOBAL) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("server reflection is not available: ", kLibrary,
                     " cannot be loaded"));
  }
  return absl::OkStatus();
}

}  // namespace

SafeguardServer::SafeguardServer(DataDirLock lock,
                                 std::unique_ptr<SharedDatabase> db,
                                 std::shared_ptr<const CompiledPolicy> policy,
                                 HolidayCalendar calendar, absl::TimeZone zone,
                                 std::unique_ptr<AuditSigner> signer,
                                 std::unique_ptr<AuditPublicKey> public_key,
                                 const ServerConfig& config)
    : lock_(std::move(lock)),
      policy_file_(config.policy_file()),
      db_(std::move(db)),
      storage_watch_(*db_, config.data_dir(),
                     int64_t{config.disk_reserve_mb()} << 20,
                     [this](bool writable) {
                       absl::MutexLock lock(&health_mu_);
                       writable_ = writable;
                       PublishHealth();
                     }),
      store_(*db_),
      referral_store_(*db_),
      audit_log_(*db_),
      signer_(std::move(signer)),
      public_key_(std::move(public_key)),
      policies_(std::move(policy)),
      calendar_(std::move(calendar)),
      info_service_(store_, clock_),
      referral_service_(referral_store_, events_, clock_, calendar_, zone,
                        ids_),
      checkpoint_records_(*db_),
      checkpointer_(audit_log_, checkpoint_records_, *signer_,
                    config.audit_checkpoint_file(),
                    config.audit_checkpoint_entries(),
                    absl::Seconds(config.audit_checkpoint_seconds()), clock_),
      pool_(std::make_unique<WorkerPool>(
          config.worker_threads(),
          static_cast<size_t>(config.max_queued_calls()))),
      runner_(audit_log_, policies_, clock_, gate_, *pool_,
              config.trust_domain(), config.max_calls_per_caller()),
      info_rpc_(info_service_, runner_),
      referrals_rpc_(referral_service_, events_, runner_),
      audit_rpc_(audit_log_, *public_key_, config.audit_checkpoint_file(),
                 referral_service_, runner_) {}

absl::Status SafeguardServer::ReloadPolicy() {
  absl::Status reloaded = policies_.Reload(policy_file_);
  // The operator's change of who may do what is itself audited.
  AuditRecord audit;
  audit.time = clock_.Now();
  audit.agency = "safeguardd";
  audit.principal = "system/operator";
  audit.rule = "sighup";
  audit.method = "safeguardd/ReloadPolicy";
  audit.code = static_cast<int>(reloaded.code());
  absl::Status logged = audit_log_.Append(audit);
  if (reloaded.ok()) {
    // Open watches are decided again: one that would now be decided
    // differently ends, and its client watches again under the new policy.
    referrals_rpc_.RecheckWatches(*policies_.Current());
  }
  return reloaded.ok() ? logged : reloaded;
}

absl::StatusOr<std::unique_ptr<SafeguardServer>> SafeguardServer::Start(
    const ServerConfig& config) {
  SAFEGUARD_ASSIGN_OR_RETURN(ServerTls tls, LoadServerTls(config.tls()));
  SAFEGUARD_ASSIGN_OR_RETURN(std::shared_ptr<const CompiledPolicy> policy,
                             CompiledPolicy::Load(config.policy_file()));
  SAFEGUARD_ASSIGN_OR_RETURN(HolidayCalendar calendar,
                             HolidayCalendar::Load(config.bank_holidays_file()));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(config.time_zone(), &zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat("time zone ", config.time_zone(),
                     " is unknown (is the tzdata package installed?)"));
  }
  SAFEGUARD_ASSIGN_OR_RETURN(DatabaseKey key, ReadKeyFile(config.key_file()));
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

  std::unique_ptr<SafeguardServer> s(
      new SafeguardServer(std::move(lock), *std::move(db), std::move(policy),
                          std::move(calendar), zone, std::move(signer),
                          std::move(public_key), config));
  SAFEGUARD_RETURN_IF_ERROR(s->checkpointer_.Start());

  grpc::EnableDefaultHealthCheckService(true);
  if (config.enable_reflection()) {
    SAFEGUARD_RETURN_IF_ERROR(LoadReflectionPlugin());
  }
  grpc::ServerBuilder builder;
  // Without this, Linux lets a second server bind the same port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // A referral is a few kilobytes. A request is parsed before its caller is
  // refused, so bound what any caller can make the server parse.
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  // A queue page is at most 2 MiB (ListReferrals stops early past that).
  builder.SetMaxSendMessageSize(kMaxResponseBytes);
  // What one connection may hold open, and for how long: a client that
  // vanishes is found by keepalive; a connection is closed after
  // kMaxConnectionAge (its calls get a grace period), so that no stream
  // lives on a connection forever; the memory gRPC may use is bounded.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 100);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 15 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, 60 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 60 * 1000);
  grpc::ResourceQuota quota("safeguardd");
  quota.Resize(kGrpcMemoryBytes);
  builder.SetResourceQuota(quota);
  builder.AddListeningPort(config.listen_address(),
                           MakeServerCredentials(tls), &s->port_);
  builder.RegisterService(&s->info_rpc_);
  builder.RegisterService(&s->referrals_rpc_);
  builder.RegisterService(&s->audit_rpc_);
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address(),
                     " (address in use, or not permitted)"));
  }
  {
    absl::MutexLock lock(&s->health_mu_);
    s->PublishHealth();
  }
  s->storage_watch_.Start();
  return s;
}

void SafeguardServer::PublishHealth() {
  server_->GetHealthCheckService()->SetServingStatus(writable_ && !draining_);
}

void SafeguardServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  storage_watch_.Stop();  // health stays NOT_SERVING from here on
  gate_.StartDraining();  // before health says so: callers may rely on it
  referrals_rpc_.EndWatches();  // open-ended: they would hold up the drain
  {
    absl::MutexLock health(&health_mu_);
    draining_ = true;
    PublishHealth();
  }
  gate_.WaitIdle(absl::Now() + grace);
  // Cancels whatever is still running and closes every connection at once;
  // cancelled reactors still finish through the pool before this returns.
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
  server_->Wait();
  pool_.reset();  // runs what is queued, then joins
  checkpointer_.Stop();  // signs the final checkpoint
}

SafeguardServer::~SafeguardServer() {
  if (server_ != nullptr) Shutdown(absl::ZeroDuration());
}

}  // namespace safeguard
