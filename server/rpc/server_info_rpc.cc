#include "server/rpc/server_info_rpc.h"

namespace safeguard {

grpc::ServerUnaryReactor* ServerInfoRpc::GetServerInfo(
    grpc::CallbackServerContext* context,
    const v1::GetServerInfoRequest* request,
    v1::GetServerInfoResponse* response) {
  return runner_.Unary(
      context, "safeguard.v1.ServerInfo/GetServerInfo", *request, response,
      [this, response](ResolvedCall& call, AuditRecord&) -> absl::Status {
        absl::StatusOr<ServerInfo> info =
            service_.GetServerInfo(call.context.identity);
        if (!info.ok()) return info.status();
        response->set_server_version(info->server_version);
        response->set_schema_version(info->schema_version);
        v1::CallerIdentity* out = response->mutable_caller();
        out->set_agency(info->caller.agency);
        out->set_principal(info->caller.principal);
        out->set_certificate_sha256(info->caller.certificate_sha256);
        return absl::OkStatus();
      });
}

}  // namespace safeguard
