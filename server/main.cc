// safeguardd: the safeguard server, and its operator commands.
//
//   safeguardd [serve] [flags]       run the server (the default)
//   safeguardd genkey --key_file=F   create a new random database key file
//   safeguardd rekey --new_key_file=F [flags]
//                                    re-encrypt the database under a new key
//   safeguardd backup --to=DIR       write a backup while the server runs
//   safeguardd verify-backup DIR     check a backup, with no server
//   safeguardd restore --from=DIR    restore a backup onto a stopped server
//
// This is the one wiring point: configuration, process hardening, signals,
// and the concrete objects all come together here.
#include <signal.h>
#include <csignal>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/app/backup.h"
#include "server/app/data_dir_lock.h"
#include "server/app/safeguard_server.h"
#include "server/audit/audit_format.h"
#include "server/common/durable_file.h"
#include "server/common/log.h"
#include "server/config/server_config.h"
#include "server/storage/database_key.h"
#include "server/storage/rekey.h"

ABSL_FLAG(std::string, config, "",
          "Configuration file in protobuf text format "
          "(safeguard.config.v1.ServerConfig); flags override it");
ABSL_FLAG(std::optional<std::string>, listen_address, std::nullopt,
          "host:port to listen on; port 0 picks a free port");
ABSL_FLAG(std::optional<std::string>, data_dir, std::nullopt,
          "Folder for the database and its lock file");
ABSL_FLAG(std::optional<std::string>, key_file, std::nullopt,
          "Database key file: 64 hex characters, mode 0600; by default in "
          "the data folder");
ABSL_FLAG(std::optional<std::string>, tls_ca_file, std::nullopt,
          "PEM CA that client certificates must chain to");
ABSL_FLAG(std::optional<std::string>, tls_cert_file, std::nullopt,
          "PEM server certificate chain");
ABSL_FLAG(std::optional<std::string>, tls_key_file, std::nullopt,
          "PEM server private key");
ABSL_FLAG(std::optional<std::string>, tls_crl_dir, std::nullopt,
          "Folder of hashed CRLs (<hash>.r0); revoked clients are refused");
ABSL_FLAG(std::optional<std::string>, trust_domain, std::nullopt,
          "SPIFFE trust domain of caller identities");
ABSL_FLAG(bool, enable_reflection, false,
          "Serve gRPC server reflection (also on when the config file says "
          "enable_reflection: true)");
ABSL_FLAG(std::optional<int32_t>, worker_threads, std::nullopt,
          "Threads for database work");
ABSL_FLAG(std::optional<int32_t>, shutdown_grace_seconds, std::nullopt,
          "Seconds calls in flight get to finish at shutdown");
ABSL_FLAG(std::optional<std::string>, policy_file, std::nullopt,
          "Access policy file, reloaded on SIGHUP");
ABSL_FLAG(std::optional<std::string>, bank_holidays_file, std::nullopt,
          "Bank holidays for working-day deadlines");
ABSL_FLAG(std::optional<std::string>, time_zone, std::nullopt,
          "Time zone of dates and deadlines");
ABSL_FLAG(std::optional<std::string>, audit_signing_key_file, std::nullopt,
          "Ed25519 key (PEM, 0600) that signs audit checkpoints; by default "
          "in the data folder");
ABSL_FLAG(std::optional<std::string>, audit_checkpoint_file, std::nullopt,
          "File the signed audit checkpoints are appended to; by default in "
          "the data folder");
ABSL_FLAG(std::optional<int32_t>, audit_checkpoint_entries, std::nullopt,
          "Checkpoint after this many new audit entries");
ABSL_FLAG(std::optional<int32_t>, audit_checkpoint_seconds, std::nullopt,
          "Checkpoint after this many seconds with new entries");
ABSL_FLAG(std::optional<int32_t>, disk_reserve_mb, std::nullopt,
          "MiB kept free in the data folder: below it safeguardd does not "
          "start, and refuses writes while running; 0 turns it off");
ABSL_FLAG(std::optional<int32_t>, max_calls_per_caller, std::nullopt,
          "Calls one caller may have in flight; more are refused");
