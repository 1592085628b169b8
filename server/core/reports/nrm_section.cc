// NRM and Duty to Notify, as the Home Office publishes them: referrals
// received in the period by nature, age, exploitation type and
// nationality; reasonable- and conclusive-grounds decisions made in it.
#include <map>

#include "absl/strings/ascii.h"
#include "server/core/reports/report_sections.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

// Exploitation rows: each type (ExploitationType's numbers 1..5), then
// more than one, then not recorded.
constexpr int kExploitationTypes = 5;
enum { kMoreThanOne = kExploitationTypes, kNotRecorded, kExploitationRows };

int ExploitationRow(uint32_t bits) {
  int found = -1;
  for (int t = 1; t <= kExploitationTypes; ++t) {
    if ((bits & (uint32_t{1} << t)) == 0) continue;
    if (found >= 0) return kMoreThanOne;
    found = t - 1;
  }
  return found >= 0 ? found : kNotRecorded;
}

// A nationality as a row label: trimmed and capitalised as a reader writes
// it ("british" and "BRITISH " are "British").
std::string NationalityLabel(const std::string& recorded) {
  if (recorded.empty()) return "Not recorded";
  std::string out = absl::AsciiStrToLower(recorded);
  out[0] = absl::ascii_toupper(static_cast<unsigned char>(out[0]));
  return out;
}

const StateCode kRgPositive = ReportStateCode("RG_POSITIVE");
const StateCode kRgNegative = ReportStateCode("RG_NEGATIVE");
const StateCode kCgPositive = ReportStateCode("CG_POSITIVE");
const StateCode kCgNegative = ReportStateCode("CG_NEGATIVE");

class NrmSection final : public ReportSection {
 public:
  explicit NrmSection(const ReportScope& scope)
      : scope_(scope),
        referrals_({"NRM referrals", "Duty to Notify reports"},
                   {"Adult", "Child"}),
        exploitation_({"Sexual", "Labour", "Domestic servitude", "Criminal",
                       "Organ harvesting", "More than one type",
                       "Not recorded"},
                      {"Adult", "Child"}),
        decisions_({"Reasonable grounds", "Conclusive grounds"},
                   {"Positive", "Negative"}) {}

  void Add(const ReportFacts& f) override {
    if (f.kind != ReferralKind::kNrm) return;
    const int age = f.child ? 1 : 0;
    if (scope_.InPeriod(f.received)) {
      referrals_.Add(f.nature == NrmNature::kDutyToNotify ? 1 : 0, age);
      exploitation_.Add(ExploitationRow(f.exploitation), age);
      nationality_[NationalityLabel(f.nationality)][age] += 1;
    }
    const auto rg = f.FirstOf({kRgPositive, kRgNegative});
    if (scope_.InPeriod(rg.first)) {
      decisions_.Add(0, rg.second == kRgPositive ? 0 : 1);
    }
    const auto cg = f.FirstOf({kCgPositive, kCgNegative});
    if (scope_.InPeriod(cg.first)) {
      decisions_.Add(1, cg.second == kCgPositive ? 0 : 1);
    }
  }

  absl::StatusOr<std::vector<ReportTable>> Finish(
      const FigureRules& rules) override {
    std::vector<ReportTable> out;
    referrals_.row_totals = referrals_.column_totals = true;
    out.push_back({"nrm_referrals", "NRM referrals and Duty to Notify reports",
                   "Made as"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(referrals_, rules, out.back()));

    exploitation_.row_totals = exploitation_.column_totals = true;
    out.push_back({"nrm_exploitation", "Modern slavery by exploitation type",
                   "Exploitation type"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(exploitation_, rules, out.back()));
    out.back().chart = "bar";

    std::vector<std::string> labels;
    for (const auto& [label, counts] : nationality_) labels.push_back(label);
    CountGrid nationality(labels, {"Adult", "Child"});
    for (size_t r = 0; r < labels.size(); ++r) {
      nationality.counts[r] = {nationality_[labels[r]][0],
                               nationality_[labels[r]][1]};
    }
    if (labels.empty()) {
      nationality = CountGrid({"Not recorded"}, {"Adult", "Child"});
    }
    nationality.row_totals = nationality.column_totals = true;
    out.push_back({"nrm_nationality", "Modern slavery by nationality",
                   "Nationality"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(nationality, rules, out.back()));

    decisions_.row_totals = true;
    std::vector<int64_t> positive, all;
    for (int r = 0; r < 2; ++r) {
      positive.push_back(decisions_.counts[r][0]);
      all.push_back(decisions_.counts[r][0] + decisions_.counts[r][1]);
    }
    out.push_back({"nrm_decisions", "Reasonable- and conclusive-grounds "
                                    "decisions", "Decision"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(decisions_, rules, out.back()));
    AddShareColumn("Share positive", positive, all, 0, 2, rules, out.back());
    out.back().note = "Decisions made in the period, the first of each kind.";
    return out;
  }

 private:
  const ReportScope& scope_;
  CountGrid referrals_;
  CountGrid exploitation_;
  std::map<std::string, std::array<int64_t, 2>> nationality_;
  CountGrid decisions_;
};

}  // namespace

std::unique_ptr<ReportSection> MakeNrmSection(const ReportScope& scope) {
  return std::make_unique<NrmSection>(scope);
}

}  // namespace safeguard
