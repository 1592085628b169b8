#include "server/rpc/server_info_rpc.h"

#include "server/rpc/grpc_adapter.h"

namespace safeguard {

grpc::ServerUnaryReactor* ServerInfoRpc::GetServerInfo(
    grpc::CallbackServerContext* context,
    const v1::GetServerInfoRequest* request,
    v1::GetServerInfoResponse* response) {
  return ServeUnary(context, api_.Get("safeguard.v1.ServerInfo/GetServerInfo"),
                    *request, response);
}

}  // namespace safeguard
