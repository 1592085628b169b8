#include "server/rpc/audit_rpc.h"

#include "server/rpc/grpc_adapter.h"

namespace safeguard {

#define SAFEGUARD_UNARY(Method, Request, Response)                       \
  grpc::ServerUnaryReactor* AuditRpc::Method(                            \
      grpc::CallbackServerContext* context, const Request* request,      \
      Response* response) {                                              \
    return ServeUnary(context, api_.Get("safeguard.v1.Audit/" #Method),  \
                      *request, response);                               \
  }

SAFEGUARD_UNARY(ListAuditEntries, v1::ListAuditEntriesRequest,
                v1::ListAuditEntriesResponse)
SAFEGUARD_UNARY(GetAccessLog, v1::GetAccessLogRequest,
                v1::ListAuditEntriesResponse)
SAFEGUARD_UNARY(VerifyAuditLog, v1::VerifyAuditLogRequest,
                v1::VerifyAuditLogResponse)
SAFEGUARD_UNARY(BreakGlass, v1::BreakGlassRequest, v1::Referral)
#undef SAFEGUARD_UNARY

grpc::ServerWriteReactor<v1::AuditExportItem>* AuditRpc::ExportAuditLog(
    grpc::CallbackServerContext* context,
    const v1::ExportAuditLogRequest* request) {
  return ServeStream<v1::AuditExportItem>(
      context, api_.Get("safeguard.v1.Audit/ExportAuditLog"), *request);
}

}  // namespace safeguard
