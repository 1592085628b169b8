// File: server/rpc/server_info_rpc.h
//
// ServerInfoRpc: the safeguard.v1.ServerInfo adapter: the caller's identity
// from the peer, the domain call on the worker pool (it writes to the
// database), the result converted. Does not own the service or the runner;
// both must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_
#define SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_

#include <string>

#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/core/server_info_service.h"
#include "server/rpc/call_runner.h"

namespace safeguard {

class ServerInfoRpc final : public v1::ServerInfo::CallbackService {
 public:
  ServerInfoRpc(ServerInfoService& service, CallRunner& runner)
      : service_(service), runner_(runner) {}

  grpc::ServerUnaryReactor* GetServerInfo(
      grpc::CallbackServerContext* context,
      const v1::GetServerInfoRequest* request,
      v1::GetServerInfoResponse* response) override;

 private:
  ServerInfoService& service_;
  CallRunner& runner_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_
