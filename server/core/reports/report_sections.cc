#include "server/core/reports/report_sections.h"

#include "absl/algorithm/container.h"

namespace safeguard {

const std::vector<std::string>& ReportScope::AgencyTypes() const {
  if (types_.empty()) {
    types_ = config->type_order;
    if (!absl::c_linear_search(types_, "other")) types_.push_back("other");
  }
  return types_;
}

int ReportScope::AgencyTypeIndex(const std::string& agency) const {
  auto [at, added] = type_of_agency_.try_emplace(agency, 0);
  if (added) {
    auto it = config->agency_types.find(agency);
    const std::string& type =
        it == config->agency_types.end() ? std::string("other") : it->second;
    const std::vector<std::string>& all = AgencyTypes();
    at->second = static_cast<int>(absl::c_find(all, type) - all.begin());
  }
  return at->second;
}

std::vector<std::unique_ptr<ReportSection>> MakeSections(
    const ReportScope& scope) {
  std::vector<std::unique_ptr<ReportSection>> out;
  out.push_back(MakeOverviewSection(scope));
  out.push_back(MakeMaracSection(scope));
  out.push_back(MakeNrmSection(scope));
  out.push_back(MakeChannelSection(scope));
  out.push_back(MakeTargetHardeningSection(scope));
  return out;
}

std::vector<std::string> OverviewTableIds() {
  return {"received_by_month", "received_by_agency_type", "received_by_area",
          "open_at_end",       "outcomes",                "time_to_decision",
          "deadlines_met"};
}

std::vector<std::string> KindTableIds(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kMarac:
      return {"marac_cases",          "marac_rates",
              "marac_victim_age",     "marac_victim_sex",
              "marac_victim_ethnicity", "marac_victim_disability",
              "marac_victim_lgbt"};
    case ReferralKind::kNrm:
      return {"nrm_referrals", "nrm_exploitation", "nrm_nationality",
              "nrm_decisions"};
    case ReferralKind::kChannel:
      return {"channel_gateway", "channel_by_route"};
    case ReferralKind::kTargetHardening:
      return {"th_jobs", "th_measures"};
    case ReferralKind::kUnspecified:
      break;
  }
  return {};
}

std::vector<std::string> AllTableIds() {
  std::vector<std::string> out = OverviewTableIds();
  for (ReferralKind k : {ReferralKind::kMarac, ReferralKind::kNrm,
                         ReferralKind::kChannel,
                         ReferralKind::kTargetHardening}) {
    for (std::string& id : KindTableIds(k)) out.push_back(std::move(id));
  }
  return out;
}

double DaysBetween(absl::Time from, absl::Time to) {
  return absl::ToDoubleHours(to - from) / 24.0;
}

}  // namespace safeguard
