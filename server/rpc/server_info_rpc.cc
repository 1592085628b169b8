#include "server/rpc/server_info_rpc.h"

#include "server/rpc/peer_identity.h"
#include "server/rpc/status_convert.h"

namespace safeguard {

grpc::ServerUnaryReactor* ServerInfoRpc::GetServerInfo(
    grpc::CallbackServerContext* context,
    const v1::GetServerInfoRequest* request,
    v1::GetServerInfoResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!gate_.TryEnter()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                 "the server is shutting down"));
    return reactor;
  }
  absl::StatusOr<CallerIdentity> caller =
      IdentityFromAuthContext(*context->auth_context(), trust_domain_);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    gate_.Exit();
    return reactor;
  }
  pool_.Schedule([this, reactor, response, caller = *std::move(caller)] {
    absl::StatusOr<ServerInfo> info = service_.GetServerInfo(caller);
    if (info.ok()) {
      response->set_server_version(info->server_version);
      response->set_schema_version(info->schema_version);
      v1::CallerIdentity* out = response->mutable_caller();
      out->set_agency(info->caller.agency);
      out->set_principal(info->caller.principal);
      out->set_certificate_sha256(info->caller.certificate_sha256);
    }
    reactor->Finish(ToGrpcStatus(info.status()));
    gate_.Exit();
  });
  return reactor;
}

}  // namespace safeguard