ABSL_FLAG(std::optional<int32_t>, max_queued_calls, std::nullopt,
          "Calls that may wait for a worker; more are refused");
ABSL_FLAG(std::optional<std::string>, http_listen_address, std::nullopt,
          "host:port of the HTTPS listener (Connect protocol, for "
          "browsers); empty turns it off");
ABSL_FLAG(std::optional<std::string>, console_dir, std::nullopt,
          "Folder of the web console's static files, served at / over HTTPS");
ABSL_FLAG(std::optional<int32_t>, http_threads, std::nullopt,
          "Threads of the HTTPS listener");
ABSL_FLAG(std::optional<std::string>, backup_key_file, std::nullopt,
          "Key file backups are encrypted under (not the database key); "
          "by default in the data folder");
ABSL_FLAG(std::optional<std::string>, backup_dir, std::nullopt,
          "Folder the scheduled backups are written to");
ABSL_FLAG(std::optional<int32_t>, backup_interval_seconds, std::nullopt,
          "Seconds between scheduled backups; 0 schedules none");
ABSL_FLAG(std::optional<int32_t>, backup_keep, std::nullopt,
          "Scheduled backups kept; older ones are removed");
ABSL_FLAG(std::optional<std::string>, metrics_listen_address, std::nullopt,
          "host:port of the Prometheus metrics listener (plain HTTP); "
          "empty turns it off");
ABSL_FLAG(std::optional<std::string>, log_format, std::nullopt,
          "text, or json: one JSON object a line");
ABSL_FLAG(std::optional<int32_t>, slow_call_ms, std::nullopt,
          "Calls slower than this many milliseconds are logged");
ABSL_FLAG(std::optional<int32_t>, tls_reload_seconds, std::nullopt,
          "Seconds between looks at the CRL folder and the server's "
          "certificate and key; changes apply without a restart");
ABSL_FLAG(std::string, new_key_file, "",
          "rekey: the key file holding the new key");
ABSL_FLAG(std::string, to, "",
          "backup: the folder to write the backup into (a new folder "
          "backup-<time> is made in it)");
ABSL_FLAG(std::string, from, "", "restore: the backup folder to restore");
ABSL_FLAG(std::string, audit_public_key_file, "",
          "verify-backup, restore: the audit public key (PEM) to check "
          "checkpoints against; by default the public half of the audit "
          "signing key for restore, and the copy inside the backup for "
          "verify-backup");

