// The overview: every kind's referrals received (by agency type, area and
// month), open at the period's end, outcomes reached, time to each
// decision, and deadlines met.
#include <map>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/reports/report_sections.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

constexpr ReferralKind kKinds[] = {ReferralKind::kNrm, ReferralKind::kChannel,
                                   ReferralKind::kMarac,
                                   ReferralKind::kTargetHardening};

int KindColumn(ReferralKind kind) {
  for (int i = 0; i < 4; ++i) {
    if (kKinds[i] == kind) return i;
  }
  return -1;
}

std::vector<std::string> KindLabels() {
  return {"NRM", "Channel", "MARAC", "Target hardening"};
}

// The outcomes and decisions each kind reaches (workflow rules in
// server/core/kinds/), as the outcomes table lists them.
struct Outcome {
  ReferralKind kind;
  absl::string_view state;
  absl::string_view label;
};
constexpr Outcome kOutcomes[] = {
    {ReferralKind::kNrm, "RG_POSITIVE", "NRM: positive reasonable grounds"},
    {ReferralKind::kNrm, "RG_NEGATIVE", "NRM: negative reasonable grounds"},
    {ReferralKind::kNrm, "CG_POSITIVE", "NRM: positive conclusive grounds"},
    {ReferralKind::kNrm, "CG_NEGATIVE", "NRM: negative conclusive grounds"},
    {ReferralKind::kNrm, "WITHDRAWN", "NRM: withdrawn"},
    {ReferralKind::kNrm, "CONSENT_WITHDRAWN", "NRM: consent withdrawn"},
    {ReferralKind::kNrm, "DISQUALIFIED_PUBLIC_ORDER",
     "NRM: disqualified on public order grounds"},
    {ReferralKind::kChannel, "NFA", "Channel: gateway, no further action"},
    {ReferralKind::kChannel, "SIGNPOSTED", "Channel: gateway, signposted"},
    {ReferralKind::kChannel, "PCM", "Channel: gateway, Prevent case management"},
    {ReferralKind::kChannel, "INFO_GATHERING",
     "Channel: gateway, information gathering"},
    {ReferralKind::kChannel, "ADOPTED", "Channel: adopted by the panel"},
    {ReferralKind::kChannel, "NOT_ADOPTED", "Channel: not adopted"},
    {ReferralKind::kChannel, "DECLINED", "Channel: support declined"},
    {ReferralKind::kChannel, "CONSENT_WITHDRAWN", "Channel: consent withdrawn"},
    {ReferralKind::kChannel, "EXITED", "Channel: exited"},
    {ReferralKind::kChannel, "CLOSED", "Channel: closed"},
    {ReferralKind::kMarac, "HEARD", "MARAC: heard"},
    {ReferralKind::kMarac, "RETURNED", "MARAC: returned to the referrer"},
    {ReferralKind::kMarac, "TRANSFERRED", "MARAC: transferred"},
    {ReferralKind::kMarac, "WITHDRAWN", "MARAC: withdrawn"},
    {ReferralKind::kMarac, "CLOSED", "MARAC: closed"},
    {ReferralKind::kTargetHardening, "ACCEPTED", "Target hardening: accepted"},
    {ReferralKind::kTargetHardening, "DECLINED", "Target hardening: declined"},
    {ReferralKind::kTargetHardening, "INSTALLED",
     "Target hardening: measures installed"},
    {ReferralKind::kTargetHardening, "CANCELLED", "Target hardening: cancelled"},
    {ReferralKind::kTargetHardening, "CONSENT_WITHDRAWN",
     "Target hardening: consent withdrawn"},
    {ReferralKind::kTargetHardening, "CLOSED", "Target hardening: closed"},
};

struct Decision {
  ReferralKind kind;
  std::string label;
  std::vector<StateCode> states;
};
StateCode S(absl::string_view state) { return ReportStateCode(state); }

// Decisions()'s rows, in order.
enum DecisionRow {
  kRgDecision, kCgDecision, kGatewayDecision, kPanelDecision, kHeardDecision,
  kEligibilityDecision, kInstalledDecision
};

