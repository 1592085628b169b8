// File: bench/reports_data.h
//
// The synthetic data set of the `reports` scenario (bench/reports_bench.h):
// N referrals received over one financial year, 1 April 2025 to 31 March
// 2026 (Europe/London), as many each day, three in four in working hours;
// each with the history its kind's workflow (server/core/kinds/) gives it
// up to the day the data set stands at, 30 June 2026, so that a referral
// received late in the year is often still open. No real personal data:
// every value is a pure function of the referral's index (the people it
// names are bench/people_data.h's for the same index; its id alone is
// random).
//
// Kinds as bench/people_data.h has them (a quarter MARAC, three tenths
// target hardening, a fifth Channel, a quarter NRM); areas and agencies
// from the shipped policy; steps a few minutes to months apart:
//
//   NRM: 8% Duty to Notify reports (end at once); referrals
//     NRM_SUBMITTED -> REF_ASSIGNED -> RG_PENDING -> RG_POSITIVE (86%) or
//     RG_NEGATIVE (some reconsidered) -> RECOVERY_SUPPORT -> CG_PENDING
//     (30 days on) -> CG_POSITIVE (90%) or CG_NEGATIVE, a few withdrawn,
//     consent withdrawn or disqualified; 40% children; nationality, and one
//     or two exploitation types;
//   Channel: RECEIVED -> POLICE_GATEWAY -> NFA, SIGNPOSTED, PCM (then
//     CLOSED) or INFO_GATHERING -> PANEL -> ADOPTED (60%) or NOT_ADOPTED;
//     adopted: CONSENT_SOUGHT -> SUPPORT_PLAN or DECLINED; EXITED months
//     later, then the post-exit reviews; 55% minors;
//   MARAC: SUBMITTED -> COORDINATOR_SCREEN -> LISTED (or an emergency
//     MARAC, deferred, returned and resubmitted, transferred, withdrawn)
//     -> AGENCY_RESEARCH -> HEARD -> ACTIONS_OPEN -> ACTIONS_REVIEWED ->
//     CLOSED; 28% repeats; the victim's characteristics recorded for 70%;
//   target hardening: REFERRED -> ELIGIBILITY -> ACCEPTED (86%; or
//     DECLINED, CANCELLED, consent withdrawn) -> SURVEY_BOOKED ->
//     INSTALLED in one visit (three in four) or SURVEYED -> WORKS_ORDERED
//     -> INSTALLED, measures installed -> ES_FLAG_SET -> REVIEW_3M ->
//     REVIEW_6M -> CLOSED.
//
// Pure functions (but for the id); thread-safe.
#ifndef SAFEGUARD_BENCH_REPORTS_DATA_H_
#define SAFEGUARD_BENCH_REPORTS_DATA_H_

#include <cstdint>

#include "absl/time/civil_time.h"
#include "server/core/referral.h"

namespace safeguard::bench {

// The financial year the data set is received in, both days included.
inline const absl::CivilDay kReportsYearStart(2025, 4, 1);
inline const absl::CivilDay kReportsYearEnd(2026, 3, 31);

// Referral `i` of a data set of `n`, as stored: its envelope, form and
// history (state, version and times from it), with a new id.
Referral ReportsReferralAt(int64_t i, int64_t n);

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_REPORTS_DATA_H_