namespace safeguard {
namespace {

constexpr char kUsage[] =
    "the safeguard referral server.\n\n"
    "Usage:\n"
    "  safeguardd [serve] [flags]          run the server (default)\n"
    "  safeguardd genkey --key_file=F      create a new database key file\n"
    "  safeguardd genkey --audit_signing_key_file=F\n"
    "                                      create a new audit signing key\n"
    "  safeguardd audit-public-key         print the audit signing key's\n"
    "                                      public half (PEM)\n"
    "  safeguardd rekey --new_key_file=F   re-encrypt the database under the\n"
    "                                      key in F (server must be stopped)\n"
    "  safeguardd genkey --backup_key_file=F\n"
    "                                      create a new backup key\n"
    "  safeguardd backup --to=DIR          write a backup into a new folder in\n"
    "                                      DIR (while the server runs)\n"
    "  safeguardd verify-backup DIR        check a backup folder, with no\n"
    "                                      server: files, key and audit chain\n"
    "  safeguardd restore --from=DIR       check, then restore a backup folder\n"
    "                                      (server must be stopped)\n\n"
    "Exit codes: 0 clean stop, 1 start-up or command failure, 2 bad usage.";

// Where safeguardd's own flags are defined (this file).
constexpr char kFlagsFile[] = "server/main.cc";

int Fail(const absl::Status& status) {
  Log(LogLevel::kError, "failed", status.message(),
      {{"code", absl::StatusCodeToString(status.code())}});
  return 1;
}

// The default of the configuration field `flag` sets, as FillDefaults
// makes it (the one place defaults are decided), or "" when it has none.
// A flag is named for its field, or tls_<field> for the tls block.
std::string DefaultOf(absl::string_view flag) {
  ServerConfig defaults;
  FillDefaults(defaults);
  const google::protobuf::Message* message = &defaults;
  const google::protobuf::FieldDescriptor* field =
      message->GetDescriptor()->FindFieldByName(std::string(flag));
  if (field == nullptr && absl::ConsumePrefix(&flag, "tls_")) {
    message = &defaults.tls();
    field = message->GetDescriptor()->FindFieldByName(std::string(flag));
  }
  if (field == nullptr || field->is_repeated()) return "";
  const google::protobuf::Reflection* reflection = message->GetReflection();
  switch (field->cpp_type()) {
    case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
      return reflection->GetString(*message, field);
    case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(reflection->GetInt32(*message, field));
    case google::protobuf::FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(*message, field) ? "true" : "false";
    default:
      return "";
  }
}

// --help: the commands, then each option with its default. Abseil's own
// listing (with its flags) stays under --helpfull.
int Help() {
  std::printf("safeguardd: %s\n\nOptions (each but --config and a command's "
              "own (--new_key_file, --to, --from, --audit_public_key_file) "
              "is also a field of the --config file, which a flag "
              "overrides):\n",
              kUsage);
  std::vector<std::pair<std::string, std::string>> options;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!absl::EndsWith(flag->Filename(), kFlagsFile)) continue;
    options.emplace_back(std::string(name), flag->Help());
  }
  std::sort(options.begin(), options.end());
  for (const auto& [name, help] : options) {
    const std::string default_value = DefaultOf(name);
    std::printf("  --%s\n      %s%s\n", name.c_str(), help.c_str(),
                default_value.empty()
                    ? ""
                    : absl::StrCat(" (default: ", default_value, ")").c_str());
  }
  return 0;
}

