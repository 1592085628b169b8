// File: server/app/grpc_front.h
//
// GrpcFront: the gRPC listener, over mTLS: safeguard.v1.ServerInfo,
// safeguard.v1.Referrals and safeguard.v1.Audit (each handler handing its
// call to the API), the standard health service and, when configured,
// server reflection. Its limits: request and response sizes, concurrent
// streams, keepalive, idle and connection age, and gRPC's memory.
//
// Owns the gRPC server and its services; does not own `api`, which must
// outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_APP_GRPC_FRONT_H_
#define SAFEGUARD_SERVER_APP_GRPC_FRONT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "server/api/api_methods.h"
#include "grpcpp/security/server_credentials.h"
#include "server/app/tls_files.h"
#include "server/config/server_config.h"
#include "server/rpc/audit_rpc.h"
#include "server/rpc/meetings_rpc.h"
#include "server/rpc/people_rpc.h"
#include "server/rpc/reports_rpc.h"
#include "server/rpc/referrals_rpc.h"
#include "server/rpc/server_info_rpc.h"

namespace safeguard {

class GrpcFront {
 public:
  // `credentials`: MakeServerCredentials() (tls_files.h).
  static absl::StatusOr<std::unique_ptr<GrpcFront>> Start(
      const ServerConfig& config,
      std::shared_ptr<grpc::ServerCredentials> credentials,
      const ApiMethods& api);

  // The port it listens on (the chosen one when configured with 0).
  int port() const { return port_; }
  // What the health service says.
  void SetServing(bool serving);
  // Cancels whatever is still running and closes every connection at once;
  // returns once every handler has finished.
  void Stop();

 private:
  explicit GrpcFront(const ApiMethods& api)
      : info_(api),
        referrals_(api),
        meetings_(api),
        people_(api),
        reports_(api),
        audit_(api) {}

  ServerInfoRpc info_;
  ReferralsRpc referrals_;
  MeetingsRpc meetings_;
  PeopleRpc people_;
  ReportsRpc reports_;
  AuditRpc audit_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_GRPC_FRONT_H_