const std::vector<Decision>& Decisions() {
  static const auto* const decisions = new std::vector<Decision>{
      {ReferralKind::kNrm, "NRM: reasonable-grounds decision",
       {S("RG_POSITIVE"), S("RG_NEGATIVE")}},
      {ReferralKind::kNrm, "NRM: conclusive-grounds decision",
       {S("CG_POSITIVE"), S("CG_NEGATIVE")}},
      {ReferralKind::kChannel, "Channel: gateway assessment",
       {S("NFA"), S("SIGNPOSTED"), S("PCM"), S("INFO_GATHERING")}},
      {ReferralKind::kChannel, "Channel: panel decision",
       {S("ADOPTED"), S("NOT_ADOPTED")}},
      {ReferralKind::kMarac, "MARAC: heard", {S("HEARD")}},
      {ReferralKind::kTargetHardening, "Target hardening: eligibility decision",
       {S("ACCEPTED"), S("DECLINED")}},
      {ReferralKind::kTargetHardening, "Target hardening: measures installed",
       {S("INSTALLED")}},
  };
  return *decisions;
}

// The three deadlines the overview counts, in its rows' order.
enum DeadlineRow { kGateway, kReasonableGrounds, kService, kDeadlineRows };

class OverviewSection final : public ReportSection {
 public:
  explicit OverviewSection(const ReportScope& scope)
      : scope_(scope),
        by_type_(scope.AgencyTypes(), KindLabels()),
        by_month_(MonthLabels(scope), KindLabels()),
        open_(KindLabels(), {"Open"}),
        outcomes_(OutcomeLabels(), {"Reached in the period"}),
        days_(Decisions().size()),
        outcome_codes_(OutcomeCodes()),
        met_(kDeadlineRows, 0),
        due_(kDeadlineRows, 0) {
    for (const std::string& a : scope.areas) {
      if (scope.area.empty() || a == scope.area) by_area_[a].fill(0);
    }
  }

  void Add(const ReportFacts& f) override {
    const int kind = KindColumn(f.kind);
    if (kind < 0) return;
    if (scope_.InPeriod(f.received)) {
      by_type_.Add(scope_.AgencyTypeIndex(f.referring_agency), kind);
      auto& area = by_area_[f.area];
      area[kind] += 1;
      const absl::CivilMonth month = absl::ToCivilMonth(f.received, scope_.zone);
      by_month_.Add(static_cast<int>(month - scope_.first_month), kind);
    }
    if (f.received < scope_.end && f.ended >= scope_.end) open_.Add(kind, 0);
    for (size_t i = 0; i < std::size(kOutcomes); ++i) {
      if (kOutcomes[i].kind == f.kind &&
          scope_.InPeriod(f.Reached(outcome_codes_[i]))) {
        outcomes_.Add(static_cast<int>(i), 0);
      }
    }
    const std::vector<Decision>& decisions = Decisions();
    for (size_t i = 0; i < decisions.size(); ++i) {
      if (decisions[i].kind != f.kind) continue;
      const absl::Time at = f.FirstOf(decisions[i].states).first;
      if (scope_.InPeriod(at)) days_[i].push_back(DaysBetween(f.received, at));
    }
    AddDeadlines(f);
  }

