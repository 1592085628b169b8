// File: server/config/server_config.h
//
// Loading and checking safeguardd's configuration (the ServerConfig message
// of proto/safeguard/config/v1/server_config.proto, in protobuf text
// format). Errors name the file and, for parse errors, the line and column.
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_CONFIG_SERVER_CONFIG_H_
#define SAFEGUARD_SERVER_CONFIG_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "safeguard/config/v1/server_config.pb.h"

namespace safeguard {

using ServerConfig = ::safeguard::config::v1::ServerConfig;

// Parses the text-format file at `path`.
absl::StatusOr<ServerConfig> LoadConfigFile(const std::string& path);
// Parses `text`; errors name `source_name` and the line and column.
absl::StatusOr<ServerConfig> ParseConfig(const std::string& text,
                                         const std::string& source_name);

// Fills every unset field with its documented default.
void FillDefaults(ServerConfig& config);

// Checks a filled configuration for values that can never work.
absl::Status ValidateConfig(const ServerConfig& config);

// Where the database file lives: <data_dir>/safeguard.db.
std::string DatabasePath(const ServerConfig& config);

// Where the data folder lock lives: <data_dir>/safeguardd.lock.
std::string LockPath(const ServerConfig& config);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CONFIG_SERVER_CONFIG_H_
