// MARAC: the SafeLives data return's figures, for the cases heard in the
// period (first reaching HEARD in it).
#include "absl/strings/str_cat.h"
#include "server/core/reports/report_sections.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

using V = VictimCharacteristics;

// One characteristic's table: its categories in enum order after
// "not recorded" (the enum's 0).
struct Characteristic {
  const char* id;
  const char* title;
  std::vector<std::string> labels;  // [0] is "Not recorded"
  int (*value)(const V&);
};

const std::vector<Characteristic>& Characteristics() {
  static const auto* const out = new std::vector<Characteristic>{
      {"marac_victim_age", "Victims' age",
       {"Not recorded", "16 to 17", "18 to 24", "25 to 34", "35 to 44",
        "45 to 54", "55 to 64", "65 or over"},
       [](const V& v) { return static_cast<int>(v.age_band); }},
      {"marac_victim_sex", "Victims' sex", {"Not recorded", "Female", "Male"},
       [](const V& v) { return static_cast<int>(v.sex); }},
      {"marac_victim_ethnicity", "Victims' ethnic group",
       {"Not recorded", "Asian", "Black", "Mixed", "White", "Other"},
       [](const V& v) { return static_cast<int>(v.ethnicity_group); }},
      {"marac_victim_disability", "Victims with a disability",
       {"Not recorded", "Yes", "No", "Prefer not to say"},
       [](const V& v) { return static_cast<int>(v.disability); }},
      {"marac_victim_lgbt", "Victims who are LGBT+",
       {"Not recorded", "Yes", "No", "Prefer not to say"},
       [](const V& v) { return static_cast<int>(v.lgbt); }},
  };
  return *out;
}

const StateCode kHeardState = ReportStateCode("HEARD");

enum CaseRow {
  kHeard, kRepeat, kNotPolice, kWithChildren, kChildren, kCaseRows
};

class MaracSection final : public ReportSection {
 public:
  explicit MaracSection(const ReportScope& scope)
      : scope_(scope),
        cases_({"Cases heard", "Repeat cases",
                "Referred by agencies other than the police",
                "Cases with children", "Children in the cases heard"},
               {"Number"}) {
    for (const Characteristic& c : Characteristics()) {
      victims_.emplace_back(c.labels, std::vector<std::string>{"Cases heard"});
    }
  }

  void Add(const ReportFacts& f) override {
    if (f.kind != ReferralKind::kMarac || !scope_.InPeriod(f.Reached(kHeardState))) {
      return;
    }
    cases_.Add(kHeard, 0);
    if (f.repeat) cases_.Add(kRepeat, 0);
    if (scope_.AgencyTypes()[scope_.AgencyTypeIndex(f.referring_agency)] !=
        "police") {
      cases_.Add(kNotPolice, 0);
    }
    if (f.children > 0) {
      cases_.Add(kWithChildren, 0);
      cases_.Add(kChildren, 0, f.children);
    }
    const std::vector<Characteristic>& all = Characteristics();
    for (size_t i = 0; i < all.size(); ++i) {
      const int v = all[i].value(f.victim);
      if (v >= 0 && v < static_cast<int>(all[i].labels.size())) {
        victims_[i].Add(v, 0);
      }
    }
  }

  absl::StatusOr<std::vector<ReportTable>> Finish(
      const FigureRules& rules) override {
    std::vector<ReportTable> out;
    out.push_back({"marac_cases", "MARAC cases heard", "Measure"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(cases_, rules, out.back()));
    out.back().note = "Cases first heard at a MARAC in the period.";

    const int64_t heard = cases_.counts[kHeard][0];
    const int64_t repeats = cases_.counts[kRepeat][0];
    ReportTable rates{"marac_rates", "MARAC repeat rate and cases per 10,000",
                      "Cases"};
    rates.columns = {{"Repeat rate", FigureUnit::kPercent, false},
                     {"Cases per 10,000 adult women", FigureUnit::kPer10000,
                      false}};
    TableRow row{"Cases heard", {}, false};
    if (heard == 0) {
      row.cells.push_back({FigureStatus::kNotAvailable, 0});
    } else if (rules.suppress && SuppressRate(repeats, heard, rules.policy)) {
      row.cells.push_back({FigureStatus::kTooFewCases, 0});
    } else {
      row.cells.push_back({FigureStatus::kShown, 100.0 * repeats / heard});
    }
    const int64_t women = AdultWomen();
    if (women <= 0) {
      row.cells.push_back({FigureStatus::kNotAvailable, 0});
    } else if (rules.suppress && SuppressStatistic(heard, rules.policy)) {
      row.cells.push_back({FigureStatus::kTooFewCases, 0});
    } else {
      row.cells.push_back(
          {FigureStatus::kShown, 10000.0 * static_cast<double>(heard) /
                                     static_cast<double>(women)});
    }
    rates.rows.push_back(std::move(row));
    rates.note =
        "Population: the policy's adult women (16 and over) of the areas "
        "reported on; not available where one has none.";
    out.push_back(std::move(rates));

    const std::vector<Characteristic>& all = Characteristics();
    for (size_t i = 0; i < all.size(); ++i) {
      victims_[i].column_totals = true;
      out.push_back({all[i].id, all[i].title, "Recorded as"});
      SAFEGUARD_RETURN_IF_ERROR(FillCounts(victims_[i], rules, out.back()));
      out.back().chart = "bar";
    }
    return out;
  }

 private:
  // The adult women of the areas reported on; 0 if any has no figure.
  int64_t AdultWomen() const {
    const auto& by_area = scope_.config->adult_women_by_area;
    int64_t total = 0;
    for (const std::string& a : scope_.areas) {
      if (!scope_.area.empty() && a != scope_.area) continue;
      auto it = by_area.find(a);
      if (it == by_area.end()) return 0;
      total += it->second;
    }
    return total;
  }

  const ReportScope& scope_;
  CountGrid cases_;
  std::vector<CountGrid> victims_;
};

}  // namespace

std::unique_ptr<ReportSection> MakeMaracSection(const ReportScope& scope) {
  return std::make_unique<MaracSection>(scope);
}

}  // namespace safeguard
