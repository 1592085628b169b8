// File: server/api/audit_api.h
//
// AuditApi: the safeguard.v1.Audit methods, whatever the transport.
// Auditors list, verify and export the audit log; leads see the access log
// of referrals in their scope; an auditor's break-glass read returns one
// referral in full for a written reason, marked in the log. Every call is
// itself audited (by the AccessGate).
//
// Does not own its collaborators; all must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_API_AUDIT_API_H_
#define SAFEGUARD_SERVER_API_AUDIT_API_H_

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "safeguard/v1/audit.pb.h"
#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/audit/audit_format.h"
#include "server/audit/audit_reader.h"
#include "server/core/referral_service.h"

namespace safeguard {

class AuditApi {
 public:
  AuditApi(AuditReader& reader, const AuditPublicKey& key,
           std::string checkpoint_file, ReferralService& referrals,
           AccessGate& gate)
      : reader_(reader),
        key_(key),
        checkpoint_file_(std::move(checkpoint_file)),
        referrals_(referrals),
        gate_(gate) {}

  // One per method of safeguard.v1.Audit.
  std::vector<ApiMethod> Methods();

  // Recomputes the chain and checks the checkpoint file.
  absl::StatusOr<v1::VerifyAuditLogResponse> Verify();

 private:
  absl::Status ListPage(const v1::AuditFilter& filter, int32_t page_size,
                        const std::string& page_token,
                        v1::ListAuditEntriesResponse* response);
  absl::Status GetAccessLog(ResolvedCall& call, AuditRecord& audit,
                            const v1::GetAccessLogRequest& request,
                            v1::ListAuditEntriesResponse* response);
  absl::Status BreakGlass(ResolvedCall& call, AuditRecord& audit,
                          const v1::BreakGlassRequest& request,
                          v1::Referral* response);

  AuditReader& reader_;
  const AuditPublicKey& key_;
  const std::string checkpoint_file_;
  ReferralService& referrals_;
  AccessGate& gate_;
  absl::Mutex verify_mu_;  // held for a whole verification
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_AUDIT_API_H_
