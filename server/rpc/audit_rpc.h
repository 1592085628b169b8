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

#include "safeguard/v1/audit.grpc.pb.h"
#include "server/audit/audit_format.h"
#include "server/audit/audit_reader.h"
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/core/referral_service.h"
#include "server/policy/policy.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/worker_pool.h"

namespace safeguard {

class AuditRpc final : public v1::Audit::CallbackService {
 public:
  AuditRpc(AuditLog& audit, AuditReader& reader, const AuditPublicKey& key,
           std::string checkpoint_file, ReferralService& referrals,
           const PolicyHolder& policies, const Clock& clock, CallGate& gate,
           WorkerPool& pool, std::string trust_domain)
      : audit_(audit),
        reader_(reader),
        key_(key),
        checkpoint_file_(std::move(checkpoint_file)),
        referrals_(referrals),
        policies_(policies),
        clock_(clock),
        gate_(gate),
        pool_(pool),
        trust_domain_(std::move(trust_domain)) {}

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
  template <typename Work>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context,
                                  const char* method,
                                  google::protobuf::Message* response,
                                  Work work);
  absl::Status ListPage(const v1::AuditFilter& filter, int32_t page_size,
                        const std::string& page_token,
                        v1::ListAuditEntriesResponse* response);

  AuditLog& audit_;
  AuditReader& reader_;
  const AuditPublicKey& key_;
  const std::string checkpoint_file_;
  ReferralService& referrals_;
  const PolicyHolder& policies_;
  const Clock& clock_;
  CallGate& gate_;
  WorkerPool& pool_;
  const std::string trust_domain_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_AUDIT_RPC_H_
