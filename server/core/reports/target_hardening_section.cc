// Target hardening: jobs referred and completed, measures installed by
// type, and the reviews at 3 and 6 months.
#include "server/core/reports/report_sections.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

// SecurityMeasure's numbers 1..11, in order.
const std::vector<std::string>& MeasureLabels() {
  static const auto* const labels = new std::vector<std::string>{
      "Locks", "Door reinforcement", "Alarm", "Property marking",
      "Video doorbell", "CCTV", "Lighting", "Fencing", "Safe room",
      "Letterbox plate", "Smoke alarms"};
  return *labels;
}

const StateCode kInstalled = ReportStateCode("INSTALLED");
const StateCode kReview3m = ReportStateCode("REVIEW_3M");
const StateCode kReview6m = ReportStateCode("REVIEW_6M");

enum JobRow { kReferred, kCompleted, kReview3, kReview6, kJobRows };

class TargetHardeningSection final : public ReportSection {
 public:
  explicit TargetHardeningSection(const ReportScope& scope)
      : scope_(scope),
        jobs_({"Jobs referred", "Jobs completed (measures installed)",
               "3-month reviews done", "6-month reviews done"},
              {"Jobs"}),
        measures_(MeasureLabels(), {"Jobs installing it"}) {}

  void Add(const ReportFacts& f) override {
    if (f.kind != ReferralKind::kTargetHardening) return;
    if (scope_.InPeriod(f.received)) jobs_.Add(kReferred, 0);
    if (scope_.InPeriod(f.Reached(kReview3m))) jobs_.Add(kReview3, 0);
    if (scope_.InPeriod(f.Reached(kReview6m))) jobs_.Add(kReview6, 0);
    if (!scope_.InPeriod(f.Reached(kInstalled))) return;
    jobs_.Add(kCompleted, 0);
    for (size_t m = 0; m < MeasureLabels().size(); ++m) {
      if ((f.measures_installed & (uint32_t{1} << (m + 1))) != 0) {
        measures_.Add(static_cast<int>(m), 0);
      }
    }
  }

  absl::StatusOr<std::vector<ReportTable>> Finish(
      const FigureRules& rules) override {
    std::vector<ReportTable> out;
    out.push_back({"th_jobs", "Target-hardening jobs", "Stage"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(jobs_, rules, out.back()));
    out.back().note =
        "Referred in the period; completed and reviewed first in the "
        "period, whenever referred. The share completed within the "
        "scheme's hours is in the deadlines table.";
    out.push_back({"th_measures", "Measures installed by type", "Measure"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(measures_, rules, out.back()));
    out.back().note = "A job installing several measures counts for each.";
    out.back().chart = "bar";
    return out;
  }

 private:
  const ReportScope& scope_;
  CountGrid jobs_;
  CountGrid measures_;
};

}  // namespace

std::unique_ptr<ReportSection> MakeTargetHardeningSection(
    const ReportScope& scope) {
  return std::make_unique<TargetHardeningSection>(scope);
}

}  // namespace safeguard
