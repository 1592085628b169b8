// File: server/core/reports/report_sections.h
//
// The parts of a report (partnership_report.h): each ReportSection counts
// what its tables need from every ReportFacts of the period, in one pass,
// then makes its tables under the figure rules. The overview covers every
// kind (overview_section.cc); each kind has its own section
// (marac_section.cc, nrm_section.cc, channel_section.cc,
// target_hardening_section.cc).
//
// A section, and the ReportScope of its report (which fills caches as it
// is read), are used by one thread; ReportScope's pointers are not owned
// and outlive the section.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_REPORT_SECTIONS_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_REPORT_SECTIONS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/core/reports/report_config.h"
#include "server/core/reports/report_facts.h"
#include "server/core/reports/report_table.h"
#include "server/core/workflow.h"
#include "server/core/working_days.h"

namespace safeguard {

// The period and what the sections count it with.
class ReportScope {
 public:
  absl::Time start;  // inclusive
  absl::Time end;    // exclusive
  absl::CivilMonth first_month;
  absl::CivilMonth last_month;
  std::string area;                // "" for all
  std::vector<std::string> areas;  // the partnership's
  absl::TimeZone zone;
  const HolidayCalendar* calendar = nullptr;
  const WorkflowConfig* workflow = nullptr;
  const ReportsConfig* config = nullptr;

  bool InPeriod(absl::Time t) const { return t >= start && t < end; }
  // The types of agency in the order tables list them (the policy's, then
  // "other"), and the index there of an agency's type ("other" when the
  // policy gives none), worked out once an agency.
  const std::vector<std::string>& AgencyTypes() const;
  int AgencyTypeIndex(const std::string& agency) const;

 private:
  // Filled on first use.
  mutable std::vector<std::string> types_;
  mutable absl::flat_hash_map<std::string, int> type_of_agency_;
};

class ReportSection {
 public:
  virtual ~ReportSection() = default;
  virtual void Add(const ReportFacts& facts) = 0;
  virtual absl::StatusOr<std::vector<ReportTable>> Finish(
      const FigureRules& rules) = 0;
};

// Every section, for `scope`.
std::vector<std::unique_ptr<ReportSection>> MakeSections(
    const ReportScope& scope);

std::unique_ptr<ReportSection> MakeOverviewSection(const ReportScope& scope);
std::unique_ptr<ReportSection> MakeMaracSection(const ReportScope& scope);
std::unique_ptr<ReportSection> MakeNrmSection(const ReportScope& scope);
std::unique_ptr<ReportSection> MakeChannelSection(const ReportScope& scope);
std::unique_ptr<ReportSection> MakeTargetHardeningSection(
    const ReportScope& scope);

// The table ids of the overview, of one kind's section, and of all.
std::vector<std::string> OverviewTableIds();
std::vector<std::string> KindTableIds(ReferralKind kind);
std::vector<std::string> AllTableIds();

// Days from `from` to `to`, as a fraction.
double DaysBetween(absl::Time from, absl::Time to);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_REPORT_SECTIONS_H_
