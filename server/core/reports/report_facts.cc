#include "server/core/reports/report_facts.h"

#include <variant>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"

namespace safeguard {
namespace {

// The states each kind ends in (workflow rules in server/core/kinds/):
// those no step leaves, and the decisions only a reconsideration or a
// re-referral reopens.
constexpr absl::string_view kNrmEnds[] = {
    "DTN_SUBMITTED", "RG_NEGATIVE", "CG_POSITIVE", "CG_NEGATIVE",
    "WITHDRAWN", "CONSENT_WITHDRAWN", "DISQUALIFIED_PUBLIC_ORDER"};
constexpr absl::string_view kChannelEnds[] = {
    "NFA", "SIGNPOSTED", "NOT_ADOPTED", "DECLINED", "CONSENT_WITHDRAWN",
    "CLOSED"};
constexpr absl::string_view kMaracEnds[] = {"TRANSFERRED", "WITHDRAWN",
                                            "CLOSED"};
constexpr absl::string_view kTargetHardeningEnds[] = {"DECLINED", "CANCELLED",
                                                      "CLOSED"};

template <typename E>
uint32_t Bits(const std::vector<E>& values) {
  uint32_t out = 0;
  for (E v : values) {
    const int n = static_cast<int>(v);
    if (n > 0 && n < 32) out |= uint32_t{1} << n;
  }
  return out;
}

constexpr absl::string_view kStates[] = {
    // NRM and Duty to Notify.
    "NRM_SUBMITTED", "DTN_SUBMITTED", "REF_ASSIGNED", "RG_PENDING",
    "RG_POSITIVE", "RG_NEGATIVE", "RECOVERY_SUPPORT", "CG_PENDING",
    "CG_POSITIVE", "CG_NEGATIVE", "RECONSIDERATION_REQUESTED",
    "DISQUALIFIED_PUBLIC_ORDER", "WITHDRAWN", "CONSENT_WITHDRAWN",
    // Channel.
    "RECEIVED", "POLICE_GATEWAY", "NFA", "SIGNPOSTED", "PCM",
    "INFO_GATHERING", "PANEL", "NOT_ADOPTED", "ADOPTED", "CONSENT_SOUGHT",
    "DECLINED", "SUPPORT_PLAN", "EXITED", "POST_EXIT_REVIEW_1",
    "POST_EXIT_REVIEW_2", "CLOSED",
    // MARAC.
    "SUBMITTED", "COORDINATOR_SCREEN", "RETURNED", "DEFERRED", "LISTED",
    "EMERGENCY_MARAC", "TRANSFERRED", "AGENCY_RESEARCH", "HEARD",
    "ACTIONS_OPEN", "ACTIONS_REVIEWED",
    // Target hardening.
    "REFERRED", "ELIGIBILITY", "ACCEPTED", "SURVEY_BOOKED", "SURVEYED",
    "WORKS_ORDERED", "INSTALLED", "ES_FLAG_SET", "REVIEW_3M", "REVIEW_6M",
    "CANCELLED",
};
static_assert(std::size(kStates) < 256, "a StateCode is a byte");

struct FormFacts {
  ReportFacts& out;
  void operator()(const std::monostate&) const {}
  void operator()(const NrmForm& f) const {
    out.child = f.subject_is_child;
    out.nature = f.nature;
    out.exploitation = Bits(f.exploitation_types);
  }
  void operator()(const ChannelForm& f) const { out.child = f.subject_is_minor; }
  void operator()(const MaracForm& f) const {
    out.repeat = absl::c_linear_search(f.criteria, MaracCriterion::kRepeat);
    out.children = static_cast<int>(f.children.size());
    out.victim = f.victim;
  }
  void operator()(const TargetHardeningForm& f) const {
    out.measures_installed = Bits(f.measures_installed);
    out.scheme = f.scheme;
  }
};

}  // namespace

absl::Span<const absl::string_view> ReportStates() { return kStates; }

StateCode ReportStateCode(absl::string_view state) {
  const auto* it = absl::c_find(kStates, state);
  return it == std::end(kStates)
             ? 0
             : static_cast<StateCode>(it - std::begin(kStates) + 1);
}

absl::Time ReportFacts::Reached(StateCode state) const {
  for (const auto& [s, at] : reached) {
    if (s == state) return at;
  }
  return absl::InfiniteFuture();
}

std::pair<absl::Time, StateCode> ReportFacts::FirstOf(
    absl::Span<const StateCode> states) const {
  for (const auto& [s, at] : reached) {
    for (StateCode want : states) {
      if (s == want) return {at, s};
    }
  }
  return {absl::InfiniteFuture(), 0};
}

bool IsEndState(ReferralKind kind, absl::string_view state) {
  switch (kind) {
    case ReferralKind::kNrm:
      return absl::c_linear_search(kNrmEnds, state);
    case ReferralKind::kChannel:
      return absl::c_linear_search(kChannelEnds, state);
    case ReferralKind::kMarac:
      return absl::c_linear_search(kMaracEnds, state);
    case ReferralKind::kTargetHardening:
      return absl::c_linear_search(kTargetHardeningEnds, state);
    case ReferralKind::kUnspecified:
      break;
  }
  return false;
}

ReportFacts FactsOf(const Referral& r) {
  ReportFacts out;
  out.referral_id = r.id;
  out.kind = r.kind;
  out.area = r.area;
  out.referring_agency = r.referring_agency;
  out.received = r.create_time;
  for (const TransitionRecord& step : r.history) {
    if (step.to_state.empty() || step.to_state == step.from_state) continue;
    const StateCode code = ReportStateCode(step.to_state);
    if (code != 0 && out.Reached(code) == absl::InfiniteFuture()) {
      out.reached.emplace_back(code, step.time);
    }
    if (step.to_state == r.state && IsEndState(r.kind, r.state)) {
      out.ended = step.time;
    }
  }
  if (!IsEndState(r.kind, r.state)) out.ended = absl::InfiniteFuture();
  if (!r.subjects.empty()) {
    out.nationality = std::string(
        absl::StripAsciiWhitespace(r.subjects.front().nationality));
  }
  std::visit(FormFacts{out}, r.form);
  return out;
}

}  // namespace safeguard
