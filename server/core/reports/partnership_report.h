// File: server/core/reports/partnership_report.h
//
// The partnership's reports: their definitions (which tables each holds)
// and ReportService, which counts a period's figures from the stored
// ReportFacts (report_source.h) in one pass and decides each figure under
// the policy's small-number rules (report_table.h, suppression.h).
//
// What is counted, for a period of whole days in the partnership's time
// zone (both days included) and optionally one area:
//   * received: referrals created in the period;
//   * reached: a state first reached in the period (an outcome or a
//     decision), whenever the referral was received;
//   * open at the period's end: received by then and not yet in an end
//     state then (report_facts.h says which states end a referral);
//   * time to a decision: calendar days from receipt to the decision, for
//     decisions made in the period;
//   * deadlines met: a decision made in the period by its deadline counted
//     from receipt (working days from the holiday calendar, or the
//     scheme's hours), as the workflow sets it.
//
// ReportService does not own its collaborators; all must outlive it.
// Thread-safe.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_PARTNERSHIP_REPORT_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_PARTNERSHIP_REPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/core/clock.h"
#include "server/core/referral_service.h"
#include "server/core/reports/report_source.h"
#include "server/core/reports/report_table.h"
#include "server/core/working_days.h"

namespace safeguard {

struct ReportDefinition {
  std::string id;  // "full"; the API's name is "reports/<id>"
  std::string title;
  std::string description;
  std::vector<std::string> tables;  // ReportTable ids, in order
  // The only kind its tables count (kUnspecified: every kind).
  ReferralKind kind = ReferralKind::kUnspecified;
};

absl::Span<const ReportDefinition> ReportDefinitions();
// Null if there is no definition `id`.
const ReportDefinition* FindReportDefinition(absl::string_view id);

struct ReportSpec {
  std::string definition;
  absl::CivilDay start;  // both days included
  absl::CivilDay end;
  std::string area;  // "" for the whole partnership
  bool suppress = true;
};

struct BuiltReport {
  const ReportDefinition* definition = nullptr;
  ReportSpec spec;
  SuppressionPolicy policy;
  absl::Time create_time = absl::InfinitePast();
  std::vector<ReportTable> tables;
};

// The longest period a report covers: five years.
inline constexpr int kMaxReportDays = 5 * 366;

class ReportService {
 public:
  ReportService(ReportSource& source, const HolidayCalendar& calendar,
                absl::TimeZone zone, const Clock& clock)
      : source_(source), calendar_(calendar), zone_(zone), clock_(clock) {}

  // kInvalidArgument naming the field ("report", "end_date", "area") for a
  // definition there is none of, a period that ends before it starts or is
  // longer than kMaxReportDays, or an area the partnership does not have.
  // Otherwise the report, or the source's error.
  absl::StatusOr<BuiltReport> Run(const ReportSpec& spec,
                                  const Partnership& partnership) const;

 private:
  ReportSource& source_;
  const HolidayCalendar& calendar_;
  absl::TimeZone zone_;
  const Clock& clock_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_PARTNERSHIP_REPORT_H_
