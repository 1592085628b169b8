// File: server/rpc/audit_rpc.h
//
// AuditRpc: the safeguard.v1.Audit adapter. Auditors list, verify and
// export the audit log; leads see the access log of referrals in their
// scope; an auditor's break-glass read returns one referral in full for a
// written reason, marked in the log. Every call is itself audited.
//
// Does not own its collaborators; all must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_
#define SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_

#include <string>

#include "absl/synchronization/mutex.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "server/audit/audit_format.h"
#include "server/audit/audit_reader.h"
#include "server/core/referral_service.h"
#include "server/rpc/call_runner.h"

namespace safeguard {

class AuditRpc final : public v1::Audit::CallbackService {
 public:
  AuditRpc(AuditReader& reader, const AuditPublicKey& key,
           std::string checkpoint_file, ReferralService& referrals,
           CallRunner& runner)
      : reader_(reader),
        key_(key),
        checkpoint_file_(std::move(checkpoint_file)),
        referrals_(referrals),
        runner_(runner) {}

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

  // Recomputes the chain and checks the checkpoint file.
  absl::StatusOr<v1::VerifyAuditLogResponse> Verify();

 private:
  absl::Status ListPage(const v1::AuditFilter& filter, int32_t page_size,
                        const std::string& page_token,
                        v1::ListAuditEntriesResponse* response);

  AuditReader& reader_;
  const AuditPublicKey& key_;
  const std::string checkpoint_file_;
  ReferralService& referrals_;
  CallRunner& runner_;
  absl::Mutex verify_mu_;  // held for a whole verification
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_
