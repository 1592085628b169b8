#include "server/core/reports/partnership_report.h"

#include <map>
#include <memory>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/field_violations.h"
#include "server/core/reports/report_sections.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

const std::vector<ReportDefinition>& Definitions() {
  static const auto* const defs = new std::vector<ReportDefinition>{
      {"full", "Annual report",
       "Every table: referrals of every kind, outcomes, timeliness, and "
       "each kind's own figures.",
       AllTableIds(), ReferralKind::kUnspecified},
      {"overview", "Referrals, outcomes and timeliness",
       "Referrals received by agency type, area and month; open at the "
       "period's end; outcomes; time to each decision; deadlines met.",
       OverviewTableIds(), ReferralKind::kUnspecified},
      {"marac", "MARAC data return",
       "Cases heard, repeats, cases per 10,000 adult women, referrals from "
       "agencies other than the police, children, and the victims' "
       "characteristics where recorded.",
       KindTableIds(ReferralKind::kMarac), ReferralKind::kMarac},
      {"nrm", "Modern slavery (NRM and Duty to Notify)",
       "Referrals and Duty to Notify reports, adult or child, exploitation "
       "type, nationality, and reasonable- and conclusive-grounds "
       "decisions.",
       KindTableIds(ReferralKind::kNrm), ReferralKind::kNrm},
      {"channel", "Channel and Prevent",
       "Gateway outcomes, and referrals by route: discussed at panel, "
       "adopted, exited.",
       KindTableIds(ReferralKind::kChannel), ReferralKind::kChannel},
      {"target-hardening", "Target hardening",
       "Jobs referred and completed, measures installed by type, and the "
       "reviews at 3 and 6 months.",
       KindTableIds(ReferralKind::kTargetHardening),
       ReferralKind::kTargetHardening},
  };
  return *defs;
}

}  // namespace

absl::Span<const ReportDefinition> ReportDefinitions() { return Definitions(); }

const ReportDefinition* FindReportDefinition(absl::string_view id) {
  for (const ReportDefinition& d : Definitions()) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

absl::StatusOr<BuiltReport> ReportService::Run(
    const ReportSpec& spec, const Partnership& partnership) const {
  std::vector<FieldViolation> bad;
  const ReportDefinition* definition = FindReportDefinition(spec.definition);
  if (definition == nullptr) {
    bad.push_back({"report", "is not a report: ListReportDefinitions names them"});
  }
  if (spec.end < spec.start) {
    bad.push_back({"end_date", "must not be before start_date"});
  } else if (spec.end - spec.start >= kMaxReportDays) {
    bad.push_back({"end_date", "must be within 5 years of start_date"});
  }
  if (!spec.area.empty() &&
      !absl::c_linear_search(partnership.areas, spec.area)) {
    bad.push_back({"area", "is not one of the partnership's areas"});
  }
  if (!bad.empty()) return InvalidArgumentWithViolations(bad);

  const ReportsConfig& config = partnership.reports;
  ReportScope scope;
  scope.start = absl::FromCivil(absl::CivilSecond(spec.start), zone_);
  scope.end = absl::FromCivil(absl::CivilSecond(spec.end + 1), zone_);
  scope.first_month = absl::CivilMonth(spec.start);
  scope.last_month = absl::CivilMonth(spec.end);
  scope.area = spec.area;
  scope.areas = partnership.areas;
  scope.zone = zone_;
  scope.calendar = &calendar_;
  scope.workflow = &partnership.workflow;
  scope.config = &config;

  std::vector<std::unique_ptr<ReportSection>> sections = MakeSections(scope);
  FactsQuery query;
  query.start = scope.start;
  query.end = scope.end;
  query.kind = definition->kind;
  query.area = spec.area;
  SAFEGUARD_RETURN_IF_ERROR(
      source_.ForEachFacts(query, [&](const ReportFacts& facts) {
        for (const auto& s : sections) s->Add(facts);
      }));

  FigureRules rules;
  rules.suppress = spec.suppress;
  rules.policy = config.suppression;
  std::map<std::string, ReportTable> made;
  for (const auto& s : sections) {
    SAFEGUARD_ASSIGN_OR_RETURN(std::vector<ReportTable> tables,
                               s->Finish(rules));
    for (ReportTable& t : tables) made[t.id] = std::move(t);
  }
  BuiltReport out;
  out.definition = definition;
  out.spec = spec;
  out.policy = config.suppression;
  out.create_time = clock_.Now();
  for (const std::string& id : definition->tables) {
    auto it = made.find(id);
    if (it != made.end()) out.tables.push_back(std::move(it->second));
  }
  return out;
}

}  // namespace safeguard
