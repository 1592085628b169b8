// File: server/core/person_index.h
//
// The people a referral names, as matching (person_match.h) sees them: the
// subjects, and what a kind's form adds (a MARAC perpetrator and
// children). Each is indexed by its blocking keys (MatchKeys) when the
// referral is stored, so that the people in other referrals who may be the
// same are found without reading every referral; the store keeps keyed
// hashes of the keys only. A Duty to Notify's subject is never indexed
// (Modern Slavery Act s52(3)).
//
// Value types; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_PERSON_INDEX_H_
#define SAFEGUARD_SERVER_CORE_PERSON_INDEX_H_

#include <vector>

#include "server/core/person_match.h"
#include "server/core/referral.h"

namespace safeguard {

// Where a person is named in a referral. Numbers are stored.
enum class PersonRole { kSubject = 1, kPerpetrator = 2, kChild = 3 };

struct NamedPerson {
  PersonRole role = PersonRole::kSubject;
  int index = 0;  // among the referral's people of that role
  PersonFacts facts;
};

// What matching compares of `person`, named in a referral made on `made`.
PersonFacts FactsOf(const Person& person, absl::Time made);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_PERSON_INDEX_H_
