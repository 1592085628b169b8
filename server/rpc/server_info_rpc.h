// File: server/rpc/server_info_rpc.h
//
// ServerInfoRpc: the safeguard.v1.ServerInfo service for gRPC, handing its
// call to the API's method through the gRPC adapter.
//
// Does not own `api`, which must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_
#define SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_

#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/api/api_methods.h"

namespace safeguard {

class ServerInfoRpc final : public v1::ServerInfo::CallbackService {
 public:
  explicit ServerInfoRpc(const ApiMethods& api) : api_(api) {}

  grpc::ServerUnaryReactor* GetServerInfo(
      grpc::CallbackServerContext* context,
      const v1::GetServerInfoRequest* request,
      v1::GetServerInfoResponse* response) override;

 private:
  const ApiMethods& api_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_
