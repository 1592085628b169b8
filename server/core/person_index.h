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

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

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

// Whether a submission's own checks look up the people of `kind` named in
// `role` (a MARAC case's victim and perpetrator, for a repeat, over
// MaracCriteriaConfig::repeat_months): a store may keep the recent ones at
// hand (WriteTransaction::FindRecentMentions).
bool CheckedOnSubmission(ReferralKind kind, PersonRole role);
// Those of `people`, named in a referral of `kind`, who are.
std::vector<NamedPerson> CheckedPeople(ReferralKind kind,
                                       const std::vector<NamedPerson>& people);

// What matching compares of `person`, named in a referral made on `made`.
PersonFacts FactsOf(const Person& person, absl::Time made);

// Where `person` is in its referral, as the API names it: "subjects[0]",
// "marac.perpetrator", "marac.children[1]"; and the field holding the
// people of `role`: "subjects", "marac.perpetrator", "marac.children".
std::string PersonPath(const NamedPerson& person);
absl::string_view PersonField(PersonRole role);
// "subject", "perpetrator", "child".
absl::string_view PersonRoleName(PersonRole role);

// Another referral naming someone who may be a person this one names: the
// other referral's envelope (never its content), who in this referral,
// as whom in the other, and how alike.
struct KnownElsewhere {
  std::string referral_id;
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string referring_agency;
  std::string state;
  absl::Time create_time = absl::InfinitePast();
  std::string person;
  PersonRole named_as = PersonRole::kSubject;
  MatchResult match;
  // The person records here and there; equal when a coordinator confirmed
  // the match (`confirmed`).
  std::string person_record;
  std::string other_person_record;
  bool confirmed = false;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_PERSON_INDEX_H_
