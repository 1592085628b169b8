// File: bench/people_data.h
//
// The synthetic population of the `people` scenario (bench/people_bench.h):
// no real personal data, every value a pure function of a fixed seed and
// an index, so that a data set is made again identically, a preload can
// resume where it stopped, and the people a search looks for are known
// without reading the database back.
//
// Referral i is a MARAC case (a quarter: the victim, the perpetrator and
// none to four children, one on average), a target-hardening job, a Channel
// or an NRM referral (one subject each): about 1.5 people per referral.
// Names: a given name by sex (245 in all, Zipf-weighted, some with
// accents), a middle name for a quarter, and a surname from three pools:
// 241 common ones in England and Wales (a third of people), about 16,000
// made of English place-name parts ("Ash" + "worth"; half), and
// syllable-made ones of other origins (millions possible; the rest), a few
// double-barrelled. Dates of birth by role (MARAC victims 18-65,
// perpetrators 18-70, children 0-16, Channel subjects 11-40), recorded in
// full, to the month, to the year, as an approximate age, or not at all.
// One person in five has an NHS number, one in 25 an alias.
//
// People recur as they do in referrals: a fifth of MARAC cases are repeats
// (the victim of an earlier case, usually with the same perpetrator and
// children); other subjects are someone named before one time in seven; a
// perpetrator is another case's one time in ten. A later mention may give
// a nickname, a spelling variant of the surname, a partial date of birth,
// or leave out the middle name, as referrers do.
//
// Pure functions; thread-safe.
#ifndef SAFEGUARD_BENCH_PEOPLE_DATA_H_
#define SAFEGUARD_BENCH_PEOPLE_DATA_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "safeguard/v1/people.pb.h"
#include "safeguard/v1/referral.pb.h"
#include "server/core/referral.h"

namespace safeguard::bench {

// The kind of referral `i`.
ReferralKind PeopleKindAt(int64_t i);

// Referral `i` of the data set as stored, created at `created` (its id,
// reference, version and audit are the caller's).
Referral PeopleReferralAt(int64_t i, absl::Time created);

// Referral `i` as a partner submits it (its kind is PeopleKindAt(i)): the
// fixture of its kind (tests/testing/referral_fixtures.h) naming its
// people. Indexes past the data set's end make new referrals whose people
// recur from the data set as the data set's own do.
v1::Referral PeopleSubmission(int64_t i);

// A search for someone referral `i` names (by the name and date of birth
// the person has, not as one referral spelled them), with `reason`.
v1::SearchPeopleRequest PeopleSearchFor(int64_t i, const std::string& reason);

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_PEOPLE_DATA_H_
