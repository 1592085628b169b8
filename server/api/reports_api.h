// File: server/api/reports_api.h
//
// ReportsApi: the safeguard.v1.Reports methods, whatever the transport.
// RunReport answers with small numbers suppressed; RunUnsuppressedReport,
// for the roles the policy names, with every figure, once the caller has
// written why (kept in the call's audit entry). Neither reads a referral:
// the figures come from the store's report facts (ReportService).
//
// Does not own its collaborators; all must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_API_REPORTS_API_H_
#define SAFEGUARD_SERVER_API_REPORTS_API_H_

#include <vector>

#include "safeguard/v1/reports.pb.h"
#include "server/access/access_gate.h"
#include "server/api/api_method.h"
#include "server/core/reports/partnership_report.h"

namespace safeguard {

class ReportsApi {
 public:
  ReportsApi(const ReportService& service, AccessGate& gate)
      : service_(service), gate_(gate) {}

  // One per method of safeguard.v1.Reports.
  std::vector<ApiMethod> Methods();

  absl::Status List(ResolvedCall& call, AuditRecord& audit,
                    const v1::ListReportDefinitionsRequest& request,
                    v1::ListReportDefinitionsResponse* response);
  absl::Status Run(ResolvedCall& call, AuditRecord& audit,
                   const v1::RunReportRequest& request, v1::Report* response);
  absl::Status RunUnsuppressed(ResolvedCall& call, AuditRecord& audit,
                               const v1::RunUnsuppressedReportRequest& request,
                               v1::Report* response);

 private:
  // Checks `request` (its fields under `prefix`), adding to `bad`; runs it
  // when nothing is.
  absl::Status RunChecked(ResolvedCall& call, const v1::RunReportRequest& request,
                          const std::string& prefix, bool suppress,
                          std::vector<FieldViolation> bad, v1::Report* response);

  const ReportService& service_;
  AccessGate& gate_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_REPORTS_API_H_
