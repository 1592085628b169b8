#include "server/config/server_config.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::testing::HasSubstr;

std::string Write(const TempDir& dir, const std::string& text) {
  std::string path = dir.File("safeguardd.textproto");
  std::ofstream(path) << text;
  return path;
}

TEST(ServerConfigTest, LoadsAFileAndFillsDefaults) {
  TempDir dir;
  std::string path = Write(dir,
                           "# production-like\n"
                           "listen_address: \"0.0.0.0:6000\"\n"
                           "data_dir: \"/var/lib/safeguard\"\n"
                           "tls { ca_file: \"/etc/ca.crt\" crl_dir: \"/etc/crl\" }\n");
  absl::StatusOr<ServerConfig> config = LoadConfigFile(path);
  ASSERT_TRUE(config.ok()) << config.status();
  FillDefaults(*config);
  EXPECT_EQ(config->listen_address(), "0.0.0.0:6000");
  EXPECT_EQ(config->key_file(), "/var/lib/safeguard/db.key");
  EXPECT_EQ(config->tls().ca_file(), "/etc/ca.crt");
  EXPECT_EQ(config->tls().cert_file(), "certs/dev/server.crt");
  EXPECT_EQ(config->tls().crl_dir(), "/etc/crl");
  EXPECT_EQ(config->trust_domain(), "safeguard");
  EXPECT_EQ(config->worker_threads(), 32);
  EXPECT_EQ(config->disk_reserve_mb(), 256);
  EXPECT_EQ(config->backup_key_file(), "/var/lib/safeguard/backup.key");
  EXPECT_EQ(config->backup_interval_seconds(), 0);
  EXPECT_EQ(config->backup_keep(), 7);
  EXPECT_EQ(config->metrics_listen_address(), "");
  EXPECT_EQ(config->log_format(), "text");
  EXPECT_EQ(config->slow_call_ms(), 1000);
  EXPECT_FALSE(config->enable_reflection());
  EXPECT_EQ(DatabasePath(*config), "/var/lib/safeguard/safeguard.db");
  EXPECT_TRUE(ValidateConfig(*config).ok());
}

TEST(ServerConfigTest, AZeroDiskReserveTurnsTheCheckOff) {
  TempDir dir;
  absl::StatusOr<ServerConfig> config =
      LoadConfigFile(Write(dir, "disk_reserve_mb: 0\n"));
  ASSERT_TRUE(config.ok()) << config.status();
  FillDefaults(*config);
  EXPECT_EQ(config->disk_reserve_mb(), 0);
}

TEST(ServerConfigTest, ParseErrorsNameFileLineAndColumn) {
  TempDir dir;
  struct Case {
    const char* name;
    const char* text;
    const char* where;
  } cases[] = {
      {"unknown option", "data_dir: \"d\"\nlisten_port: 5\n",
       ":2:12: Message type \"safeguard.config.v1.ServerConfig\" has no field "
       "named \"listen_port\"."},
      {"wrong type", "\n\nworker_threads: \"four\"\n", ":3:17: Expected integer"},
      {"unclosed block", "tls {\n  ca_file: \"x\"\n", ":3:1: Expected identifier"},
  };
  for (const Case& c : cases) {
    std::string path = Write(dir, c.text);
    EXPECT_THAT(LoadConfigFile(path),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("config file " + path + c.where)))
        << c.name;
  }
}

TEST(ServerConfigTest, MissingFileIsNamed) {
  EXPECT_THAT(LoadConfigFile("/nonexistent/safeguardd.textproto"),
              StatusIs(absl::StatusCode::kNotFound,
                       "config file /nonexistent/safeguardd.textproto: cannot "
                       "be read"));
}

TEST(ServerConfigTest, RefusesValuesThatCannotWork) {
  struct Case {
    const char* name;
    void (*mutate)(ServerConfig&);
    const char* message;
  } cases[] = {
      {"no port", [](ServerConfig& c) { c.set_listen_address("localhost"); },
       "listen_address must be host:port, with a port from 0 to 65535"},
      {"port too big",
       [](ServerConfig& c) { c.set_listen_address("127.0.0.1:70000"); },
       "listen_address must be host:port, with a port from 0 to 65535"},
      {"no threads", [](ServerConfig& c) { c.set_worker_threads(-1); },
       "worker_threads must be 1 to 256"},
      {"grace too long",
       [](ServerConfig& c) { c.set_shutdown_grace_seconds(601); },
       "shutdown_grace_seconds must be 1 to 600"},
      {"negative disk reserve",
       [](ServerConfig& c) { c.set_disk_reserve_mb(-1); },
       "disk_reserve_mb must be 0 to 1048576"},
      {"backups too often",
       [](ServerConfig& c) {
         c.set_backup_interval_seconds(59);
         c.set_backup_dir("/backups");
       },
       "backup_interval_seconds must be 0 (no scheduled backups) or 60 to "
       "2678400 (31 days)"},
      {"scheduled backups with nowhere to go",
       [](ServerConfig& c) { c.set_backup_interval_seconds(3600); },
       "backup_dir must name a folder when backup_interval_seconds is set"},
      {"no backups kept",
       [](ServerConfig& c) { c.set_backup_keep(-1); },
       "backup_keep must be 1 to 1000"},
      {"metrics on no port",
       [](ServerConfig& c) { c.set_metrics_listen_address("127.0.0.1"); },
       "metrics_listen_address must be host:port, with a port from 0 to "
       "65535, or empty to turn metrics off"},
      {"an unknown log format",
       [](ServerConfig& c) { c.set_log_format("xml"); },
       "log_format must be text or json"},
      {"a slow call threshold of nothing",
       [](ServerConfig& c) { c.set_slow_call_ms(-5); },
       "slow_call_ms must be 1 to 3600000"},
  };
  for (const Case& c : cases) {
    ServerConfig config;
    FillDefaults(config);
    c.mutate(config);
    EXPECT_THAT(ValidateConfig(config),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.name;
  }
}

}  // namespace
}  // namespace safeguard
