#include "server/rpc/server_info_rpc.h"

#include "server/rpc/audited_call.h"
#include "server/rpc/call_context.h"
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
  const char* method = "safeguard.v1.ServerInfo/GetServerInfo";
  const absl::Time now = clock_.Now();
  absl::StatusOr<ResolvedCall> call =
      ResolveCall(*context, policies_, trust_domain_, method, now);
  AuditRecord audit =
      call.ok() ? BaseAuditRecord(*context, &call->context.identity, method,
                                  call->rule, call->context.roles, now)
                : BaseAuditRecord(*context, nullptr, method, "default-deny",
                                  RoleSet(), now);
  pool_.Schedule([this, reactor, response, call = std::move(call),
                  audit = std::move(audit)]() mutable {
    absl::StatusOr<ServerInfo> info =
        call.ok() ? service_.GetServerInfo(call->context.identity)
                  : absl::StatusOr<ServerInfo>(call.status());
    if (info.ok()) {
      response->set_server_version(info->server_version);
      response->set_schema_version(info->schema_version);
      v1::CallerIdentity* out = response->mutable_caller();
      out->set_agency(info->caller.agency);
      out->set_principal(info->caller.principal);
      out->set_certificate_sha256(info->caller.certificate_sha256);
    }
    reactor->Finish(
        ToGrpcStatus(FinishAudited(audit_, audit, info.status(), response)));
    gate_.Exit();
  });
  return reactor;
}

}  // namespace safeguard