// Keys and decrypted pages must never reach a core file.
void DisableCoreDumps() {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

template <typename T, typename Setter>
void Override(const absl::Flag<std::optional<T>>& flag, Setter set) {
  std::optional<T> value = absl::GetFlag(flag);
  if (value.has_value()) set(*value);
}

absl::StatusOr<ServerConfig> BuildConfig() {
  ServerConfig config;
  const std::string path = absl::GetFlag(FLAGS_config);
  if (!path.empty()) {
    absl::StatusOr<ServerConfig> loaded = LoadConfigFile(path);
    if (!loaded.ok()) return loaded.status();
    config = *std::move(loaded);
  }
  auto* tls = config.mutable_tls();
  Override(FLAGS_listen_address,
           [&](const std::string& v) { config.set_listen_address(v); });
  Override(FLAGS_data_dir, [&](const std::string& v) { config.set_data_dir(v); });
  Override(FLAGS_key_file, [&](const std::string& v) { config.set_key_file(v); });
  Override(FLAGS_tls_ca_file, [&](const std::string& v) { tls->set_ca_file(v); });
  Override(FLAGS_tls_cert_file,
           [&](const std::string& v) { tls->set_cert_file(v); });
  Override(FLAGS_tls_key_file,
           [&](const std::string& v) { tls->set_key_file(v); });
  Override(FLAGS_tls_crl_dir, [&](const std::string& v) { tls->set_crl_dir(v); });
  Override(FLAGS_trust_domain,
           [&](const std::string& v) { config.set_trust_domain(v); });
  if (absl::GetFlag(FLAGS_enable_reflection)) config.set_enable_reflection(true);
  Override(FLAGS_policy_file,
           [&](const std::string& v) { config.set_policy_file(v); });
  Override(FLAGS_bank_holidays_file,
           [&](const std::string& v) { config.set_bank_holidays_file(v); });
  Override(FLAGS_time_zone, [&](const std::string& v) { config.set_time_zone(v); });
  Override(FLAGS_audit_signing_key_file,
           [&](const std::string& v) { config.set_audit_signing_key_file(v); });
  Override(FLAGS_audit_checkpoint_file,
           [&](const std::string& v) { config.set_audit_checkpoint_file(v); });
  Override(FLAGS_audit_checkpoint_entries,
           [&](int32_t v) { config.set_audit_checkpoint_entries(v); });
  Override(FLAGS_audit_checkpoint_seconds,
           [&](int32_t v) { config.set_audit_checkpoint_seconds(v); });
  Override(FLAGS_disk_reserve_mb,
           [&](int32_t v) { config.set_disk_reserve_mb(v); });
  Override(FLAGS_worker_threads,
           [&](int32_t v) { config.set_worker_threads(v); });
  Override(FLAGS_max_calls_per_caller,
           [&](int32_t v) { config.set_max_calls_per_caller(v); });
  Override(FLAGS_max_queued_calls,
           [&](int32_t v) { config.set_max_queued_calls(v); });
  Override(FLAGS_http_listen_address,
           [&](const std::string& v) { config.set_http_listen_address(v); });
  Override(FLAGS_console_dir,
           [&](const std::string& v) { config.set_console_dir(v); });
  Override(FLAGS_http_threads,
           [&](int32_t v) { config.set_http_threads(v); });
  Override(FLAGS_backup_key_file,
           [&](const std::string& v) { config.set_backup_key_file(v); });
  Override(FLAGS_backup_dir,
           [&](const std::string& v) { config.set_backup_dir(v); });
  Override(FLAGS_backup_interval_seconds,
           [&](int32_t v) { config.set_backup_interval_seconds(v); });
  Override(FLAGS_backup_keep, [&](int32_t v) { config.set_backup_keep(v); });
  Override(FLAGS_metrics_listen_address,
           [&](const std::string& v) { config.set_metrics_listen_address(v); });
  Override(FLAGS_log_format,
           [&](const std::string& v) { config.set_log_format(v); });
  Override(FLAGS_slow_call_ms, [&](int32_t v) { config.set_slow_call_ms(v); });
  Override(FLAGS_tls_reload_seconds,
           [&](int32_t v) { config.set_tls_reload_seconds(v); });
  Override(FLAGS_shutdown_grace_seconds,
           [&](int32_t v) { config.set_shutdown_grace_seconds(v); });
  FillDefaults(config);
  absl::Status valid = ValidateConfig(config);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path.empty() ? "flags" : absl::StrCat("config file ", path), ": ",
        valid.message()));
  }
  return config;
}

std::string HostOf(const std::string& address) {
  return address.substr(0, address.rfind(':'));
}

int Serve(const ServerConfig& config) {
  // Block the stop signals in every thread; this one waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  // A client that hangs up while its answer is written must not stop the
  // server: TLS writes to a closed socket raise SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);

  const absl::Time begin = absl::Now();
  absl::StatusOr<std::unique_ptr<SafeguardServer>> server =
      SafeguardServer::Start(config);
  if (!server.ok()) return Fail(server.status());
  const std::string https =
      (*server)->http_port() == 0
          ? std::string("HTTPS off")
          : absl::StrCat("HTTPS (Connect) on https://",
                         HostOf(config.http_listen_address()), ":",
                         (*server)->http_port(), "/");
  const long long started_ms = absl::ToInt64Milliseconds(absl::Now() - begin);
  const std::string metrics =
      (*server)->metrics_port() == 0
          ? std::string("metrics off")
          : absl::StrCat("metrics on http://",
                         HostOf(config.metrics_listen_address()), ":",
                         (*server)->metrics_port(), "/metrics");
  Log(LogLevel::kInfo, "started",
      absl::StrCat("version ", SAFEGUARD_VERSION, " listening on ",
                   HostOf(config.listen_address()), ":", (*server)->port(),
                   ", mTLS required; ", https, "; ", metrics, "; schema v",
                   (*server)->schema_version(), "; data in ", config.data_dir(),
                   "; started in ", started_ms, " ms"),
      {{"version", std::string(SAFEGUARD_VERSION)},
       {"grpc_port", static_cast<long long>((*server)->port())},
       {"https_port", static_cast<long long>((*server)->http_port())},
       {"metrics_port", static_cast<long long>((*server)->metrics_port())},
       {"schema_version", static_cast<long long>((*server)->schema_version())},
       {"startup_ms", started_ms}});

  int signal_number = 0;
  while (true) {
    sigwait(&stop, &signal_number);
    if (signal_number != SIGHUP) break;
    // The CRLs and the server's certificate too (logged by the reloader).
    (*server)->ReloadTls().IgnoreError();
    absl::Status reloaded = (*server)->ReloadPolicy();
    if (reloaded.ok()) {
      Log(LogLevel::kInfo, "policy_reloaded",
          absl::StrCat("policy reloaded from ", config.policy_file()));
    } else {
      Log(LogLevel::kError, "policy_reload_refused",
          absl::StrCat("policy reload refused, the previous policy stays in "
                       "force: ",
                       reloaded.message()));
    }
  }
  const char* signal_name = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
  Log(LogLevel::kInfo, "stopping",
      absl::StrCat(signal_name, " received, finishing calls in flight"),
      {{"signal", std::string(signal_name)}});
  (*server)->Shutdown(absl::Seconds(config.shutdown_grace_seconds()));
  server->reset();  // closes the database cleanly
  Log(LogLevel::kInfo, "stopped", "stopped");
  return 0;
}

