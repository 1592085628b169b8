#include "server/api/server_info_api.h"

#include "safeguard/v1/server_info.pb.h"

namespace safeguard {

ApiMethod ServerInfoMethod(AccessGate& gate, ServerInfoService& service) {
  return MakeUnary<v1::GetServerInfoRequest, v1::GetServerInfoResponse>(
      gate,
      v1::GetServerInfoRequest::descriptor()
          ->file()
          ->FindServiceByName("ServerInfo")
          ->FindMethodByName("GetServerInfo"),
      [&service](ResolvedCall& call, AuditRecord&, const auto&,
                 v1::GetServerInfoResponse* response) -> absl::Status {
        absl::StatusOr<ServerInfo> info =
            service.GetServerInfo(call.context.identity);
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
