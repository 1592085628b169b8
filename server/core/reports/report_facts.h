// File: server/core/reports/report_facts.h
//
// ReportFacts: what the partnership's reports count of one referral, taken
// from its record (kind, area, referring agency, when it was received, the
// states it reached and when, and the few form answers the reports break
// figures down by), with no name, date of birth, address or free text.
// The store keeps them beside each referral, written in the same
// transaction, so a report never reads a referral's body.
//
// Value types; thread-compatible. FactsOf is a pure function.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_REPORT_FACTS_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_REPORT_FACTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "absl/time/time.h"
#include "server/core/referral.h"

namespace safeguard {

// A workflow state as the reports know it: its place in ReportStates()
// plus one; 0 for a state not there. The list is only ever appended to, as
// the store keeps the codes.
using StateCode = uint8_t;
absl::Span<const absl::string_view> ReportStates();
StateCode ReportStateCode(absl::string_view state);

struct ReportFacts {
  std::string referral_id;
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string area;
  std::string referring_agency;
  absl::Time received = absl::InfinitePast();
  // When the referral came to rest in the end state it is in now (an
  // outcome no step leaves but a reconsideration or re-referral);
  // InfiniteFuture while it is open.
  absl::Time ended = absl::InfiniteFuture();
  // The first time each state was reached, in the order reached (states
  // not in ReportStates() are left out).
  std::vector<std::pair<StateCode, absl::Time>> reached;

  // NRM: a child (Channel: a minor); a referral or a Duty to Notify; the
  // exploitation types (bit 1 << ExploitationType); the subject's
  // nationality as recorded, trimmed ("" when not recorded).
  bool child = false;
  NrmNature nature = NrmNature::kUnspecified;
  uint32_t exploitation = 0;
  std::string nationality;
  // MARAC: REPEAT among the criteria; the children named; the victim's
  // characteristics where recorded.
  bool repeat = false;
  int children = 0;
  VictimCharacteristics victim;
  // Target hardening: the measures installed (bit 1 << SecurityMeasure)
  // and the scheme.
  uint32_t measures_installed = 0;
  std::string scheme;

  // When `state` was first reached; InfiniteFuture if never.
  absl::Time Reached(StateCode state) const;
  // The first time any of `states` was reached, and which; InfiniteFuture
  // and 0 if none was.
  std::pair<absl::Time, StateCode> FirstOf(
      absl::Span<const StateCode> states) const;
};

// Whether `state` is one a referral of `kind` ends in.
bool IsEndState(ReferralKind kind, absl::string_view state);

// The facts of `referral` as stored now.
ReportFacts FactsOf(const Referral& referral);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_REPORT_FACTS_H_