int GenKey() {
  std::optional<std::string> path = absl::GetFlag(FLAGS_key_file);
  std::optional<std::string> audit = absl::GetFlag(FLAGS_audit_signing_key_file);
  std::optional<std::string> backup = absl::GetFlag(FLAGS_backup_key_file);
  if (path.has_value() + audit.has_value() + backup.has_value() != 1) {
    return Fail(absl::InvalidArgumentError(
        "genkey needs one of --key_file (database key), "
        "--audit_signing_key_file (audit signing key) or --backup_key_file "
        "(backup key)"));
  }
  const char* what = path.has_value()    ? "key"
                     : audit.has_value() ? "audit signing key"
                                         : "backup key";
  const std::string& file = path.has_value()    ? *path
                            : audit.has_value() ? *audit
                                                : *backup;
  absl::Status created =
      audit.has_value() ? CreateSigningKeyFile(file) : CreateKeyFile(file);
  if (!created.ok()) return Fail(created);
  std::fprintf(stderr, "safeguardd: created %s file %s (mode 0600)\n", what,
               file.c_str());
  return 0;
}

// Prints the public half of the audit signing key, for offline checks.
int PrintAuditPublicKey(const ServerConfig& config) {
  absl::StatusOr<std::unique_ptr<AuditSigner>> signer =
      AuditSigner::FromKeyFile(config.audit_signing_key_file());
  if (!signer.ok()) return Fail(signer.status());
  std::fputs((*signer)->PublicKeyPem().c_str(), stdout);
  return 0;
}

int Rekey(const ServerConfig& config) {
  const std::string new_path = absl::GetFlag(FLAGS_new_key_file);
  if (new_path.empty()) {
    return Fail(absl::InvalidArgumentError("rekey needs --new_key_file"));
  }
  absl::StatusOr<DatabaseKey> old_key = ReadKeyFile(config.key_file());
  if (!old_key.ok()) return Fail(old_key.status());
  absl::StatusOr<DatabaseKey> new_key = ReadKeyFile(new_path);
  if (!new_key.ok()) return Fail(new_key.status());
  absl::StatusOr<DataDirLock> lock =
      DataDirLock::Acquire(config.data_dir(), LockPath(config));
  if (!lock.ok()) return Fail(lock.status());
  const std::string db = DatabasePath(config);
  absl::Status rekeyed = RekeyDatabase(db, *old_key, *new_key);
  if (!rekeyed.ok()) return Fail(rekeyed);
  std::fprintf(stderr,
               "safeguardd: %s now opens with the key in %s only; set "
               "key_file to it and destroy the old key file %s\n",
               db.c_str(), new_path.c_str(), config.key_file().c_str());
  return 0;
}

LiveFiles LiveFilesOf(const ServerConfig& config) {
  return {DatabasePath(config), config.audit_checkpoint_file()};
}

