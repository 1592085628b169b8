#include "server/config/server_config.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/text_proto.h"
#include "server/core/status_macros.h"

namespace safeguard {

absl::StatusOr<ServerConfig> LoadConfigFile(const std::string& path) {
  ServerConfig config;
  SAFEGUARD_RETURN_IF_ERROR(ReadTextProtoFile("config file", path, &config));
  return config;
}

absl::StatusOr<ServerConfig> ParseConfig(const std::string& text,
                                         const std::string& source_name) {
  ServerConfig config;
  SAFEGUARD_RETURN_IF_ERROR(
      ParseTextProto(text, absl::StrCat("config file ", source_name), &config));
  return config;
}

namespace {

bool IsHostPort(const std::string& address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  return colon != std::string::npos && colon != 0 &&
         absl::SimpleAtoi(address.substr(colon + 1), &port) && port >= 0 &&
         port <= 65535;
}

}  // namespace

void FillDefaults(ServerConfig& config) {
  if (config.listen_address().empty()) {
    config.set_listen_address("127.0.0.1:50051");
  }
  if (config.data_dir().empty()) config.set_data_dir("data");
  if (config.key_file().empty()) {
    config.set_key_file(absl::StrCat(config.data_dir(), "/db.key"));
  }
  if (config.trust_domain().empty()) config.set_trust_domain("safeguard");
  if (config.worker_threads() == 0) config.set_worker_threads(32);
  if (!config.has_http_listen_address()) {
    config.set_http_listen_address("127.0.0.1:8443");
  }
  if (config.http_threads() == 0) config.set_http_threads(64);
  if (config.max_calls_per_caller() == 0) config.set_max_calls_per_caller(256);
  if (config.max_queued_calls() == 0) config.set_max_queued_calls(4096);
  if (config.shutdown_grace_seconds() == 0) {
    config.set_shutdown_grace_seconds(10);
  }
  if (config.policy_file().empty()) {
    config.set_policy_file("policy/partnership.textproto");
  }
  if (config.bank_holidays_file().empty()) {
    config.set_bank_holidays_file("deploy/bank-holidays-england-and-wales.txt");
  }
  if (config.time_zone().empty()) config.set_time_zone("Europe/London");
  if (config.audit_signing_key_file().empty()) {
    config.set_audit_signing_key_file(
        absl::StrCat(config.data_dir(), "/audit-signing.key"));
  }
  if (config.audit_checkpoint_file().empty()) {
    config.set_audit_checkpoint_file(
        absl::StrCat(config.data_dir(), "/audit-checkpoints.log"));
  }
  if (config.audit_checkpoint_entries() == 0) {
    config.set_audit_checkpoint_entries(1000);
  }
  if (config.audit_checkpoint_seconds() == 0) {
    config.set_audit_checkpoint_seconds(60);
  }
  if (!config.has_disk_reserve_mb()) config.set_disk_reserve_mb(256);
  if (config.backup_key_file().empty()) {
    config.set_backup_key_file(absl::StrCat(config.data_dir(), "/backup.key"));
  }
  if (config.backup_keep() == 0) config.set_backup_keep(7);
  if (config.log_format().empty()) config.set_log_format("text");
  if (config.slow_call_ms() == 0) config.set_slow_call_ms(1000);
  if (config.tls_reload_seconds() == 0) config.set_tls_reload_seconds(10);
  auto* tls = config.mutable_tls();
  if (tls->ca_file().empty()) tls->set_ca_file("certs/dev/ca.crt");
  if (tls->cert_file().empty()) tls->set_cert_file("certs/dev/server.crt");
  if (tls->key_file().empty()) tls->set_key_file("certs/dev/server.key");
}

absl::Status ValidateConfig(const ServerConfig& config) {
  if (!IsHostPort(config.listen_address())) {
    return absl::InvalidArgumentError(
        "listen_address must be host:port, with a port from 0 to 65535");
  }
  if (!config.http_listen_address().empty() &&
      !IsHostPort(config.http_listen_address())) {
    return absl::InvalidArgumentError(
        "http_listen_address must be host:port, with a port from 0 to 65535, "
        "or empty to turn the HTTPS listener off");
  }
  if (config.http_threads() < 4 || config.http_threads() > 1024) {
    return absl::InvalidArgumentError("http_threads must be 4 to 1024");
  }
  if (config.worker_threads() < 1 || config.worker_threads() > 256) {
    return absl::InvalidArgumentError("worker_threads must be 1 to 256");
  }
  if (config.max_calls_per_caller() < 1 ||
      config.max_calls_per_caller() > 100000) {
    return absl::InvalidArgumentError("max_calls_per_caller must be 1 to 100000");
  }
  if (config.max_queued_calls() < 1 || config.max_queued_calls() > 1000000) {
    return absl::InvalidArgumentError("max_queued_calls must be 1 to 1000000");
  }
  if (config.shutdown_grace_seconds() < 1 ||
      config.shutdown_grace_seconds() > 600) {
    return absl::InvalidArgumentError(
        "shutdown_grace_seconds must be 1 to 600");
  }
  if (config.audit_checkpoint_entries() < 1 ||
      config.audit_checkpoint_seconds() < 1) {
    return absl::InvalidArgumentError(
        "audit_checkpoint_entries and audit_checkpoint_seconds must be "
        "positive");
  }
  if (config.disk_reserve_mb() < 0 || config.disk_reserve_mb() > 1048576) {
    return absl::InvalidArgumentError("disk_reserve_mb must be 0 to 1048576");
  }
  if (config.backup_interval_seconds() != 0 &&
      (config.backup_interval_seconds() < 60 ||
       config.backup_interval_seconds() > 31 * 86400)) {
    return absl::InvalidArgumentError(
        "backup_interval_seconds must be 0 (no scheduled backups) or 60 to "
        "2678400 (31 days)");
  }
  if (config.backup_interval_seconds() != 0 && config.backup_dir().empty()) {
    return absl::InvalidArgumentError(
        "backup_dir must name a folder when backup_interval_seconds is set");
  }
  if (config.backup_keep() < 1 || config.backup_keep() > 1000) {
    return absl::InvalidArgumentError("backup_keep must be 1 to 1000");
  }
  if (!config.metrics_listen_address().empty() &&
      !IsHostPort(config.metrics_listen_address())) {
    return absl::InvalidArgumentError(
        "metrics_listen_address must be host:port, with a port from 0 to "
        "65535, or empty to turn metrics off");
  }
  if (config.log_format() != "text" && config.log_format() != "json") {
    return absl::InvalidArgumentError("log_format must be text or json");
  }
  if (config.slow_call_ms() < 1 || config.slow_call_ms() > 3600000) {
    return absl::InvalidArgumentError("slow_call_ms must be 1 to 3600000");
  }
  if (config.tls_reload_seconds() < 1 || config.tls_reload_seconds() > 3600) {
    return absl::InvalidArgumentError("tls_reload_seconds must be 1 to 3600");
  }
  return absl::OkStatus();
}

std::string DatabasePath(const ServerConfig& config) {
  return absl::StrCat(config.data_dir(), "/safeguard.db");
}

std::string LockPath(const ServerConfig& config) {
  return absl::StrCat(config.data_dir(), "/safeguardd.lock");
}

}  // namespace safeguard