  absl::StatusOr<std::vector<ReportTable>> Finish(
      const FigureRules& rules) override {
    std::vector<ReportTable> out;

    by_month_.row_totals = by_month_.column_totals = true;
    out.push_back({"received_by_month", "Referrals received by month", "Month"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(by_month_, rules, out.back()));
    out.back().chart = "line";

    by_type_.row_totals = by_type_.column_totals = true;
    out.push_back({"received_by_agency_type",
                   "Referrals received by referring agency type",
                   "Referring agency type"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(by_type_, rules, out.back()));

    std::vector<std::string> areas;
    for (const auto& [area, counts] : by_area_) areas.push_back(area);
    CountGrid by_area(areas, KindLabels());
    for (size_t r = 0; r < areas.size(); ++r) {
      for (int k = 0; k < 4; ++k) by_area.counts[r][k] = by_area_[areas[r]][k];
    }
    by_area.row_totals = by_area.column_totals = true;
    out.push_back({"received_by_area", "Referrals received by area", "Area"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(by_area, rules, out.back()));

    open_.column_totals = true;
    out.push_back({"open_at_end", "Referrals open at the period's end", "Kind"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(open_, rules, out.back()));
    out.back().note =
        "Received by the end of the period and not then in an end state.";

    out.push_back({"outcomes", "Outcomes reached in the period", "Outcome"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(outcomes_, rules, out.back()));
    out.back().note =
        "Each referral counted once for each outcome it first reached in "
        "the period, whenever it was received.";
    out.back().chart = "bar";

    ReportTable days{"time_to_decision",
                     "Time from referral to each decision", "Decision"};
    days.columns = StatColumns();
    for (size_t i = 0; i < Decisions().size(); ++i) {
      days.rows.push_back(
          StatRow(Decisions()[i].label, std::move(days_[i]), rules));
    }
    days.note =
        "Calendar days from receipt to the decision, for decisions made in "
        "the period; the median, and the 90th percentile by nearest rank.";
    out.push_back(std::move(days));

    CountGrid deadlines(DeadlineLabels(), {"Met", "Missed"});
    std::vector<int64_t> totals(kDeadlineRows);
    for (int r = 0; r < kDeadlineRows; ++r) {
      deadlines.counts[r] = {met_[r], due_[r] - met_[r]};
      totals[r] = due_[r];
    }
    deadlines.row_totals = true;
    out.push_back({"deadlines_met", "Deadlines met", "Deadline"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(deadlines, rules, out.back()));
    AddShareColumn("Share met", met_, totals, 0, 2, rules, out.back());
    out.back().note =
        "Decisions made in the period, each against its deadline counted "
        "from receipt: working days skip weekends and bank holidays.";
    out.back().chart = "bar";
    return out;
  }

 private:
  static std::vector<std::string> MonthLabels(const ReportScope& scope) {
    std::vector<std::string> out;
    for (absl::CivilMonth m = scope.first_month; m <= scope.last_month; ++m) {
      out.push_back(absl::FormatCivilTime(m).substr(0, 7));
    }
    return out;
  }
  static std::vector<StateCode> OutcomeCodes() {
    std::vector<StateCode> out;
    for (const Outcome& o : kOutcomes) out.push_back(ReportStateCode(o.state));
    return out;
  }
  static std::vector<std::string> OutcomeLabels() {
    std::vector<std::string> out;
    for (const Outcome& o : kOutcomes) out.emplace_back(o.label);
    return out;
  }
  std::vector<std::string> DeadlineLabels() const {
    const WorkflowConfig& w = *scope_.workflow;
    return {absl::StrFormat("Channel gateway assessment within %d working days",
                            w.gateway_working_days),
            absl::StrFormat(
                "NRM reasonable-grounds decision within %d working days",
                w.rg_decision_working_days),
            "Target hardening measures installed within the scheme's hours"};
  }

  // `deadline()` is worked out only for a decision made in the period.
  template <typename Deadline>
  void Count(DeadlineRow row, absl::Time decided, Deadline deadline) {
    if (!scope_.InPeriod(decided)) return;
    due_[row] += 1;
    if (decided <= deadline()) met_[row] += 1;
  }

  // The end of the n-th working day after the day `received` falls on,
  // worked out once a day.
  absl::Time WorkingDays(absl::Time received, int n) {
    const absl::CivilDay day = absl::ToCivilDay(received, scope_.zone);
    auto [it, added] = working_days_.try_emplace({day, n});
    if (added) {
      it->second = WorkingDaysDeadline(*scope_.calendar, received, n,
                                       scope_.zone);
    }
    return it->second;
  }

  void AddDeadlines(const ReportFacts& f) {
    const WorkflowConfig& w = *scope_.workflow;
    switch (f.kind) {
      case ReferralKind::kChannel:
        Count(kGateway,
              f.FirstOf(Decisions()[kGatewayDecision].states).first,
              [&] { return WorkingDays(f.received, w.gateway_working_days); });
        break;
      case ReferralKind::kNrm:
        Count(kReasonableGrounds,
              f.FirstOf(Decisions()[kRgDecision].states).first, [&] {
                return WorkingDays(f.received, w.rg_decision_working_days);
              });
        break;
      case ReferralKind::kTargetHardening: {
        auto it = w.service_hours_by_scheme.find(f.scheme);
        const int hours = it != w.service_hours_by_scheme.end()
                              ? it->second
                              : w.default_service_hours;
        Count(kService, f.FirstOf(Decisions()[kInstalledDecision].states).first,
              [&] { return HoursDeadline(f.received, hours); });
        break;
      }
      default:
        break;
    }
  }

  const ReportScope& scope_;
  CountGrid by_type_;
  std::map<std::string, std::array<int64_t, 4>> by_area_;
  CountGrid by_month_;
  CountGrid open_;
  CountGrid outcomes_;
  std::vector<std::vector<double>> days_;
  const std::vector<StateCode> outcome_codes_;  // kOutcomes' states
  std::vector<int64_t> met_;
  std::vector<int64_t> due_;
  std::map<std::pair<absl::CivilDay, int>, absl::Time> working_days_;
};

}  // namespace

std::unique_ptr<ReportSection> MakeOverviewSection(const ReportScope& scope) {
  return std::make_unique<OverviewSection>(scope);
}

}  // namespace safeguard