// The public key a backup's checkpoints are checked against.
absl::StatusOr<std::unique_ptr<AuditPublicKey>> TrustedPublicKey(
    const ServerConfig& config, const std::string& backup_dir) {
  std::string pem_file = absl::GetFlag(FLAGS_audit_public_key_file);
  if (pem_file.empty() && backup_dir.empty()) {
    absl::StatusOr<std::unique_ptr<AuditSigner>> signer =
        AuditSigner::FromKeyFile(config.audit_signing_key_file());
    if (!signer.ok()) return signer.status();
    return AuditPublicKey::FromPem((*signer)->PublicKeyPem());
  }
  if (pem_file.empty()) {
    pem_file = absl::StrCat(backup_dir, "/audit-public-key.pem");
    std::fprintf(stderr,
                 "safeguardd: checking the checkpoints' signatures against "
                 "the public key inside the backup; pass "
                 "--audit_public_key_file=F to check them against one you "
                 "hold\n");
  }
  absl::StatusOr<std::string> pem = ReadWholeFile(pem_file, 64 * 1024);
  if (!pem.ok()) return pem.status();
  return AuditPublicKey::FromPem(*pem);
}

std::string Describe(const BackupCheck& check) {
  const v1::VerifyAuditLogResponse& chain = check.chain;
  return absl::StrCat(
      "made ", check.manifest.created(), " by safeguardd ",
      check.manifest.safeguard_version(), ", schema v",
      check.manifest.schema_version(), "; its audit log of ", chain.entries(),
      " entries verifies against ", chain.checkpoints(),
      " signed checkpoints (", chain.unsigned_entries(),
      " entries after the last are covered by the chain only)");
}

int Backup(const ServerConfig& config) {
  const std::string to = absl::GetFlag(FLAGS_to);
  if (to.empty()) return Fail(absl::InvalidArgumentError("backup needs --to=DIR"));
  absl::StatusOr<DatabaseKey> live_key = ReadKeyFile(config.key_file());
  if (!live_key.ok()) return Fail(live_key.status());
  absl::StatusOr<DatabaseKey> backup_key = ReadKeyFile(config.backup_key_file());
  if (!backup_key.ok()) return Fail(backup_key.status());
  absl::StatusOr<std::unique_ptr<AuditSigner>> signer =
      AuditSigner::FromKeyFile(config.audit_signing_key_file());
  if (!signer.ok()) return Fail(signer.status());
  const absl::Time begin = absl::Now();
  absl::StatusOr<BackupResult> backup =
      WriteBackup(LiveFilesOf(config), *live_key, *backup_key,
                  (*signer)->PublicKeyPem(), to, begin);
  if (!backup.ok()) return Fail(backup.status());
  std::fprintf(stderr,
               "safeguardd: backup written in %lld ms: %lld audit entries, "
               "%lld signed checkpoints, encrypted under %s\n",
               static_cast<long long>(absl::ToInt64Milliseconds(absl::Now() - begin)),
               static_cast<long long>(backup->manifest.audit_entries()),
               static_cast<long long>(backup->manifest.audit_checkpoints()),
               config.backup_key_file().c_str());
  std::printf("%s\n", backup->dir.c_str());
  return 0;
}

int VerifyBackup(const ServerConfig& config, const std::string& dir) {
  absl::StatusOr<DatabaseKey> backup_key = ReadKeyFile(config.backup_key_file());
  if (!backup_key.ok()) return Fail(backup_key.status());
  absl::StatusOr<std::unique_ptr<AuditPublicKey>> key =
      TrustedPublicKey(config, dir);
  if (!key.ok()) return Fail(key.status());
  absl::StatusOr<BackupCheck> check = CheckBackup(dir, *backup_key, **key);
  if (!check.ok()) return Fail(check.status());
  std::printf("backup %s is intact: %s\n", dir.c_str(), Describe(*check).c_str());
  return 0;
}

