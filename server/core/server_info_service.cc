#include "server/core/server_info_service.h"

#include "absl/status/status.h"

namespace safeguard {

absl::StatusOr<ServerInfo> ServerInfoService::GetServerInfo(
    const CallerIdentity& caller) {
  absl::Status recorded = store_.RecordCaller(caller, clock_.Now());
  if (!recorded.ok()) {
    // The store's message may name internals; the caller learns only that
    // the service cannot answer now.
    return absl::UnavailableError("the server could not record this call");
  }
  ServerInfo info;
  info.server_version = SAFEGUARD_VERSION;
  info.schema_version = store_.SchemaVersion();
  info.caller = caller;
  return info;
}

}  // namespace safeguard
