// File: server/rpc/audit_rpc.h
//
// AuditRpc: the safeguard.v1.Audit service for gRPC. Each handler hands
// its call to the API's method (server/api/audit_api.h) through the gRPC
// adapter; nothing is decided here.
//
// Does not own `api`, which must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_
#define SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_

#include "safeguard/v1/audit.grpc.pb.h"
#include "server/api/api_methods.h"

namespace safeguard {

class AuditRpc final : public v1::Audit::CallbackService {
 public:
  explicit AuditRpc(const ApiMethods& api) : api_(api) {}

  grpc::ServerUnaryReactor* ListAuditEntries(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEntriesRequest* request,
      v1::ListAuditEntriesResponse* response) override;
  grpc::ServerUnaryReactor* GetAccessLog(
      grpc::CallbackServerContext* context,
      const v1::GetAccessLogRequest* request,
      v1::ListAuditEntriesResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAuditLog(
      grpc::CallbackServerContext* context,
      const v1::VerifyAuditLogRequest* request,
      v1::VerifyAuditLogResponse* response) override;
  grpc::ServerWriteReactor<v1::AuditExportItem>* ExportAuditLog(
      grpc::CallbackServerContext* context,
      const v1::ExportAuditLogRequest* request) override;
  grpc::ServerUnaryReactor* BreakGlass(grpc::CallbackServerContext* context,
                                       const v1::BreakGlassRequest* request,
                                       v1::Referral* response) override;

 private:
  const ApiMethods& api_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_