int Restore(const ServerConfig& config) {
  const std::string from = absl::GetFlag(FLAGS_from);
  if (from.empty()) {
    return Fail(absl::InvalidArgumentError("restore needs --from=DIR"));
  }
  absl::StatusOr<DatabaseKey> backup_key = ReadKeyFile(config.backup_key_file());
  if (!backup_key.ok()) return Fail(backup_key.status());
  absl::StatusOr<std::unique_ptr<AuditPublicKey>> key = TrustedPublicKey(config, "");
  if (!key.ok()) return Fail(key.status());
  absl::StatusOr<DataDirLock> lock =
      DataDirLock::Acquire(config.data_dir(), LockPath(config));
  if (!lock.ok()) return Fail(lock.status());
  // A lost disk takes its key file with it: the restored copy gets a new one.
  struct stat st;
  if (stat(config.key_file().c_str(), &st) != 0 && errno == ENOENT) {
    absl::Status created = CreateKeyFile(config.key_file());
    if (!created.ok()) return Fail(created);
    std::fprintf(stderr, "safeguardd: created a new database key file %s\n",
                 config.key_file().c_str());
  }
  absl::StatusOr<DatabaseKey> live_key = ReadKeyFile(config.key_file());
  if (!live_key.ok()) return Fail(live_key.status());
  const absl::Time begin = absl::Now();
  absl::StatusOr<RestoreResult> restored = RestoreBackup(
      from, *backup_key, **key, LiveFilesOf(config), *live_key, begin);
  if (!restored.ok()) return Fail(restored.status());
  std::printf(
      "restored %s in %lld ms: %s. The audit log now ends with entry %lld, "
      "safeguardd/Restore.%s\n",
      from.c_str(),
      static_cast<long long>(absl::ToInt64Milliseconds(absl::Now() - begin)),
      Describe(restored->check).c_str(),
      static_cast<long long>(restored->check.chain.entries() + 1),
      restored->replaced_dir.empty()
          ? ""
          : absl::StrCat(" The files it replaced are in ",
                         restored->replaced_dir, ".")
                .c_str());
  return 0;
}

int Main(int argc, char** argv) {
  DisableCoreDumps();
  umask(077);  // the database, its WAL and lock file are for this user only
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, kFlagsFile);
  };
  usage_config.version_string = [] {
    return std::string("safeguardd ") + SAFEGUARD_VERSION + "\n";
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(kUsage);
  // `help` as the command; --help, -help or -h anywhere.
  if (argc > 1 && absl::string_view(argv[1]) == "help") return Help();
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-help" || arg == "-h") return Help();
  }
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::string command = args.size() > 1 ? args[1] : "serve";
  // verify-backup takes its folder; no other command takes an argument.
  const size_t arguments = command == "verify-backup" ? 3 : 2;
  if (args.size() > arguments) {
    std::fprintf(stderr, "safeguardd: unexpected argument '%s'\n",
                 args[arguments]);
    return 2;
  }
  if (command == "verify-backup" && args.size() != 3) {
    std::fprintf(stderr, "safeguardd: verify-backup needs the backup folder\n");
    return 2;
  }
  if (command == "genkey") return GenKey();
  if (command != "serve" && command != "rekey" &&
      command != "audit-public-key" && command != "backup" &&
      command != "verify-backup" && command != "restore") {
    std::fprintf(stderr,
                 "safeguardd: unknown command '%s' (serve, genkey, rekey, "
                 "audit-public-key, backup, verify-backup, restore)\n",
                 command.c_str());
    return 2;
  }
  absl::StatusOr<ServerConfig> config = BuildConfig();
  if (!config.ok()) return Fail(config.status());
  if (config->log_format() == "json") SetLogFormat(LogFormat::kJson);
  if (command == "audit-public-key") return PrintAuditPublicKey(*config);
  if (command == "backup") return Backup(*config);
  if (command == "verify-backup") return VerifyBackup(*config, args[2]);
  if (command == "restore") return Restore(*config);
  return command == "serve" ? Serve(*config) : Rekey(*config);
}

}  // namespace
}  // namespace safeguard

int main(int argc, char** argv) { return safeguard::Main(argc, argv); }
