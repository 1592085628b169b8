// File: server/core/server_info_service.h
//
// ServerInfoService: the domain side of safeguard.v1.ServerInfo. It records
// the caller in the store (so the call exercises every layer down to the
// encrypted file) and reports versions and the caller's identity.
//
// Does not own the Store or the Clock; both must outlive it. Safe for
// concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_SERVER_INFO_SERVICE_H_
#define SAFEGUARD_SERVER_CORE_SERVER_INFO_SERVICE_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/core/clock.h"
#include "server/core/identity.h"
#include "server/core/store.h"

namespace safeguard {

struct ServerInfo {
  std::string server_version;
  int schema_version = 0;
  CallerIdentity caller;
};

class ServerInfoService {
 public:
  ServerInfoService(Store& store, const Clock& clock)
      : store_(store), clock_(clock) {}
  ServerInfoService(const ServerInfoService&) = delete;
  ServerInfoService& operator=(const ServerInfoService&) = delete;

  // Returns kUnavailable (and no data) if the caller cannot be recorded.
  absl::StatusOr<ServerInfo> GetServerInfo(const CallerIdentity& caller);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_SERVER_INFO_SERVICE_H_
