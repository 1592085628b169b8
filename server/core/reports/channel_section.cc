// Channel and Prevent: the gateway's outcomes, and each route's referrals
// received, discussed at panel, adopted and exited.
#include "absl/algorithm/container.h"
#include "server/core/reports/report_sections.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

const StateCode kNfa = ReportStateCode("NFA");
const StateCode kSignposted = ReportStateCode("SIGNPOSTED");
const StateCode kPcm = ReportStateCode("PCM");
const StateCode kInfoGathering = ReportStateCode("INFO_GATHERING");
const StateCode kPanelState = ReportStateCode("PANEL");
const StateCode kAdoptedState = ReportStateCode("ADOPTED");
const StateCode kExitedState = ReportStateCode("EXITED");
enum RouteColumn { kReceived, kPanel, kAdopted, kExited, kRouteColumns };

class ChannelSection final : public ReportSection {
 public:
  explicit ChannelSection(const ReportScope& scope)
      : scope_(scope),
        gateway_({"No further action", "Signposted",
                  "Prevent case management", "Information gathering"},
                 {"Decisions"}),
        routes_(scope.AgencyTypes(), {"Received", "Discussed at panel", "Adopted",
                         "Exited"}) {}

  void Add(const ReportFacts& f) override {
    if (f.kind != ReferralKind::kChannel) return;
    const auto gateway = f.FirstOf({kNfa, kSignposted, kPcm, kInfoGathering});
    if (scope_.InPeriod(gateway.first)) {
      gateway_.Add(gateway.second == kNfa          ? 0
                   : gateway.second == kSignposted ? 1
                   : gateway.second == kPcm        ? 2
                                                   : 3,
                   0);
    }
    const int route = scope_.AgencyTypeIndex(f.referring_agency);
    if (scope_.InPeriod(f.received)) routes_.Add(route, kReceived);
    if (scope_.InPeriod(f.Reached(kPanelState))) routes_.Add(route, kPanel);
    if (scope_.InPeriod(f.Reached(kAdoptedState))) routes_.Add(route, kAdopted);
    if (scope_.InPeriod(f.Reached(kExitedState))) routes_.Add(route, kExited);
  }

  absl::StatusOr<std::vector<ReportTable>> Finish(
      const FigureRules& rules) override {
    std::vector<ReportTable> out;
    gateway_.column_totals = true;
    out.push_back({"channel_gateway", "Channel gateway outcomes", "Outcome"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(gateway_, rules, out.back()));
    out.back().chart = "bar";

    routes_.column_totals = true;
    out.push_back({"channel_by_route", "Channel referrals by route",
                   "Referring agency type"});
    SAFEGUARD_RETURN_IF_ERROR(FillCounts(routes_, rules, out.back()));
    out.back().note =
        "Received in the period; discussed at panel, adopted and exited "
        "first in the period, whenever received.";
    return out;
  }

 private:
  const ReportScope& scope_;
  CountGrid gateway_;
  CountGrid routes_;
};

}  // namespace

std::unique_ptr<ReportSection> MakeChannelSection(const ReportScope& scope) {
  return std::make_unique<ChannelSection>(scope);
}

}  // namespace safeguard
